/**
 * The states that only absorb retransmissions — client Completed and Accepted, server Completed, Confirmed and
 * Accepted — last 64*T1 (Timers D, J, L, M) or T4 (I, K) after a transaction is over. They hold what they resend
 * (the final response, the ACK) and nothing of the request that created the transaction: at a thousand calls a
 * second a runtime holds tens of thousands of them (issue 8). The request enters as bytes, as a runtime's does.
 */
import { parseMessage, type Request, type Response, serializeMessage } from "@sipkit/codec"
import { describe, expect, it } from "vitest"
import {
  defaultTimerConfig,
  InviteClientTransaction,
  InviteServerTransaction,
  makeTimerConfig,
  NonInviteClientTransaction,
  NonInviteServerTransaction,
  receive,
  respond,
  type Transaction,
  TransactionTable,
} from "../../src/transaction/index.js"
import { machines, reachable } from "./support/machines.js"
import { makeTestResponse } from "./support/messages.js"

const udp = { reliable: false } as const
const sdp =
  "v=0\r\no=- 1 1 IN IP4 192.0.2.4\r\ns=-\r\nc=IN IP4 192.0.2.4\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n"

/** A request as it arrives from the wire (a parsed message keeps its bytes). */
const fromWire = (method: string, branch: string, body = ""): Request => {
  const text =
    `${method} sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP client.example.com:5060;branch=${branch}\r\n` +
    "Max-Forwards: 70\r\nTo: Bob <sip:bob@example.com>\r\nFrom: Alice <sip:alice@example.com>;tag=1928301774\r\n" +
    `Call-ID: a84b4c76e66710@client.example.com\r\nCSeq: 1 ${method}\r\nContact: <sip:alice@client.example.com>\r\n` +
    (body === "" ? "" : "Content-Type: application/sdp\r\n") +
    `Content-Length: ${body.length}\r\n\r\n${body}`
  const parsed = parseMessage(new TextEncoder().encode(text))
  if (parsed._tag === "Err" || parsed.value._tag !== "Request") throw new Error("test request did not parse")
  return parsed.value
}

/** True when `target` (an object) can be reached from `root` through own enumerable values. */
const reaches = (root: unknown, target: object): boolean => {
  const seen = new Set<object>()
  const stack: Array<unknown> = [root]
  while (stack.length > 0) {
    const value = stack.pop()
    if (typeof value !== "object" || value === null || seen.has(value)) continue
    if (value === target) return true
    seen.add(value)
    if (ArrayBuffer.isView(value)) continue
    stack.push(...Object.values(value))
  }
  return false
}

const held = (state: Transaction, request: Request): boolean =>
  reaches(state, request) || reaches(state, request.body)

const bytes = (response: Response): string => new TextDecoder().decode(serializeMessage(response))

const sentBytes = (outputs: ReadonlyArray<{ readonly _tag: string }>): ReadonlyArray<string> =>
  outputs.flatMap((o) => (o._tag === "Send" && "message" in o ? [bytes(o.message as Response)] : []))

describe("INVITE server transaction: the INVITE is let go once answered", () => {
  const invite = fromWire("INVITE", "z9hG4bKinv1", sdp)

  it("Accepted (2xx, Timer L) holds neither the INVITE nor its SDP, absorbs the INVITE, passes ACKs up", () => {
    let s = InviteServerTransaction.start(invite, udp).state
    expect(held(s, invite)).toBe(true)
    s = InviteServerTransaction.step(s, respond(makeTestResponse(invite, 200, "b1"))).state
    expect(s._tag).toBe("Accepted")
    expect(held(s, invite)).toBe(false)
    expect(InviteServerTransaction.step(s, receive(invite))).toEqual({ state: s, outputs: [] })
    const ack = fromWire("ACK", "z9hG4bKinv1")
    expect(InviteServerTransaction.step(s, receive(ack)).outputs).toEqual([{ _tag: "Deliver", message: ack }])
  })

  it("Completed (300-699) resends the same response bytes for a retransmitted INVITE, and holds no INVITE", () => {
    const busy = makeTestResponse(invite, 486, "b1")
    let s = InviteServerTransaction.step(
      InviteServerTransaction.start(invite, udp).state,
      respond(busy),
    ).state
    expect(s._tag).toBe("Completed")
    expect(held(s, invite)).toBe(false)
    const again = InviteServerTransaction.step(s, receive(fromWire("INVITE", "z9hG4bKinv1", sdp)))
    expect(sentBytes(again.outputs)).toEqual([bytes(busy)])
    s = InviteServerTransaction.step(s, receive(fromWire("ACK", "z9hG4bKinv1"))).state
    expect(s._tag).toBe("Confirmed")
    expect(held(s, invite)).toBe(false)
  })
})

describe("non-INVITE server transaction: Completed (Timer J) keeps the response, not the request", () => {
  it("resends the same bytes for each retransmission of a request with a body it no longer holds", () => {
    const message = fromWire("MESSAGE", "z9hG4bKmsg1", "hello, the body of a MESSAGE")
    const ok = makeTestResponse(message, 200, "b1")
    const s = NonInviteServerTransaction.step(
      NonInviteServerTransaction.start(message, udp).state,
      respond(ok),
    )
    expect(s.state._tag).toBe("Completed")
    expect(held(s.state, message)).toBe(false)
    for (let i = 0; i < 3; i++) {
      const again = NonInviteServerTransaction.step(s.state, receive(fromWire("MESSAGE", "z9hG4bKmsg1", "x")))
      expect(sentBytes(again.outputs)).toEqual([bytes(ok)])
      expect(again.state).toBe(s.state)
    }
  })
})

describe("client transactions: the request is let go with the final response", () => {
  const invite = fromWire("INVITE", "z9hG4bKcli1", sdp)

  it("INVITE Completed resends its ACK, byte for byte, and holds no INVITE; Accepted holds none either", () => {
    const started = InviteClientTransaction.start(invite, udp).state
    const busy = makeTestResponse(invite, 486, "b1")
    const completed = InviteClientTransaction.step(started, receive(busy))
    const ack = completed.outputs.find((o) => o._tag === "Send")
    expect(completed.state._tag).toBe("Completed")
    expect(held(completed.state, invite)).toBe(false)
    expect(InviteClientTransaction.step(completed.state, receive(busy)).outputs).toEqual([ack])
    const accepted = InviteClientTransaction.step(started, receive(makeTestResponse(invite, 200, "b1"))).state
    expect(accepted._tag).toBe("Accepted")
    expect(held(accepted, invite)).toBe(false)
  })

  it("non-INVITE Completed (Timer K) holds no request", () => {
    const message = fromWire("MESSAGE", "z9hG4bKcli2", "hello")
    const s = NonInviteClientTransaction.start(message, udp).state
    const next = NonInviteClientTransaction.step(s, receive(makeTestResponse(message, 200, "b1"))).state
    expect(next._tag).toBe("Completed")
    expect(held(next, message)).toBe(false)
  })
})

describe("every machine, every state", () => {
  const absorbing = new Set(["Completed", "Confirmed", "Accepted", "Terminated"])
  for (const m of machines) {
    it(`${m.spec.name}: the request is held exactly in the states that may still send or answer from it`, () => {
      for (const [name, state] of reachable(m, false)) {
        expect([name, reaches(state, m.request)]).toEqual([name, !absorbing.has(name)])
      }
    })
  }

  it("the table holds an answered call's transactions without their requests", () => {
    const invite = fromWire("INVITE", "z9hG4bKinv9", sdp)
    const bye = fromWire("BYE", "z9hG4bKbye9")
    let table = TransactionTable.empty
    for (const [request, response] of [
      [invite, makeTestResponse(invite, 200, "b9")],
      [bye, makeTestResponse(bye, 200, "b9")],
    ] as const) {
      const started = TransactionTable.startServer(table, request, udp)
      if (started._tag === "Err") throw new Error("not started")
      table = TransactionTable.step(started.value.table, started.value.key, respond(response)).table
    }
    expect(TransactionTable.entries(table).map(([, t]) => t._tag)).toEqual(
      expect.arrayContaining(["Accepted", "Completed"]),
    )
    expect(reaches(table, invite) || reaches(table, bye) || reaches(table, invite.body)).toBe(false)
  })
})

describe("the timer values are shared by every transaction, not copied into each", () => {
  const runtime = makeTimerConfig({ t1: 100 })
  it("a complete TimerConfig is kept as it is; none gives the defaults; a partial one is completed", () => {
    const invite = fromWire("INVITE", "z9hG4bKcfg1")
    expect(InviteServerTransaction.start(invite, { reliable: false, timers: runtime }).state.config).toBe(
      runtime,
    )
    expect(NonInviteClientTransaction.start(invite, udp).state.config).toBe(defaultTimerConfig)
    expect(
      InviteClientTransaction.start(invite, { reliable: true, timers: { t1: 100 } }).state.config,
    ).toEqual(runtime)
  })
})
