import { describe, expect, it } from "vitest"
import { parseMessage, type Request, validateRequest, validateResponse } from "../src/index.js"
import { crlf, unwrap, unwrapErr } from "./helpers.js"

const base = [
  "Via: SIP/2.0/UDP a;branch=z9hG4bK1",
  "Max-Forwards: 70",
  "To: <sip:b@x>",
  "From: <sip:a@x>;tag=1",
  "Call-ID: c1",
  "CSeq: 1 OPTIONS",
]
const req = (uri: string, headers: ReadonlyArray<string>): Request => {
  const m = unwrap(parseMessage(crlf(`OPTIONS ${uri} SIP/2.0`, ...headers)))
  if (m._tag !== "Request") throw new Error("fixture")
  return m
}

describe("validateRequest", () => {
  it("accepts a request with the §8.1.1 headers", () => {
    const r = req("sip:b@x", base)
    expect(unwrap(validateRequest(r))).toBe(r)
  })
  it("accepts a missing Max-Forwards unless asked to require it (RFC 4475 inv2543)", () => {
    const r = req(
      "sip:b@x",
      base.filter((h) => !h.startsWith("Max")),
    )
    expect(validateRequest(r)._tag).toBe("Ok")
    expect(unwrapErr(validateRequest(r, { requireMaxForwards: true })).header).toBe("max-forwards")
  })
  it("answers 400 for each missing mandatory header", () => {
    for (let i = 0; i < base.length; i++) {
      if (i === 1) continue
      const e = unwrapErr(
        validateRequest(
          req(
            "sip:b@x",
            base.filter((_, j) => j !== i),
          ),
        ),
      )
      expect(e.status).toBe(400)
    }
  })
  it("answers 400 for a CSeq method mismatch, duplicates and bad values", () => {
    expect(unwrapErr(validateRequest(req("sip:b@x", [...base.slice(0, 5), "CSeq: 1 INVITE"]))).header).toBe(
      "cseq",
    )
    expect(unwrapErr(validateRequest(req("sip:b@x", [...base, "To: <sip:c@x>"]))).header).toBe("to")
    expect(unwrapErr(validateRequest(req("sip:b@x", [...base.slice(1), "Via: bogus"]))).header).toBe("via")
  })
  it("answers 416 for an unsupported scheme and 400 for a malformed Request-URI", () => {
    expect(unwrapErr(validateRequest(req("mailto:b@x", base))).status).toBe(416)
    expect(unwrap(validateRequest(req("mailto:b@x", base), { schemes: ["mailto"] }))._tag).toBe("Request")
    expect(unwrapErr(validateRequest(req("sip:b@", base))).status).toBe(400)
  })
})

describe("validateResponse", () => {
  it("needs Via, From, To, Call-ID and CSeq", () => {
    const ok = unwrap(parseMessage(crlf("SIP/2.0 200 OK", ...base.filter((h) => !h.startsWith("Max")))))
    if (ok._tag !== "Response") throw new Error("fixture")
    expect(validateResponse(ok)._tag).toBe("Ok")
    const bad = unwrap(parseMessage(crlf("SIP/2.0 200 OK", "To: <sip:b@x>")))
    if (bad._tag !== "Response") throw new Error("fixture")
    expect(unwrapErr(validateResponse(bad)).status).toBe(400)
  })
})
