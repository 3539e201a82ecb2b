/** A server transaction's kept final response (engine/KeptResponse.ts) resent over a real UDP socket: a
 * retransmitted request (§17.2.2 for a non-INVITE, §17.2.1 for an INVITE answered 300-699) gets the very bytes sent
 * first, and the handler is not called again. */
import * as dgram from "node:dgram"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { describe } from "vitest"
import { respond } from "../src/Handlers.js"
import { endpoint, udp4 } from "./support/endpoints.js"

const request = (method: string, port: number) =>
  [
    `${method} sip:bob@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-resend-${method};rport`,
    "Max-Forwards: 70",
    "From: <sip:raw@127.0.0.1>;tag=r1",
    "To: <sip:bob@127.0.0.1>",
    `Call-ID: resend-${method}`,
    `CSeq: 1 ${method}`,
    "Contact: <sip:raw@127.0.0.1>",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n")

/** Sends `datagram` `times` times, 30 ms apart, and collects the datagrams that come back (bounded by a timeout). */
const exchange = (target: number, method: string, times: number) =>
  Effect.callback<Array<Buffer>>((resume) => {
    const socket = dgram.createSocket("udp4")
    const got: Array<Buffer> = []
    socket.on("message", (m) => {
      got.push(m)
      if (got.length === times) {
        socket.close()
        resume(Effect.succeed(got))
      }
    })
    socket.bind(0, "127.0.0.1", () => {
      const datagram = request(method, socket.address().port)
      for (let i = 0; i < times; i++) setTimeout(() => socket.send(datagram, target, "127.0.0.1"), 30 * i)
    })
  }).pipe(Effect.timeout("3 seconds"))

describe("a retransmitted request gets the kept final response, byte for byte", () => {
  it.live("MESSAGE (non-INVITE, Timer J): three copies, three identical 200s, one handler call", () =>
    Effect.gen(function* () {
      let calls = 0
      const ep = yield* endpoint([udp4], {
        message: () =>
          Effect.sync(() => {
            calls++
            return respond(200, {
              headers: [["Server", "resend-test – ünïcode"]],
              body: "kept body\r\n",
              contentType: "text/plain",
            })
          }),
      })
      const got = yield* exchange(ep.listeners[0]!.local.port, "MESSAGE", 3)
      expect(calls).toBe(1)
      const text = got[0]!.toString("utf8")
      expect(text.startsWith("SIP/2.0 200 OK\r\n")).toBe(true)
      expect(text).toContain("Server: resend-test – ünïcode\r\n")
      expect(text).toContain("CSeq: 1 MESSAGE\r\n")
      expect(text).toContain("Content-Length: 11\r\n")
      expect(text).toMatch(/^To: <sip:bob@127\.0\.0\.1>;tag=\S+\r$/m)
      expect(text.endsWith("\r\n\r\nkept body\r\n")).toBe(true)
      expect(got[1]).toEqual(got[0])
      expect(got[2]).toEqual(got[0])
      expect((yield* ep.stats).retransmissions).toBe(2)
    }),
  )

  it.live("INVITE answered 486 (resent until the ACK): a retransmitted INVITE gets the same 486", () =>
    Effect.gen(function* () {
      let calls = 0
      const ep = yield* endpoint([udp4], {
        invite: () =>
          Effect.sync(() => {
            calls++
            return respond(486, { headers: [["Warning", '399 resend "busy here"']] })
          }),
      })
      const got = yield* exchange(ep.listeners[0]!.local.port, "INVITE", 2)
      expect(calls).toBe(1)
      const text = got[0]!.toString("utf8")
      expect(text.startsWith("SIP/2.0 486 Busy Here\r\n")).toBe(true)
      expect(text).toContain('Warning: 399 resend "busy here"\r\n')
      expect(got[1]).toEqual(got[0])
    }),
  )
})
