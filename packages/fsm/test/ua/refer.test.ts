/**
 * The seed's REFER flow (RFC 3515, RFC 6665): Bob transfers Alice to Carol.
 */
import { getCallId, getFromTag, getHeader, getHeaderValues, isOk } from "@sipkit/codec"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { parseReferTo, step } from "../../src/ua/index.js"
import { attendedTransfer, referTransfer } from "./support/flows.js"

const setup = ["Alice->Bob: INVITE", "Bob->Alice: 200 OK", "Alice->Bob: ACK"]

describe("REFER transfer (seed ladder)", () => {
  const net = referTransfer()

  it("crosses the wire exactly as the seed's ladder (after the existing call is set up)", () => {
    expect(net.ladder()).toEqual([
      ...setup,
      "Bob->Alice: REFER",
      "Alice->Bob: 202 Accepted",
      "Alice->Bob: NOTIFY",
      "Bob->Alice: 200 OK",
      "Alice->Carol: INVITE",
      "Carol->Alice: 200 OK",
      "Alice->Carol: ACK",
      "Alice->Bob: NOTIFY",
      "Bob->Alice: 200 OK",
      "Alice->Bob: BYE",
      "Bob->Alice: 200 OK",
    ])
  })

  it("message by message: Refer-To, the sipfrag NOTIFYs with Event refer and Subscription-State, Referred-By", () => {
    const at = (i: number) => net.trace[i]!.message
    expect(getHeader(at(3), "Refer-To")).toBe("<sip:carol@carol.example>")
    const first = at(5)
    expect(getHeader(first, "Event")).toBe("refer")
    expect(getHeader(first, "Subscription-State")).toMatch(/^active/)
    expect(getHeader(first, "Content-Type")).toBe("message/sipfrag")
    expect(new TextDecoder().decode(first.body)).toBe("SIP/2.0 100 Trying\r\n")
    const invite = at(7)
    expect(invite._tag === "Request" && invite.uri).toBe("sip:carol@carol.example")
    expect(getHeader(invite, "Referred-By")).toBe("<sip:bob@bob.example>")
    expect(getHeaderValues(invite, "Replaces")).toEqual([])
    const last = at(10)
    expect(getHeader(last, "Event")).toBe("refer")
    expect(getHeader(last, "Subscription-State")).toMatch(/^terminated/)
    expect(new TextDecoder().decode(last.body)).toBe("SIP/2.0 200 OK\r\n")
  })

  it("Bob hears the REFER's progress: 202, 100, then the final 200", () => {
    expect(net.reportsOf("Bob").filter((r) => r._tag === "ReferProgress")).toEqual([
      { _tag: "ReferProgress", call: expect.any(String), status: 202, final: false },
      { _tag: "ReferProgress", call: expect.any(String), status: 100, final: false },
      { _tag: "ReferProgress", call: expect.any(String), status: 200, final: true },
    ])
  })

  it("a Refer-To naming no dialog of Carol's in ?Replaces=: the INVITE carries Replaces, Carol answers 481", () => {
    const attended = referTransfer(
      undefined,
      1,
      "<sip:carol@carol.example?Replaces=xyz%40carol.example%3Bto-tag%3Dc1%3Bfrom-tag%3Db9>",
    )
    const invite = attended.trace.find((e) => e.to === "Carol")?.message
    expect(invite && getHeader(invite, "Replaces")).toBe("xyz@carol.example;to-tag=c1;from-tag=b9")
    expect(invite?._tag === "Request" && invite.uri).toBe("sip:carol@carol.example")
    expect(attended.ladder((e) => e.from === "Carol")).toEqual([
      "Carol->Alice: 481 Call/Transaction Does Not Exist",
    ])
    expect(
      attended
        .reportsOf("Bob")
        .filter((r) => r._tag === "ReferProgress")
        .at(-1),
    ).toMatchObject({
      status: 481,
      final: true,
    })
  })

  it("parseReferTo splits the URI from its Replaces header", () => {
    expect(parseReferTo("<sip:carol@example.com>")).toEqual({
      uri: "sip:carol@example.com",
      replaces: undefined,
    })
    expect(parseReferTo("<sip:c@example.com?Replaces=a%40b%3Bto-tag%3D1%3Bfrom-tag%3D2>")).toEqual({
      uri: "sip:c@example.com",
      replaces: "a@b;to-tag=1;from-tag=2",
    })
  })

  it("still completes over a lossy link", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const lossy = referTransfer({ loss: 0.2, duplicate: 0.1, minDelay: 5, maxDelay: 60 }, seed)
        expect(
          lossy
            .reportsOf("Bob")
            .filter((r) => r._tag === "ReferProgress")
            .at(-1),
        ).toMatchObject({
          status: 200,
          final: true,
        })
        expect(lossy.reportsOf("Carol").some((r) => r._tag === "IncomingCall")).toBe(true)
        expect(lossy.reportsOf("Bob").at(-1)).toMatchObject({ _tag: "Ended", by: "remote" })
      }),
      { numRuns: 30 },
    )
  })
})

describe("attended transfer (RFC 5589 §7): Replaces names Bob's consultation with Carol (RFC 3891)", () => {
  const net = attendedTransfer()

  it("Carol's core matches the Replaces, takes Alice's call and BYEs Bob's consultation once it is confirmed", () => {
    const lines = net.ladder()
    const ack = lines.indexOf("Alice->Carol: ACK")
    expect(ack).toBeGreaterThan(0)
    expect(lines.slice(ack)).toContain("Carol->Bob: BYE")
    expect(lines.indexOf("Carol->Bob: BYE")).toBeGreaterThan(ack)
    const incoming = net.reportsOf("Carol").filter((r) => r._tag === "IncomingCall")
    expect(incoming[1]).toMatchObject({
      replaces: incoming[0]?._tag === "IncomingCall" ? incoming[0].call : "?",
    })
  })

  it("everyone ends where a transfer should: Alice with Carol, Bob with nobody", () => {
    expect(net.reportsOf("Bob").filter((r) => r._tag === "Ended")).toHaveLength(2)
    const alice = net.party("Alice").ua.calls
    expect(alice.get("transfer@alice.example;a2")?.phase).toBe("Confirmed")
    expect(alice.get("call@alice.example;a1")?.phase).toBe("Terminated")
    expect([...net.party("Carol").ua.calls.values()].map((c) => c.phase).sort()).toEqual([
      "Confirmed",
      "Terminated",
    ])
  })

  it("a Replaces for a terminated dialog gets 603, for an unknown one 481, early-only on a confirmed one 486", () => {
    const carol = net.party("Carol").ua
    // the consultation ended: Carol keeps no dialog of it (src/ua/ended.ts); its ID is Call-ID and Carol's tag (the
    // call's name) and the From tag of Bob's INVITE
    const [first] = net.reportsOf("Carol").filter((r) => r._tag === "IncomingCall")
    if (first?._tag !== "IncomingCall") throw new Error("no IncomingCall at Carol")
    expect(carol.calls.get(first.call)?.phase).toBe("Terminated")
    const [callId, fromTag] = [getCallId(first.request), getFromTag(first.request)]
    if (!isOk(callId) || !isOk(fromTag) || fromTag.value === undefined) throw new Error("unreadable INVITE")
    const consult = {
      callId: callId.value,
      localTag: first.call.slice(callId.value.length + 1),
      remoteTag: fromTag.value,
    }
    const live = [...carol.calls.values()].find((c) => c.phase === "Confirmed")!.dialog!.id
    const status = (replaces: string) => {
      const invite = net.trace.find(
        (e) =>
          e.to === "Carol" &&
          e.message._tag === "Request" &&
          e.message.method === "INVITE" &&
          getHeader(e.message, "Replaces") !== undefined,
      )!.message
      const request = {
        ...invite,
        headers: invite.headers.map((h) => (h.name === "Replaces" ? { ...h, value: replaces } : h)),
      }
      const result = step(carol, {
        _tag: "RequestReceived",
        request: request as typeof invite & { _tag: "Request" },
        nonce: "x",
      })
      return result.outputs.flatMap((o) => (o._tag === "SendResponse" ? [o.response.status] : []))
    }
    expect(status(`${consult.callId};to-tag=${consult.localTag};from-tag=${consult.remoteTag}`)).toEqual([
      603,
    ])
    expect(status("nothing@here;to-tag=1;from-tag=2")).toEqual([481])
    expect(status(`${live.callId};to-tag=${live.localTag};from-tag=${live.remoteTag};early-only`)).toEqual([
      486,
    ])
  })
})
