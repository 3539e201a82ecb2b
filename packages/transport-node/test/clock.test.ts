/** The runtime under Effect's TestClock: real loopback sockets, virtual time. Retransmission schedules of RFC 3261
 * §17.1.1.2 (Timer A doubling, Timer B) and §17.1.2.2 (Timer E capped at T2, Timer F) seen on the wire. */
import * as dgram from "node:dgram"
import { expect, it } from "@effect/vitest"
import { Effect, Fiber, Stream } from "effect"
import { TestClock } from "effect/testing"
import { describe } from "vitest"
import { SipDns, staticDns } from "../src/dns/SipDns.js"
import { makeEndpoint } from "../src/Endpoint.js"
import { respond } from "../src/Handlers.js"
import { cryptoIds, Ids } from "../src/Ids.js"

const settle = TestClock.withLive(Effect.sleep(30))

const silentPeer = Effect.acquireRelease(
  Effect.callback<{
    socket: dgram.Socket
    port: number
    received: Array<string>
    texts: Array<string>
  }>((resume) => {
    const socket = dgram.createSocket("udp4")
    const received: Array<string> = []
    const texts: Array<string> = []
    socket.on("message", (m) => {
      texts.push(m.toString())
      received.push(m.toString().split("\r\n")[0]!)
    })
    socket.bind(0, "127.0.0.1", () =>
      resume(Effect.succeed({ socket, port: socket.address().port, received, texts })),
    )
  }),
  ({ socket }) => Effect.sync(() => socket.close()),
)

/** A request from the peer at `from` to the endpoint at `to` (Call-ID `callId`, To tag `toTag` if any). */
const request = (method: string, to: number, from: number, branch: string, callId: string, toTag: string) =>
  `${method} sip:bob@127.0.0.1:${to} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${from};branch=${branch}\r\n` +
  `From: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>${toTag}\r\nCall-ID: ${callId}\r\n` +
  `CSeq: 1 ${method}\r\nContact: <sip:alice@127.0.0.1:${from}>\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`

/** An endpoint whose INVITE handler answers 200 at once. */
const answeringEndpoint = makeEndpoint(
  { listeners: [{ transport: "UDP", host: "127.0.0.1", port: 0 }], logMessages: false },
  { invite: () => Effect.succeed(respond(200, { body: "v=0\r\n" })) },
).pipe(Effect.provideService(Ids, cryptoIds), Effect.provideService(SipDns, staticDns({})))

const endpoint = makeEndpoint({
  listeners: [{ transport: "UDP", host: "127.0.0.1", port: 0 }],
  logMessages: false,
}).pipe(Effect.provideService(Ids, cryptoIds), Effect.provideService(SipDns, staticDns({})))

/** Advances virtual time to each instant (ms) and reports how many datagrams the peer had by then. */
const countsAt = (received: Array<string>, instants: ReadonlyArray<number>) =>
  Effect.gen(function* () {
    const counts: Array<number> = []
    let now = 0
    for (const t of instants) {
      yield* TestClock.adjust(t - now)
      now = t
      yield* settle
      counts.push(received.length)
    }
    return counts
  })

describe("retransmissions on the TestClock", () => {
  it.effect(
    "INVITE over UDP: sent at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s (Timer A), 408 at 32 s (Timer B)",
    () =>
      Effect.gen(function* () {
        const peer = yield* silentPeer
        const ep = yield* endpoint
        const call = yield* ep.call(`sip:bob@127.0.0.1:${peer.port}`, undefined)
        const outcome = yield* Effect.forkChild(Stream.runCollect(call.events))
        yield* settle
        const counts = yield* countsAt(peer.received, [499, 500, 1499, 1500, 3500, 7500, 15500, 31500])
        expect(counts).toEqual([1, 2, 2, 3, 4, 5, 6, 7])
        expect(peer.received.every((l) => l.startsWith("INVITE "))).toBe(true)
        yield* TestClock.adjust(500)
        yield* settle
        expect((yield* ep.stats).retransmissions).toBe(6)
        expect(yield* Fiber.join(outcome)).toEqual([
          { _tag: "Failed", status: 408, reason: "Request Timeout" },
        ])
      }),
  )

  it.effect("OPTIONS over UDP: Timer E doubles up to T2 = 4 s, Timer F gives 408 at 32 s", () =>
    Effect.gen(function* () {
      const peer = yield* silentPeer
      const ep = yield* endpoint
      const request = yield* Effect.forkChild(
        Effect.result(ep.request("OPTIONS", `sip:bob@127.0.0.1:${peer.port}`)),
      )
      yield* settle
      // 0, .5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5
      const counts = yield* countsAt(peer.received, [500, 1500, 3500, 7500, 11500, 31500])
      expect(counts).toEqual([2, 3, 4, 5, 6, 11])
      yield* TestClock.adjust(500)
      yield* settle
      const result = yield* Fiber.join(request)
      expect(result._tag === "Failure" && result.failure.status).toBe(408)
    }),
  )

  it.effect(
    "the UA core's 2xx over UDP without an ACK: again at 0.5, 1.5, 3.5, 7.5 s, then every T2 = 4 s; BYE at 64·T1 = 32 s (§13.3.1.4)",
    () =>
      Effect.gen(function* () {
        const peer = yield* silentPeer
        const ep = yield* answeringEndpoint
        const port = ep.listeners[0]!.local.port
        peer.socket.send(request("INVITE", port, peer.port, "z9hG4bKnoack", "no-ack", ""), port, "127.0.0.1")
        yield* settle
        const counts = yield* countsAt(peer.received, [499, 500, 1500, 3500, 7500, 11500, 31500])
        expect(counts).toEqual([1, 2, 3, 4, 5, 6, 11])
        expect(peer.received.every((l) => l.startsWith("SIP/2.0 200"))).toBe(true)
        yield* TestClock.adjust(500)
        yield* settle
        expect(peer.received.slice(11)).toEqual([`BYE sip:alice@127.0.0.1:${peer.port} SIP/2.0`])
        expect((yield* ep.stats).activeDialogs).toBe(0)
        // the BYE's own transaction gives up (Timer F) before the endpoint's scope closes
        yield* TestClock.adjust(33_000)
        yield* settle
      }),
  )

  it.effect(
    "the UA core's 2xx ACKed after one retransmission: no more 200s, no BYE (both timers stopped)",
    () =>
      Effect.gen(function* () {
        const peer = yield* silentPeer
        const ep = yield* answeringEndpoint
        const port = ep.listeners[0]!.local.port
        peer.socket.send(request("INVITE", port, peer.port, "z9hG4bKacked", "acked", ""), port, "127.0.0.1")
        yield* settle
        yield* TestClock.adjust(500)
        yield* settle
        expect(peer.received).toEqual(["SIP/2.0 200 OK", "SIP/2.0 200 OK"])
        const toTag = /\r\nTo:[^\r]*;tag=([^;\r]+)/.exec(peer.texts[0]!)?.[1]
        peer.socket.send(
          request("ACK", port, peer.port, "z9hG4bKack", "acked", `;tag=${toTag}`),
          port,
          "127.0.0.1",
        )
        yield* settle
        yield* TestClock.adjust(40_000)
        yield* settle
        expect(peer.received).toEqual(["SIP/2.0 200 OK", "SIP/2.0 200 OK"])
        expect((yield* ep.stats).activeDialogs).toBe(1)
      }),
  )
})
