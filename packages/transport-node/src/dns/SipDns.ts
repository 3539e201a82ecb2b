/**
 * SipDns — the DNS questions RFC 3263 asks (NAPTR, SRV, A, AAAA), as a service tests replace with a static zone.
 *
 * Answers are plain records; "no such name", "no data" and a failed server all read as an empty answer, because
 * RFC 3263 moves on to the next step either way. The Node implementation uses `node:dns/promises`: NAPTR and SRV
 * are DNS queries (`resolveNaptr`, `resolveSrv`); A and AAAA go to the system's resolver (`lookup`, getaddrinfo),
 * as every other program on the host does, so a name in /etc/hosts (`localhost`, a lab's `pbx.lab`) resolves without
 * a DNS server — `resolve4` asked the DNS server only, and `sip send OPTIONS sip:localhost` failed without one.
 * Tests must use `staticDns` (no test ever queries real DNS).
 */
import * as dns from "node:dns/promises"
import { Context, Effect, Layer } from "effect"

export interface NaptrRecord {
  readonly order: number
  readonly preference: number
  readonly flags: string
  readonly service: string
  readonly regexp: string
  readonly replacement: string
}

export interface SrvRecord {
  readonly priority: number
  readonly weight: number
  readonly port: number
  readonly target: string
}

export interface SipDnsShape {
  readonly naptr: (name: string) => Effect.Effect<ReadonlyArray<NaptrRecord>>
  readonly srv: (name: string) => Effect.Effect<ReadonlyArray<SrvRecord>>
  readonly a: (name: string) => Effect.Effect<ReadonlyArray<string>>
  readonly aaaa: (name: string) => Effect.Effect<ReadonlyArray<string>>
}

export class SipDns extends Context.Service<SipDns, SipDnsShape>()("@sipkit/transport-node/SipDns") {}

const orEmpty = <A>(query: () => Promise<ReadonlyArray<A>>): Effect.Effect<ReadonlyArray<A>> =>
  Effect.tryPromise(query).pipe(Effect.orElseSucceed((): ReadonlyArray<A> => []))

/** §4.2's "A or AAAA record lookup" by the system's resolver: every address of `family`, in its order. */
const addresses = async (name: string, family: 4 | 6): Promise<ReadonlyArray<string>> =>
  (await dns.lookup(name, { family, all: true })).map((a) => a.address)

/** The system resolver (node:dns). */
export const nodeDns: SipDnsShape = {
  naptr: (name) => orEmpty(() => dns.resolveNaptr(name)),
  srv: (name) =>
    orEmpty(async () =>
      (await dns.resolveSrv(name)).map((r) => ({
        priority: r.priority,
        weight: r.weight,
        port: r.port,
        target: r.name,
      })),
    ),
  a: (name) => orEmpty(() => addresses(name, 4)),
  aaaa: (name) => orEmpty(() => addresses(name, 6)),
}

export const nodeDnsLayer = Layer.succeed(SipDns)(nodeDns)

/** A zone of records by lower-case name, for tests and fixed deployments. */
export interface StaticZone {
  readonly naptr?: Readonly<Record<string, ReadonlyArray<NaptrRecord>>>
  readonly srv?: Readonly<Record<string, ReadonlyArray<SrvRecord>>>
  readonly a?: Readonly<Record<string, ReadonlyArray<string>>>
  readonly aaaa?: Readonly<Record<string, ReadonlyArray<string>>>
}

export const staticDns = (zone: StaticZone, queries?: Array<string>): SipDnsShape => {
  const lookup =
    <A>(type: string, table: Readonly<Record<string, ReadonlyArray<A>>> | undefined) =>
    (name: string) =>
      Effect.sync((): ReadonlyArray<A> => {
        queries?.push(`${type} ${name.toLowerCase()}`)
        return table?.[name.toLowerCase()] ?? []
      })
  return {
    naptr: lookup("NAPTR", zone.naptr),
    srv: lookup("SRV", zone.srv),
    a: lookup("A", zone.a),
    aaaa: lookup("AAAA", zone.aaaa),
  }
}

export const staticDnsLayer = (zone: StaticZone) => Layer.succeed(SipDns)(staticDns(zone))
