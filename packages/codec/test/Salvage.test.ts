/**
 * salvageRequest — the header fields of a request `parseMessage` refused, so a server can answer it with the status
 * the parser named (RFC 3261 §18.3, §8.2.6.2; RFC 4475 §3.1.2).
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  getCallId,
  getCSeq,
  getHeaderValues,
  getTag,
  getTo,
  makeResponse,
  parseMessage,
  type Request,
  salvageRequest,
  serializeMessage,
} from "../src/index.js"
import { unwrap, unwrapErr } from "./helpers.js"
import { request } from "./properties/arbitraries.js"
import { torture } from "./rfc4475/fixtures.js"

/** What a response copies from its request (§8.2.6.2). */
const copied = (r: Request) => ({
  via: getHeaderValues(r, "Via"),
  from: getHeaderValues(r, "From"),
  to: getHeaderValues(r, "To"),
  callId: getHeaderValues(r, "Call-ID"),
  cseq: getHeaderValues(r, "CSeq"),
})

const encode = (text: string) => new TextEncoder().encode(text.replace(/\r?\n/g, "\r\n"))

describe("salvageRequest: the RFC 4475 requests the parser refuses", () => {
  it.each([
    ["clerr", 400, "INVITE", "clerr.0ha0isndaksdjweiafasdk3", "8 INVITE"],
    ["ncl", 400, "INVITE", "ncl.0ha0isndaksdj2193423r542w35", "0 INVITE"],
    ["mcl01", 400, "OPTIONS", "mcl01.fhn2323orihawfdoa3o4r52o3irsdf", "15932 OPTIONS"],
    ["ltgtruri", 400, "INVITE", "ltgtruri.1@192.0.2.5", "1 INVITE"],
    ["lwsruri", 400, "INVITE", "lwsruri.asdfasdoeoi2323-asdfwrn23-asd834rk423", "2130706432 INVITE"],
    ["lwsstart", 400, "INVITE", "lwsstart.dfknq234oi243099adsdfnawe3@example.com", "1893884 INVITE"],
    ["trws", 400, "OPTIONS", "trws.oicu34958239neffasdhr2345r", "238923 OPTIONS"],
    ["badvers", 505, "OPTIONS", "badvers.31417@c.example.com", "1 OPTIONS"],
  ] as const)("%s: refused with %d, its header fields salvaged", (name, status, method, callId, cseq) => {
    const bytes = torture(name)
    expect(unwrapErr(parseMessage(bytes)).status).toBe(status)
    const salvaged = unwrap(salvageRequest(bytes))
    expect(salvaged.method).toBe(method)
    expect(unwrap(getCallId(salvaged))).toBe(callId)
    expect(getHeaderValues(salvaged, "CSeq")).toEqual([cseq])
    expect(getHeaderValues(salvaged, "Via")).toHaveLength(1)
    // the response a server builds from it carries the request's identity (§8.2.6.2) and no body
    const response = makeResponse(salvaged, status)
    expect(response.status).toBe(status)
    expect(unwrap(getCallId(response))).toBe(callId)
    expect(unwrap(getCSeq(response))).toMatchObject({ method })
    expect(response.body.byteLength).toBe(0)
  })

  it("gives up on a response (bigcode): a response is never answered", () => {
    const bytes = torture("bigcode")
    expect(unwrapErr(parseMessage(bytes)).status).toBe(400)
    expect(unwrapErr(salvageRequest(bytes)).reason).toBe("not a request")
  })
})

describe("salvageRequest: what it refuses", () => {
  it.each([
    [
      "a response",
      "SIP/2.0 2000 OK\nVia: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\nCall-ID: x\nCSeq: 1 INVITE\n\n",
    ],
    [
      "no method token first",
      "\u0004NVITE sip:a@b SIP/2.0\nVia: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\n\n",
    ],
    ["no space after the method", "INVITE\nVia: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\n\n"],
    ["an empty datagram", ""],
    ["CRLFs only", "\n\n\n"],
  ])("%s", (_, text) => {
    expect(unwrapErr(salvageRequest(encode(text))).reason).toBe("not a request")
  })

  it("an ACK: never answered (§17.1.1.3, §17.2.1)", () => {
    const text = "ACK sip:a@b  SIP/2.0\nVia: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\nCSeq: 1 ACK\n\n"
    expect(unwrapErr(salvageRequest(encode(text))).reason).toBe("an ACK is never answered")
  })

  it("header fields that still do not parse are the parser's error (a header section above the size limit: 513)", () => {
    const text = `OPTIONS  sip:a@b SIP/2.0\nVia: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\nX-Big: ${"a".repeat(70_000)}\n\n`
    expect(unwrapErr(salvageRequest(encode(text))).status).toBe(513)
  })
})

describe("salvageRequest: what it keeps", () => {
  it("leaves out lines that are no header field, and a folded line goes with its field", () => {
    const text = [
      "INVITE sip:bob@example.com  SIP/2.0",
      "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1",
      "this line is no header field",
      "\u0001: nor this one",
      " nor is its continuation",
      "Subject: a folded",
      "  subject",
      "To: <sip:bob@example.com>",
      "From: <sip:alice@example.com>;tag=1",
      "Call-ID: fold-1",
      "CSeq: 1 INVITE",
      "Content-Length: 50",
      "",
      "short",
    ].join("\n")
    const salvaged = unwrap(salvageRequest(encode(text)))
    expect(salvaged.headers.map((h) => h.name)).toEqual([
      "Via",
      "Subject",
      "To",
      "From",
      "Call-ID",
      "CSeq",
      "Content-Length",
    ])
    expect(getHeaderValues(salvaged, "Subject")).toEqual(["a folded subject"])
    expect(getHeaderValues(salvaged, "Content-Length")).toEqual(["0"])
    expect(getTag(unwrap(getTo(salvaged)))).toBeUndefined()
  })

  it("skips the CRLFs before the start line (§7.5)", () => {
    const text =
      "\n\nOPTIONS sip:a@b SIP/9.9\nVia: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\nCall-ID: x\nCSeq: 1 OPTIONS\n\n"
    expect(unwrap(salvageRequest(encode(text))).method).toBe("OPTIONS")
  })

  it("law: of a request that parses, it salvages the fields a response copies, unchanged", () => {
    fc.assert(
      fc.property(request, (r) => {
        const parsed = unwrap(parseMessage(serializeMessage(r)))
        if (parsed._tag !== "Request") throw new Error("a request parses as a request")
        const salvaged = unwrap(salvageRequest(serializeMessage(r)))
        expect(salvaged.method).toBe(parsed.method)
        expect(copied(salvaged)).toEqual(copied(parsed))
      }),
      { numRuns: 300 },
    )
  })
})
