/**
 * What every example shares: start a named endpoint on loopback UDP (ephemeral port, quiet log, crypto ids, a
 * static DNS zone — never real DNS), and draw the ladder of what crossed the wire between the named endpoints.
 */
import {
  cryptoIds,
  type EndpointShape,
  type Handlers,
  Ids,
  makeEndpoint,
  SipDns,
  type StaticZone,
  staticDns,
  type WireEvent,
} from "@sipkit/transport-node"
import { Effect, Stream } from "effect"

export interface Named {
  readonly name: string
  readonly endpoint: EndpointShape
  readonly port: number
  /** `sip:user@127.0.0.1:port` */
  readonly uri: (user: string) => string
}

export const start = (name: string, handlers: Handlers = {}, zone: StaticZone = {}) =>
  Effect.gen(function* () {
    const endpoint = yield* makeEndpoint(
      {
        listeners: [{ transport: "UDP", host: "127.0.0.1", port: 0 }],
        user: name.toLowerCase(),
        logMessages: false,
        shutdownTimeoutMs: 1000,
      },
      handlers,
    ).pipe(Effect.provideService(Ids, cryptoIds), Effect.provideService(SipDns, staticDns(zone)))
    const port = endpoint.listeners[0]!.local.port
    return { name, endpoint, port, uri: (user: string) => `sip:${user}@127.0.0.1:${port}` } satisfies Named
  })

/** Starts recording; `lines` gives `Alice -> Proxy: INVITE sip:bob@example.com` lines in wire order. */
export const recordLadder = (parties: ReadonlyArray<Named>) =>
  Effect.gen(function* () {
    const events: Array<WireEvent> = []
    for (const p of parties) {
      yield* Effect.forkScoped(
        p.endpoint.wire.pipe(
          Stream.filter((e) => e.direction === "out" && !e.retransmission),
          Stream.runForEach((e) => Effect.sync(() => void events.push(e))),
        ),
      )
    }
    yield* Effect.yieldNow
    const nameOf = (port: number) => parties.find((p) => p.port === port)?.name ?? `:${port}`
    const lines = Effect.sync(() =>
      [...events]
        .sort((a, b) => a.seq - b.seq)
        .filter((e) => !(e.message._tag === "Response" && e.message.status === 100))
        .map((e) => {
          const what =
            e.message._tag === "Request" ? `${e.message.method}` : `${e.message.status} ${e.message.reason}`
          return `${nameOf(e.local.port)} -> ${nameOf(e.remote.port)}: ${what}`
        }),
    )
    return { lines }
  })

/** Lets in-flight messages land (the last ACK or 200 of a flow). */
export const settle = Effect.sleep(100)
