/**
 * RuntimeSend — `sip send` over @sipkit/transport-node's endpoint, for every transport (udp, tcp, tls, ws):
 * `request` for any method (with one digest retry), `call` for INVITE (ACK, BYE, CANCEL are the runtime's); its
 * `wire` stream feeds the ladder. With `--count N --rate R` it starts N exchanges at R per second on the one
 * endpoint, prints no ladder, and sums them up (SendSummary.ts).
 *
 * Exit codes: 0 a 2xx (and a clean BYE where asked; a 487 after an asked-for CANCEL), 1 another final response,
 * 2 a timeout or transport failure. `--proxy` is the runtime's outbound proxy (§8.1.2: a preloaded Route, the
 * request sent to it). An INVITE's `--header 'Contact: …'` becomes the call's Contact (the dialog's remote target
 * for the peer, §12.1.1); without one the runtime writes its own.
 */
import { performance } from "node:perf_hooks"
import { parseUri } from "@sipkit/codec"
import {
  type CallEvent,
  cryptoIdsLayer,
  type EndpointShape,
  makeEndpoint,
  type TransportKind,
  type WireEvent,
} from "@sipkit/transport-node"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import { percentile, type SendSummary, summaryText } from "../commands/SendSummary.js"
import { Exit, ExitCode } from "../ExitCode.js"
import type { LadderEvent } from "../Ladder.js"
import { localLanes } from "../Ladder.js"
import { makeOutput, type Output } from "../Output.js"
import { formatHostPort, type HostPort } from "../options/Common.js"
import type { SendOptions } from "../options/SendOptions.js"
import { dnsLayerFor } from "./Dns.js"

export type CliTransport = "udp" | "tcp" | "tls" | "ws"

export const kinds = { udp: "UDP", tcp: "TCP", tls: "TLS", ws: "WS" } as const satisfies Record<
  CliTransport,
  TransportKind
>

/** The Request-URI with `;transport=` so the runtime's RFC 3263 step picks the transport (§18.1.1 … §26.2). UDP is the default and is left unsaid. */
export const withTransport = (uri: string, transport: CliTransport): string =>
  transport === "udp" || /;transport=/i.test(uri) ? uri : `${uri};transport=${transport}`

/**
 * A wire event of the runtime as a ladder event. The local side is always `local` (the listener's address): on a
 * stream transport the connection's own port differs from it, and the ladder has one lane for this endpoint.
 */
export const ladderEvent =
  (now: () => number, local: string) =>
  (event: WireEvent): LadderEvent => {
    const remote = `${formatHostPort(event.remote)}${event.transport === "UDP" ? "" : `/${event.transport.toLowerCase()}`}`
    return event.direction === "out"
      ? { at: now(), from: local, to: remote, message: event.message }
      : { at: now(), from: remote, to: local, message: event.message }
  }

/** Starts printing the endpoint's wire events; returns once the subscription is live. */
export const traceWire = (sip: EndpointShape, output: Output, now: () => number, local: string) =>
  Effect.gen(function* () {
    const ready = yield* Deferred.make<void>()
    const toLadder = ladderEvent(now, local)
    yield* Stream.runForEach(
      Stream.concat(Stream.fromEffect(Deferred.succeed(ready, undefined)).pipe(Stream.drain), sip.wire),
      (event) => Effect.sync(() => output.event(toLadder(event))),
    ).pipe(Effect.forkScoped)
    yield* Deferred.await(ready)
    yield* Effect.sleep(Duration.millis(10))
  })

/** How one exchange ended. */
export interface Result {
  readonly exit: 0 | 1 | 2
  readonly status: number | undefined
  readonly reason: string | undefined
  readonly text: string
}

const finalResult = (status: number, reason: string, note: string, wanted = status < 300): Result => ({
  exit: wanted ? 0 : 1,
  status,
  reason,
  text: `SIP/2.0 ${status} ${reason}${note === "" ? "" : ` — ${note}`}`,
})

const timeoutResult = (note: string): Result => ({
  exit: 2,
  status: undefined,
  reason: undefined,
  text: note,
})

const bracketed = (value: string): string => (value.includes("<") ? value : `<${value}>`)

/** What we put in From, To and (for REGISTER) Contact unless the flags say otherwise. */
interface Identity {
  readonly from: string
  readonly to: string | undefined
  readonly contact: string | undefined
}

const identityFor = (options: SendOptions, local: HostPort, transport: CliTransport): Identity => {
  const user = options.credentials?.user ?? "sip"
  const uri = parseUri(options.uri)
  const uriHost = uri._tag === "Ok" && uri.value._tag === "SipUri" ? uri.value.host : local.host
  const from =
    options.from !== undefined
      ? bracketed(options.from)
      : options.method === "REGISTER"
        ? `<sip:${user}@${uriHost}>`
        : `<sip:${user}@${local.host.includes(":") ? `[${local.host}]` : local.host}>` // an address of record: no port, as the runtime's call()
  const to =
    options.to !== undefined ? bracketed(options.to) : options.method === "REGISTER" ? from : undefined
  const hasContact = options.headers.some(([name]) => /^(contact|m)$/i.test(name))
  const wantsContact = ["REGISTER", "UPDATE"].includes(options.method) && !hasContact
  const param = transport === "udp" || transport === "tls" ? "" : `;transport=${transport}`
  const scheme = transport === "tls" ? "sips" : "sip"
  return {
    from,
    to,
    contact: wantsContact ? `<${scheme}:${user}@${formatHostPort(local)}${param}>` : undefined,
  }
}

const credentialsOf = (options: SendOptions) =>
  options.credentials === undefined
    ? undefined
    : { username: options.credentials.user, password: options.credentials.password }

const isContact = (name: string): boolean => /^(contact|m)$/i.test(name)

/** An INVITE followed through the call handle's events. */
const runCall = (sip: EndpointShape, options: SendOptions, target: string, offer: string | undefined) =>
  Effect.gen(function* () {
    const call = yield* sip.call(target, offer, {
      from: options.from === undefined ? undefined : bracketed(options.from),
      to: options.to === undefined ? undefined : bracketed(options.to),
      headers: options.headers.filter(([name]) => !isContact(name)),
      contact: options.headers.find(([name]) => isContact(name))?.[1],
      credentials: credentialsOf(options),
      outboundProxy: options.proxy,
    })
    const events = yield* Queue.unbounded<CallEvent>()
    yield* Stream.runForEach(call.events, (event) => Queue.offer(events, event)).pipe(Effect.forkScoped)
    let cancelled = false
    if (options.cancelAfterMs !== undefined)
      yield* Effect.sleep(Duration.millis(options.cancelAfterMs)).pipe(
        Effect.andThen(Effect.sync(() => (cancelled = true))),
        Effect.andThen(call.cancel),
        Effect.forkScoped,
      )
    for (;;) {
      const event = yield* Queue.take(events)
      switch (event._tag) {
        case "Trying":
        case "Ringing":
        case "EarlyMedia":
          continue
        case "Failed":
          if (event.status === 408 || event.status === 503)
            return timeoutResult(`${event.status} ${event.reason}`)
          return event.status === 487 && cancelled
            ? finalResult(event.status, event.reason, "call cancelled as asked", true)
            : finalResult(event.status, event.reason, "")
        case "Ended":
          return timeoutResult(`call ended (${event.by}): ${event.reason}`)
        case "Answered": {
          const status = event.response.status
          if (options.hangupAfterMs === undefined && !cancelled)
            return finalResult(
              status,
              event.response.reason,
              "call answered (no BYE: --hangup-after-ms not given)",
            )
          yield* Effect.sleep(Duration.millis(cancelled ? 0 : (options.hangupAfterMs ?? 0)))
          yield* call.hangup
          for (;;) {
            const next = yield* Queue.take(events)
            if (next._tag === "Ended")
              return finalResult(status, event.response.reason, `call answered, ended: ${next.reason}`)
          }
        }
      }
    }
  }).pipe(Effect.scoped)

const runRequest = (
  sip: EndpointShape,
  options: SendOptions,
  identity: Identity,
  target: string,
  body: Uint8Array | undefined,
  contentType: string | undefined,
) =>
  Effect.gen(function* () {
    const response = yield* sip
      .request(options.method, target, {
        headers: [
          ...(identity.contact === undefined ? [] : [["Contact", identity.contact] as const]),
          ...(options.expires === undefined ? [] : [["Expires", String(options.expires)] as const]),
          ...options.headers,
        ],
        body,
        contentType,
        from: identity.from,
        to: identity.to,
        credentials: credentialsOf(options),
        outboundProxy: options.proxy,
      })
      .pipe(Effect.result)
    return response._tag === "Success"
      ? finalResult(response.success.status, response.success.reason, "")
      : response.failure.status === 408 || response.failure.status === 503
        ? timeoutResult(`${response.failure.status} ${response.failure.reason}`)
        : finalResult(response.failure.status, response.failure.reason, "")
  })

interface Timed {
  readonly result: Result
  readonly ms: number
}

const progress = (done: number, total: number) => {
  if (process.stderr.isTTY !== true) return
  const width = 30
  const filled = Math.round((done / total) * width)
  process.stderr.write(`\r[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total}`)
  if (done === total) process.stderr.write("\n")
}

const summarize = (outcomes: ReadonlyArray<Timed>, elapsedMs: number): SendSummary => {
  const times = outcomes.flatMap((o) => (o.result.status === undefined ? [] : [o.ms])).sort((a, b) => a - b)
  const failures: Record<string, number> = {}
  for (const { result } of outcomes) {
    if (result.exit === 0) continue
    const key = result.status === undefined ? "timeout" : String(result.status)
    failures[key] = (failures[key] ?? 0) + 1
  }
  return {
    type: "summary",
    requests: outcomes.length,
    ok: outcomes.filter((o) => o.result.exit === 0).length,
    elapsedMs: Math.round(elapsedMs),
    perSecond: Math.round((outcomes.length / Math.max(elapsedMs, 1)) * 1000 * 10) / 10,
    p50: percentile(times, 0.5),
    p90: percentile(times, 0.9),
    p99: percentile(times, 0.99),
    max: times[times.length - 1],
    failures,
  }
}

/** Starts `count` exchanges at `rate` per second and waits for all of them. */
const runLoad = (count: number, rate: number, one: Effect.Effect<Timed>) =>
  Effect.gen(function* () {
    const begin = performance.now()
    const outcomes: Array<Timed> = []
    const fibers: Array<Fiber.Fiber<void>> = []
    for (let i = 0; i < count; i++) {
      const wait = begin + (i * 1000) / rate - performance.now()
      if (wait > 1) yield* Effect.sleep(Duration.millis(wait))
      fibers.push(
        yield* one.pipe(
          Effect.flatMap((outcome) =>
            Effect.sync(() => {
              outcomes.push(outcome)
              progress(outcomes.length, count)
            }),
          ),
          Effect.forkChild,
        ),
      )
    }
    yield* Fiber.joinAll(fibers)
    return { outcomes, elapsedMs: performance.now() - begin }
  })

const resultNote = (output: Output, { result, ms }: Timed) =>
  output.note(`${result.exit === 0 ? "✓" : "✗"} ${result.text} after ${ms} ms`, {
    type: "result",
    outcome: result.exit === 0 ? "ok" : result.exit === 1 ? "failed" : "timeout",
    ...(result.status === undefined ? {} : { status: result.status, reason: result.reason }),
    ms,
    note: result.text,
    exit: result.exit,
  })

export const runRuntimeSend = (
  options: SendOptions,
  body: { readonly bytes: Uint8Array; readonly contentType: string } | undefined,
): Effect.Effect<void, Exit> =>
  Effect.scoped(
    Effect.gen(function* () {
      const transport = options.transport
      const dns = yield* dnsLayerFor("sip send", options.dns)
      const sip = yield* makeEndpoint(
        {
          listeners: [
            {
              transport: kinds[transport],
              host: options.bind.host,
              port: options.bind.port,
              // over TCP/TLS/WS too, so the Via and Contact name a port the peer can reach: a request inside the
              // dialog (the callee's BYE) opens a connection to the Contact (§18.1.1, §12.1.2) — with no listener
              // they named port 0
              ...(options.ca === undefined ? {} : { caFile: options.ca }),
              ...(options.cert === undefined ? {} : { certFile: options.cert }),
              ...(options.key === undefined ? {} : { keyFile: options.key }),
            },
          ],
          user: options.credentials?.user ?? "sip",
          logMessages: false,
          userAgent: "sipkit-cli/0.1.0",
          // what is still pending when sip send is done (a timed-out request) is abandoned, not waited for
          shutdownTimeoutMs: 100,
        },
        {},
      ).pipe(
        Effect.provide(Layer.merge(cryptoIdsLayer, dns)),
        Effect.mapError(
          (cause) =>
            new Exit({
              code: ExitCode.timeout,
              message: `sip send: cannot start the ${transport} endpoint: ${String(cause)}`,
            }),
        ),
      )
      const listener = sip.listeners[0]
      const localAddress = listener?.advertised ?? options.bind
      const local = listener === undefined ? "" : formatHostPort(listener.local)
      const load = options.count > 1
      const output = makeOutput({ json: options.json, quiet: load, lanes: localLanes(local) })
      const t0 = performance.now()
      const now = () => performance.now() - t0
      if (!load) yield* traceWire(sip, output, now, local)
      output.header()
      const target = withTransport(options.uri, transport)
      const identity = identityFor(options, localAddress, transport)
      const exchange =
        options.method === "INVITE"
          ? runCall(
              sip,
              options,
              target,
              body === undefined ? undefined : new TextDecoder().decode(body.bytes),
            )
          : runRequest(sip, options, identity, target, body?.bytes, body?.contentType)
      const timed: Effect.Effect<Timed> = Effect.gen(function* () {
        const started = performance.now()
        const result = yield* exchange.pipe(
          Effect.timeoutOption(Duration.millis(options.timeoutMs)),
          Effect.map(
            Option.getOrElse(() => timeoutResult(`no final response within ${options.timeoutMs} ms`)),
          ),
        )
        return { result, ms: Math.round((performance.now() - started) * 10) / 10 }
      })
      if (!load) {
        const one = yield* timed
        resultNote(output, one)
        yield* Effect.sleep(Duration.millis(20))
        if (one.result.exit !== 0) return yield* new Exit({ code: one.result.exit, message: "" })
        return
      }
      const { outcomes, elapsedMs } = yield* runLoad(options.count, options.rate, timed)
      const summary = summarize(outcomes, elapsedMs)
      output.note(summaryText(summary, options.method), summary)
      const exits = outcomes.map((o) => o.result.exit)
      const code = exits.includes(2) ? ExitCode.timeout : exits.includes(1) ? ExitCode.failed : ExitCode.ok
      if (code !== 0) return yield* new Exit({ code, message: "" })
    }),
  )
