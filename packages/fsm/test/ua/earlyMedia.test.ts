/**
 * The seed's early-media flow (RFC 3960): a PBX answers the Caller's INVITE with 183 Session Progress and SDP
 * (an early dialog whose answer the Caller uses for the announcement), calls the Callee, and answers the Caller
 * with the same SDP when the Callee answers.
 */
import { getHeaderValues } from "@sipkit/codec"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { earlyMedia } from "./support/flows.js"

describe("early media (seed ladder): 183 with SDP, then the final answer", () => {
  const net = earlyMedia()

  it("crosses the wire as the seed's ladder — with the PBX's ACK to the Callee before its 200 to the Caller", () => {
    // The seed shows the B2BUA's ACK last; our UAC core ACKs a 2xx at once (§13.2.2.4), so that ACK leaves
    // before the PBX answers the Caller. Every other arrow is the seed's, in the seed's order.
    expect(net.ladder()).toEqual([
      "Caller->PBX: INVITE",
      "PBX->Caller: 183 Session Progress",
      "PBX->Callee: INVITE",
      "Callee->PBX: 180 Ringing",
      "Callee->PBX: 200 OK",
      "PBX->Callee: ACK",
      "PBX->Caller: 200 OK",
      "Caller->PBX: ACK",
    ])
  })

  it("the 183 carries SDP and opens an early dialog; the 200 repeats the same answer (RFC 3960 §3)", () => {
    const progress = net.trace[1]!.message
    const ok = net.trace[6]!.message
    expect(getHeaderValues(progress, "Content-Type")).toEqual(["application/sdp"])
    expect(getHeaderValues(progress, "Contact")).toEqual(["<sip:pbx@pbx.example>"])
    expect(new TextDecoder().decode(ok.body)).toBe(new TextDecoder().decode(progress.body))
  })

  it("the Caller reports early media from the 183 and keeps that answer when the 200 comes", () => {
    const [ringing, established] = net.reportsOf("Caller")
    expect(ringing).toMatchObject({ _tag: "Ringing", status: 183 })
    const early = ringing?._tag === "Ringing" ? ringing.sdp : undefined
    expect(early).toContain("m=audio 5000")
    expect(established).toMatchObject({ _tag: "Established", remoteSdp: early })
  })

  it("still completes over a lossy link", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const lossy = earlyMedia({ loss: 0.2, duplicate: 0.1, minDelay: 5, maxDelay: 60 }, seed)
        expect(lossy.reportsOf("Caller").some((r) => r._tag === "Established")).toBe(true)
        expect(lossy.reportsOf("Callee").map((r) => r._tag)).toContain("IncomingCall")
        expect(lossy.reportsOf("PBX").filter((r) => r._tag === "Established")).toHaveLength(2)
      }),
      { numRuns: 40 },
    )
  })
})
