/**
 * The seed's "Basic SIP Call Flow" (SIP-BASICS.md, RFC 3665 §3.1): Alice calls Bob through a record-routing
 * proxy, Bob rings and answers with SDP, Alice ACKs through the proxy (the route set), talks, and hangs up.
 */
import { getCSeq, getHeaderValues, getTag, getTo, isErr } from "@sipkit/codec"
import { parseSdp } from "@sipkit/codec/sdp"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { basicCall } from "./support/flows.js"

const seedLadder = [
  "Alice->Proxy: INVITE",
  "Proxy->Bob: INVITE",
  "Bob->Proxy: 180 Ringing",
  "Proxy->Alice: 180 Ringing",
  "Bob->Proxy: 200 OK",
  "Proxy->Alice: 200 OK",
  "Alice->Proxy: ACK",
  "Proxy->Bob: ACK",
  "Alice->Proxy: BYE",
  "Proxy->Bob: BYE",
  "Bob->Proxy: 200 OK",
  "Proxy->Alice: 200 OK",
]

describe("basic call (seed ladder, RFC 3665 §3.1) through a record-routing proxy", () => {
  const net = basicCall()

  it("crosses the wire exactly as the seed's ladder", () => {
    expect(net.ladder()).toEqual(seedLadder)
  })

  it("message by message: Record-Route, the route set on ACK and BYE, Contact and SDP on the 200", () => {
    const [invite, forwarded, ringing, , ok] = net.trace.map((e) => e.message)
    expect(invite?._tag === "Request" && invite.uri).toBe("sip:bob@example.com")
    expect(forwarded?._tag === "Request" && forwarded.uri).toBe("sip:bob@10.0.0.50")
    expect(getHeaderValues(forwarded!, "Record-Route")).toEqual(["<sip:proxy.example;lr>"])
    expect(getHeaderValues(forwarded!, "Via")).toHaveLength(2)
    const toTag = (m: typeof ringing) => {
      const to = m === undefined ? undefined : getTo(m)
      return to === undefined || isErr(to) ? undefined : getTag(to.value)
    }
    expect(toTag(ringing)).toBeDefined()
    expect(toTag(ok)).toBe(toTag(ringing))
    expect(getHeaderValues(ok!, "Contact")).toEqual(["<sip:bob@10.0.0.50>"])
    expect(getHeaderValues(ok!, "Content-Type")).toEqual(["application/sdp"])
    const ack = net.trace[6]!.message
    expect(ack._tag === "Request" && ack.uri).toBe("sip:bob@10.0.0.50")
    expect(getHeaderValues(ack, "Route")).toEqual(["<sip:proxy.example;lr>"])
    expect(getCSeq(ack)).toMatchObject({ value: { seq: 1, method: "ACK" } })
    const bye = net.trace[8]!.message
    expect(getHeaderValues(bye, "Route")).toEqual(["<sip:proxy.example;lr>"])
    expect(getCSeq(bye)).toMatchObject({ value: { seq: 2, method: "BYE" } })
    expect(
      net.trace[9]!.message._tag === "Request" && getHeaderValues(net.trace[9]!.message, "Route"),
    ).toEqual([])
  })

  it("negotiates PCMU: Bob answers the offer with the seed's answer, both sides report it", () => {
    const established = net.reportsOf("Alice").find((r) => r._tag === "Established")
    expect(established?._tag === "Established" && established.remoteSdp).toBeDefined()
    const answer = parseSdp(established?._tag === "Established" ? (established.remoteSdp ?? "") : "")
    expect(answer._tag === "Ok" && answer.value.media[0]?.formats).toEqual(["0"])
    expect(answer._tag === "Ok" && answer.value.media[0]?.port).toBe(49172)
  })

  it("both sides see the call established and ended", () => {
    expect(net.reportsOf("Alice").map((r) => r._tag)).toEqual(["Ringing", "Established", "Ended"])
    expect(net.reportsOf("Bob").map((r) => r._tag)).toEqual(["IncomingCall", "Established", "Ended"])
  })

  it("still completes over a lossy, duplicating, reordering link — or both sides end after Timer B", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const lossy = basicCall({ loss: 0.2, duplicate: 0.1, minDelay: 5, maxDelay: 60 }, seed)
        const alice = lossy.reportsOf("Alice").filter((r) => r._tag !== "Ringing")
        const bob = lossy.reportsOf("Bob")
        // Two lossy hops: rarely no provisional reaches Alice before Timer B (32 s); then she gives up (408) and
        // Bob, never ACKed, ends with the BYE of §13.3.1.4 — both sides still end.
        if (alice[0]?._tag === "Ended") {
          expect(alice).toMatchObject([{ _tag: "Ended", status: 408 }])
          // … unless no copy of the INVITE got through at all (seeds 744386, 29316138): Bob never heard of it
          if (bob.length > 0) expect(bob.at(-1)).toMatchObject({ _tag: "Ended" })
          return
        }
        expect(alice.map((r) => r._tag)).toEqual(["Established", "Ended"])
        // Bob may see the BYE before any ACK got through (every ACK lost): the 2xx confirmed the dialog anyway.
        expect(bob[0]?._tag).toBe("IncomingCall")
        expect(bob.at(-1)).toMatchObject({ _tag: "Ended", status: 200, by: "remote" })
      }),
      { numRuns: 40, examples: [[744386], [29316138]] },
    )
  })

  it("on a link that reorders hard (every step within one delay), both sides still end consistently", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.record({ ring: fc.nat(50), answer: fc.nat(50), hangup: fc.nat(50) }),
        (seed, timing) => {
          const net = basicCall({ loss: 0.1, duplicate: 0.2, minDelay: 5, maxDelay: 300 }, seed, timing)
          const alice = net.reportsOf("Alice").filter((r) => r._tag !== "Ringing")
          const bob = net.reportsOf("Bob")
          expect(alice.at(-1)?._tag).toBe("Ended")
          expect(bob.at(-1)?._tag).toBe("Ended")
          if (alice[0]?._tag === "Established") expect(bob.some((r) => r._tag === "IncomingCall")).toBe(true)
          for (const party of ["Alice", "Bob"])
            expect([...net.party(party).ua.calls.values()].map((c) => c.phase)).toEqual(["Terminated"])
        },
      ),
      { numRuns: 60 },
    )
  })
})
