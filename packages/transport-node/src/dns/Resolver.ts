/**
 * Resolver — RFC 3263 §4: from a SIP or SIPS URI to an ordered list of (transport, IP, port) targets to try.
 *
 * §4.1 picks the transport (URI `transport` param; a numeric host or explicit port means UDP for sip and TLS for
 * sips; otherwise NAPTR, then SRV probing, then the default), §4.2 the port and address (SRV sorted by priority
 * and weighted by weight per RFC 2782, then A and AAAA). The list is the failover order of §4.3: a client moves
 * to the next target on a transport error, a timeout or a 503. RFC 7118 adds the `SIP+D2W`/`SIPS+D2W` services.
 *
 * Never: talks to DNS directly (it asks the `SipDns` service) or sends anything.
 */
import { Effect, Random } from "effect"
import { defaultPort, isIpLiteral, normalizeHost, type TransportKind } from "../Address.js"
import { type NaptrRecord, SipDns, type SrvRecord } from "./SipDns.js"

/** The parts of a URI resolution needs (the engine fills it from the codec's `SipUri`, maddr taking precedence). */
export interface ResolveInput {
  readonly secure: boolean
  readonly host: string
  readonly port?: number | undefined
  /** The `transport` URI parameter, any case. */
  readonly transport?: string | undefined
}

export interface Target {
  readonly transport: TransportKind
  readonly host: string
  readonly port: number
}

const naptrServices: ReadonlyArray<readonly [string, TransportKind]> = [
  ["SIPS+D2T", "TLS"],
  ["SIP+D2T", "TCP"],
  ["SIP+D2U", "UDP"],
  ["SIPS+D2W", "WSS"],
  ["SIP+D2W", "WS"],
]

const srvPrefix = (transport: TransportKind): string => {
  switch (transport) {
    case "UDP":
      return "_sip._udp."
    case "TCP":
      return "_sip._tcp."
    case "TLS":
      return "_sips._tcp."
    case "WS":
      return "_sip._ws."
    case "WSS":
      return "_sips._ws."
  }
}

const fromParam = (transport: string, secure: boolean): TransportKind | undefined => {
  switch (transport.toLowerCase()) {
    case "udp":
      return "UDP"
    case "tcp":
      return secure ? "TLS" : "TCP"
    case "tls":
      return "TLS"
    case "ws":
      return secure ? "WSS" : "WS"
    case "wss":
      return "WSS"
    default:
      return undefined
  }
}

/** RFC 2782: order by priority; within one priority, a weighted random order (weight 0 rarely first). */
export const orderSrv = (records: ReadonlyArray<SrvRecord>) =>
  Effect.gen(function* () {
    const out: Array<SrvRecord> = []
    const priorities = [...new Set(records.map((r) => r.priority))].sort((a, b) => a - b)
    for (const priority of priorities) {
      const pool = records.filter((r) => r.priority === priority).sort((a, b) => a.weight - b.weight)
      while (pool.length > 0) {
        const total = pool.reduce((sum, r) => sum + r.weight, 0)
        const roll = (yield* Random.next) * (total + 1)
        let running = 0
        let index = pool.findIndex((r) => (running += r.weight) >= roll)
        if (index < 0) index = pool.length - 1
        out.push(pool[index]!)
        pool.splice(index, 1)
      }
    }
    return out
  })

const addresses = (host: string, port: number, transport: TransportKind) =>
  Effect.gen(function* () {
    const dns = yield* SipDns
    if (isIpLiteral(host)) return [{ transport, host: normalizeHost(host), port }]
    const v4 = yield* dns.a(host)
    const v6 = yield* dns.aaaa(host)
    return [...v4, ...v6].map((ip): Target => ({ transport, host: normalizeHost(ip), port }))
  })

const viaSrv = (name: string, transport: TransportKind, fallbackHost: string | undefined) =>
  Effect.gen(function* () {
    const dns = yield* SipDns
    const records = yield* orderSrv(yield* dns.srv(name))
    const out: Array<Target> = []
    for (const r of records) out.push(...(yield* addresses(r.target, r.port, transport)))
    // §4.2: "If no SRV records were found, the client performs an A or AAAA record lookup of the domain name."
    if (records.length === 0 && fallbackHost !== undefined) {
      out.push(...(yield* addresses(fallbackHost, defaultPort(transport), transport)))
    }
    return out
  })

/**
 * Every target for `input`, in the order to try them; `supported` limits the transports (and gives the
 * preference among SRV probes when there is no NAPTR). Empty when nothing resolves.
 */
export const resolve = (input: ResolveInput, supported: ReadonlyArray<TransportKind>) =>
  Effect.gen(function* () {
    const dns = yield* SipDns
    const host = normalizeHost(input.host)
    const allowed = supported.filter((t) => !input.secure || t === "TLS" || t === "WSS")
    const explicit = input.transport === undefined ? undefined : fromParam(input.transport, input.secure)
    // §4.1: numeric host or explicit port → no NAPTR/SRV.
    if (isIpLiteral(host) || input.port !== undefined) {
      const transport = explicit ?? (input.secure ? "TLS" : "UDP")
      return yield* addresses(host, input.port ?? defaultPort(transport), transport)
    }
    if (explicit !== undefined) return yield* viaSrv(`${srvPrefix(explicit)}${host}`, explicit, host)
    // §4.1: NAPTR, keeping the services we support, by order then preference.
    const naptr = (yield* dns.naptr(host))
      .flatMap((r): ReadonlyArray<readonly [NaptrRecord, TransportKind]> => {
        const match = naptrServices.find(([service]) => service === r.service.toUpperCase())
        return match !== undefined && allowed.includes(match[1]) && r.flags.toLowerCase() === "s"
          ? [[r, match[1]]]
          : []
      })
      .sort(([a], [b]) => a.order - b.order || a.preference - b.preference)
    const out: Array<Target> = []
    for (const [record, transport] of naptr)
      out.push(...(yield* viaSrv(record.replacement, transport, undefined)))
    if (naptr.length > 0 && out.length > 0) return out
    // §4.1: no NAPTR → SRV for each supported transport, in our preference order.
    for (const transport of allowed)
      out.push(...(yield* viaSrv(`${srvPrefix(transport)}${host}`, transport, undefined)))
    if (out.length > 0) return out
    // §4.1: nothing at all → UDP (sip) or TLS (sips) to the A/AAAA records at the default port.
    const transport: TransportKind = input.secure ? "TLS" : "UDP"
    return yield* addresses(host, defaultPort(transport), transport)
  })

/** §4.3 failover: try each target in turn until `attempt` succeeds with a result `retryable` does not reject. */
export const withFailover = <A, E, R>(
  targets: ReadonlyArray<Target>,
  attempt: (target: Target) => Effect.Effect<A, E, R>,
  retryable: (
    outcome:
      | { readonly _tag: "Success"; readonly value: A }
      | { readonly _tag: "Failure"; readonly error: E },
  ) => boolean,
): Effect.Effect<A, E | "NoTargets", R> =>
  Effect.gen(function* () {
    let last:
      | { readonly _tag: "Success"; readonly value: A }
      | { readonly _tag: "Failure"; readonly error: E }
      | undefined
    for (const target of targets) {
      const result = yield* Effect.result(attempt(target))
      last =
        result._tag === "Success"
          ? { _tag: "Success", value: result.success }
          : { _tag: "Failure", error: result.failure }
      if (!retryable(last)) break
    }
    if (last === undefined) return yield* Effect.fail("NoTargets" as const)
    return last._tag === "Success" ? last.value : yield* Effect.fail(last.error)
  })
