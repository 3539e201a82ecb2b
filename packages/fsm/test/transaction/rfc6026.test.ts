/**
 * RFC 6026 in particular: the Accepted states, forked 2xx, 2xx retransmissions from the TU, and what a transport
 * error does on each side (§17.1.4 for clients; §8.8's rewrite of §17.2.4 for servers).
 */
import { describe, expect, it } from "vitest"
import {
  InviteClientTransaction,
  InviteServerTransaction,
  NonInviteClientTransaction,
  NonInviteServerTransaction,
  receive,
  respond,
  transportError,
} from "../../src/transaction/index.js"
import { makeTestRequest, makeTestResponse } from "./support/messages.js"

const udp = { reliable: false } as const
const invite = makeTestRequest()

describe("INVITE client, Accepted (RFC 6026 §7.2)", () => {
  it("passes up the 2xx of every fork, never ACKs one, and ignores later non-2xx", () => {
    let s = InviteClientTransaction.start(invite, udp).state
    const fork1 = makeTestResponse(invite, 200, "fork1")
    const fork2 = makeTestResponse(invite, 200, "fork2")
    const delivered = []
    for (const r of [fork1, fork2, fork1]) {
      const next = InviteClientTransaction.step(s, receive(r))
      expect(next.outputs.some((o) => o._tag === "Send")).toBe(false)
      delivered.push(...next.outputs.filter((o) => o._tag === "Deliver"))
      s = next.state
    }
    expect(delivered).toEqual([fork1, fork2, fork1].map((message) => ({ _tag: "Deliver", message })))
    expect(s._tag).toBe("Accepted")
    expect(InviteClientTransaction.step(s, receive(makeTestResponse(invite, 486))).outputs).toEqual([])
  })
})

describe("INVITE server, Accepted (RFC 6026 §7.1)", () => {
  const accepted = () => {
    const started = InviteServerTransaction.start(invite, udp)
    return InviteServerTransaction.step(started.state, respond(makeTestResponse(invite, 200))).state
  }

  it("absorbs INVITE retransmissions: the TU does not see them, nothing is resent", () => {
    const s = accepted()
    expect(InviteServerTransaction.step(s, receive(invite))).toEqual({ state: s, outputs: [] })
  })

  it("passes matching ACKs up to the TU", () => {
    const ack = makeTestRequest({ method: "ACK", toTag: "a6c85cf" })
    expect(InviteServerTransaction.step(accepted(), receive(ack)).outputs).toEqual([
      { _tag: "Deliver", message: ack },
    ])
  })

  it("sends every 2xx the TU passes (its §13.3.1.4 retransmissions), ignores anything else", () => {
    const ok = makeTestResponse(invite, 200)
    const s = accepted()
    expect(InviteServerTransaction.step(s, respond(ok)).outputs).toEqual([{ _tag: "Send", message: ok }])
    expect(InviteServerTransaction.step(s, respond(makeTestResponse(invite, 180))).outputs).toEqual([])
    expect(InviteServerTransaction.step(s, respond(makeTestResponse(invite, 486))).outputs).toEqual([])
  })

  it("never retransmits the 2xx itself: only Timer L is armed", () => {
    const started = InviteServerTransaction.start(invite, udp)
    const step = InviteServerTransaction.step(started.state, respond(makeTestResponse(invite, 200)))
    expect(step.outputs.filter((o) => o._tag === "StartTimer")).toMatchObject([{ timer: "L", after: 32000 }])
  })
})

describe("transport errors", () => {
  const error = transportError("ICMP port unreachable")

  it("end a client transaction, telling the TU why (§17.1.4)", () => {
    const ict = InviteClientTransaction.step(InviteClientTransaction.start(invite, udp).state, error)
    expect(ict.state._tag).toBe("Terminated")
    expect(ict.outputs.at(-1)).toEqual({
      _tag: "Terminated",
      reason: { _tag: "TransportError", reason: "ICMP port unreachable" },
    })
    const options = makeTestRequest({ method: "OPTIONS" })
    const nict = NonInviteClientTransaction.step(NonInviteClientTransaction.start(options, udp).state, error)
    expect(nict.state._tag).toBe("Terminated")
  })

  it("leave a server transaction where it is, telling the TU (RFC 6026 §8.8)", () => {
    const started = InviteServerTransaction.start(invite, udp)
    const completed = InviteServerTransaction.step(
      started.state,
      respond(makeTestResponse(invite, 486)),
    ).state
    expect(InviteServerTransaction.step(completed, error)).toEqual({
      state: completed,
      outputs: [{ _tag: "TransportFailed", reason: "ICMP port unreachable" }],
    })
    const options = makeTestRequest({ method: "OPTIONS" })
    const nist = NonInviteServerTransaction.start(options, udp).state
    const proceeding = NonInviteServerTransaction.step(nist, respond(makeTestResponse(options, 100))).state
    expect(NonInviteServerTransaction.step(proceeding, error).state).toBe(proceeding)
  })
})
