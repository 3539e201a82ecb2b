/** The ACK of a non-2xx final response (RFC 3261 §17.1.1.3), as the INVITE client transaction sends it. */
import { getHeader, getHeaderValues, parseMessage, serializeMessage } from "@sipkit/codec"
import { describe, expect, it } from "vitest"
import { InviteClientTransaction, makeNonTwoXxAck, receive } from "../../src/transaction/index.js"
import { makeTestRequest, makeTestResponse } from "./support/messages.js"

const invite = makeTestRequest({
  uri: "sip:bob@biloxi.example.com",
  routes: ["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"],
  maxForwards: 69,
  cseq: 7,
  extra: [["Subject", "lunch"]],
})
// a response that went through a proxy: two Vias, the second the proxy's
const response = {
  ...makeTestResponse(invite, 486, "8321234356"),
  headers: [
    { name: "Via", value: "SIP/2.0/UDP client.example.com:5060;branch=z9hG4bK776asdhds;received=192.0.2.1" },
    ...makeTestResponse(invite, 486, "8321234356").headers.filter((h) => h.name !== "Via"),
  ],
}

describe("makeNonTwoXxAck (§17.1.1.3)", () => {
  const ack = makeNonTwoXxAck(invite, response)

  it("keeps the INVITE's Request-URI, Call-ID and From", () => {
    expect(ack.method).toBe("ACK")
    expect(ack.uri).toBe("sip:bob@biloxi.example.com")
    expect(getHeader(ack, "Call-ID")).toBe(getHeader(invite, "Call-ID"))
    expect(getHeader(ack, "From")).toBe(getHeader(invite, "From"))
  })

  it("takes To from the response, with its tag", () => {
    expect(getHeader(ack, "To")).toBe("Bob <sip:bob@example.com>;tag=8321234356")
  })

  it("has a single Via: the INVITE's top Via, as sent", () => {
    expect(getHeaderValues(ack, "Via")).toEqual([
      "SIP/2.0/UDP client.example.com:5060;branch=z9hG4bK776asdhds",
    ])
  })

  it("has the INVITE's CSeq number with method ACK", () => {
    expect(getHeader(ack, "CSeq")).toBe("7 ACK")
  })

  it("carries the INVITE's Route header fields, in order, and its Max-Forwards", () => {
    expect(getHeaderValues(ack, "Route")).toEqual(["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"])
    expect(getHeader(ack, "Max-Forwards")).toBe("69")
  })

  it("carries nothing else from the INVITE, and no body", () => {
    expect(getHeader(ack, "Subject")).toBeUndefined()
    expect(getHeader(ack, "Contact")).toBeUndefined()
    expect(getHeader(ack, "Content-Length")).toBe("0")
    expect(ack.body.length).toBe(0)
  })

  it("survives the wire", () => {
    const parsed = parseMessage(serializeMessage(ack))
    expect(parsed._tag).toBe("Ok")
  })

  it("is what the INVITE client transaction sends for a 300-699, even on a reliable transport", () => {
    for (const reliable of [false, true]) {
      const started = InviteClientTransaction.start(invite, { reliable })
      const sent = InviteClientTransaction.step(started.state, receive(response)).outputs.find(
        (o) => o._tag === "Send",
      )
      expect(sent).toEqual({ _tag: "Send", message: ack })
    }
  })
})
