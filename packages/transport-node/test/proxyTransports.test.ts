/**
 * The runtime's proxy over TCP (RFC 3261 §16.6 step 4, §18, RFC 3263, RFC 5658): the INVITE goes out over the
 * transport of its target, the Record-Route names the transport of each side, and the ACK and the BYE of the dialog
 * come back to the proxy over that transport and reach the callee.
 */
import { expect, it } from "@effect/vitest"
import { getHeaderValues } from "@sipkit/codec"
import { Effect, Stream } from "effect"
import { describe } from "vitest"
import type { ListenerConfig } from "../src/Config.js"
import type { WireEvent } from "../src/engine/WireLog.js"
import { proxy, respond } from "../src/Handlers.js"
import { testCert } from "./support/certs.js"
import { endpoint, tcp4, udp4, uriOf } from "./support/endpoints.js"

type Ep = Effect.Success<ReturnType<typeof endpoint>>

const portOf = (ep: Ep, transport: string) => ep.listeners.find((l) => l.transport === transport)!.local.port

/** A call from `caller` to `p` (over `inbound`), proxied to `phone`'s `outbound` listener; every wire event seen. */
const callThrough = (caller: Ep, p: Ep, phone: Ep, inbound: string) =>
  Effect.gen(function* () {
    const seen: Array<WireEvent> = []
    for (const ep of [caller, phone])
      yield* Effect.forkScoped(ep.wire.pipe(Stream.runForEach((e) => Effect.sync(() => void seen.push(e)))))
    yield* Effect.yieldNow
    const call = yield* caller.call(uriOf(p, inbound), "v=0\r\n")
    const events = yield* call.events.pipe(
      Stream.takeUntil((e) => e._tag === "Answered" || e._tag === "Failed"),
      Stream.runCollect,
      Effect.timeout("3 seconds"),
    )
    expect(events.map((e) => e._tag)).toContain("Answered")
    yield* call.hangup.pipe(Effect.timeout("3 seconds"))
    return seen
  })

const isRequest = (e: WireEvent, direction: string, method: string) =>
  e.direction === direction && e.message._tag === "Request" && e.message.method === method

const ws4 = { transport: "WS", host: "127.0.0.1", port: 0 } as const

const phoneAnswering = (listener: ListenerConfig = tcp4) =>
  endpoint([listener], { invite: () => Effect.succeed(respond(200, { body: "v=0\r\n" })) })

describe("proxy over TCP, TLS and WS", () => {
  it.live(
    "TCP in, TCP out: Record-Route names transport=tcp; ACK and BYE reach the proxy and the phone over TCP",
    () =>
      Effect.gen(function* () {
        const phone = yield* phoneAnswering()
        const p = yield* endpoint([tcp4], { invite: () => Effect.succeed(proxy([uriOf(phone, "TCP")])) })
        const caller = yield* endpoint([tcp4])
        const seen = yield* callThrough(caller, p, phone, "TCP")
        const port = portOf(p, "TCP")
        const invite = seen.find((e) => isRequest(e, "in", "INVITE"))
        expect(invite?.transport).toBe("TCP")
        expect(invite !== undefined && getHeaderValues(invite.message, "Record-Route")).toEqual([
          `<sip:127.0.0.1:${port};transport=tcp;lr>`,
        ])
        for (const method of ["ACK", "BYE"]) {
          const out = seen.find((e) => isRequest(e, "out", method))
          expect([out?.transport, out?.remote.port]).toEqual(["TCP", port])
          const arrived = seen.find((e) => isRequest(e, "in", method))
          expect(arrived?.transport).toBe("TCP")
          expect(arrived !== undefined && getHeaderValues(arrived.message, "Route")).toEqual([])
        }
      }),
  )

  it.live(
    "UDP in, TCP out: double Record-Route (RFC 5658); the ACK and BYE over UDP reach the phone over TCP",
    () =>
      Effect.gen(function* () {
        const phone = yield* phoneAnswering()
        const p = yield* endpoint([udp4, tcp4], {
          invite: () => Effect.succeed(proxy([uriOf(phone, "TCP")])),
        })
        const caller = yield* endpoint([udp4])
        const seen = yield* callThrough(caller, p, phone, "UDP")
        const udp = portOf(p, "UDP")
        const tcp = portOf(p, "TCP")
        const recordRoute = [`<sip:127.0.0.1:${tcp};transport=tcp;lr>`, `<sip:127.0.0.1:${udp};lr>`]
        const invite = seen.find((e) => isRequest(e, "in", "INVITE"))
        expect(invite?.transport).toBe("TCP")
        expect(invite !== undefined && getHeaderValues(invite.message, "Record-Route")).toEqual(recordRoute)
        // the proxy's Via on the TCP hop names TCP and its TCP listener (§18.1.1)
        expect(invite !== undefined && getHeaderValues(invite.message, "Via")[0]).toMatch(
          new RegExp(`^SIP/2.0/TCP 127.0.0.1:${tcp};`),
        )
        const ok = seen.find(
          (e) => e.direction === "in" && e.message._tag === "Response" && e.message.status === 200,
        )
        expect(ok !== undefined && getHeaderValues(ok.message, "Record-Route")).toEqual(recordRoute)
        for (const method of ["ACK", "BYE"]) {
          // the caller's route set is the Record-Route reversed: the UDP value first (§12.1.2) …
          const out = seen.find((e) => isRequest(e, "out", method))
          expect([out?.transport, out?.remote.port]).toEqual(["UDP", udp])
          expect(out !== undefined && getHeaderValues(out.message, "Route")).toEqual(
            [...recordRoute].reverse(),
          )
          // … and the proxy takes both values off (§16.4) and passes it on over TCP
          const arrived = seen.find((e) => isRequest(e, "in", method))
          expect(arrived?.transport).toBe("TCP")
          expect(arrived !== undefined && getHeaderValues(arrived.message, "Route")).toEqual([])
        }
      }),
  )

  it.live("WS in, TCP out: the caller's value names transport=ws at the WS listener's port", () =>
    Effect.gen(function* () {
      const phone = yield* phoneAnswering()
      const p = yield* endpoint([ws4, tcp4], { invite: () => Effect.succeed(proxy([uriOf(phone, "TCP")])) })
      const caller = yield* endpoint([ws4])
      const seen = yield* callThrough(caller, p, phone, "WS")
      const ws = portOf(p, "WS")
      const recordRoute = [
        `<sip:127.0.0.1:${portOf(p, "TCP")};transport=tcp;lr>`,
        `<sip:127.0.0.1:${ws};transport=ws;lr>`,
      ]
      const invite = seen.find((e) => isRequest(e, "in", "INVITE"))
      expect(invite !== undefined && getHeaderValues(invite.message, "Record-Route")).toEqual(recordRoute)
      for (const method of ["ACK", "BYE"]) {
        const out = seen.find((e) => isRequest(e, "out", method))
        expect([out?.transport, out?.remote.port]).toEqual(["WS", ws])
        const arrived = seen.find((e) => isRequest(e, "in", method))
        expect(arrived?.transport).toBe("TCP")
        expect(arrived !== undefined && getHeaderValues(arrived.message, "Route")).toEqual([])
      }
    }),
  )

  it.live("TLS in, TLS out: Record-Route names transport=tls; ACK and BYE come back over TLS", () =>
    Effect.gen(function* () {
      const cert = testCert()
      const tls4: ListenerConfig = {
        transport: "TLS",
        host: "127.0.0.1",
        port: 0,
        certFile: cert.certPath,
        keyFile: cert.keyPath,
        caFile: cert.certPath,
      }
      const phone = yield* phoneAnswering(tls4)
      const p = yield* endpoint([tls4], { invite: () => Effect.succeed(proxy([uriOf(phone, "TLS")])) })
      const caller = yield* endpoint([tls4])
      const seen = yield* callThrough(caller, p, phone, "TLS")
      const port = portOf(p, "TLS")
      const invite = seen.find((e) => isRequest(e, "in", "INVITE"))
      expect(invite?.transport).toBe("TLS")
      expect(invite !== undefined && getHeaderValues(invite.message, "Record-Route")).toEqual([
        `<sip:127.0.0.1:${port};transport=tls;lr>`,
      ])
      for (const method of ["ACK", "BYE"]) {
        const out = seen.find((e) => isRequest(e, "out", method))
        expect([out?.transport, out?.remote.port]).toEqual(["TLS", port])
        const arrived = seen.find((e) => isRequest(e, "in", method))
        expect(arrived?.transport).toBe("TLS")
      }
    }),
  )
})
