import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  getHeader,
  getParam,
  getTag,
  getTo,
  type Header,
  headerKey,
  makeRequest,
  makeResponse,
  parseMessage,
  type Request,
  reasonPhrase,
  serializeMessage,
  withBody,
} from "../src/index.js"
import { parseParams } from "../src/Params.js"
import { crlf, invite, text, unwrap } from "./helpers.js"

describe("makeRequest", () => {
  it("keeps header order and sets Content-Length to the body's byte length", () => {
    const r = makeRequest({
      method: "MESSAGE",
      uri: "sip:bob@x",
      headers: [
        ["Via", "SIP/2.0/UDP a;branch=z9hG4bK1"],
        ["Content-Length", "99"],
        ["To", "<sip:bob@x>"],
      ],
      body: "héllo",
    })
    expect(r.headers).toEqual([
      { name: "Via", value: "SIP/2.0/UDP a;branch=z9hG4bK1" },
      { name: "Content-Length", value: "6" },
      { name: "To", value: "<sip:bob@x>" },
    ])
    expect(r.body.length).toBe(6)
    const back = unwrap(parseMessage(serializeMessage(r)))
    expect(back).toEqual(r)
  })

  it("accepts Header records and adds Content-Length: 0 without a body", () => {
    const r = makeRequest({ method: "OPTIONS", uri: "sip:x", headers: [{ name: "To", value: "<sip:x>" }] })
    expect(r.headers.at(-1)).toEqual({ name: "Content-Length", value: "0" })
    expect(text(serializeMessage(r))).toBe(
      "OPTIONS sip:x SIP/2.0\r\nTo: <sip:x>\r\nContent-Length: 0\r\n\r\n",
    )
  })
})

describe("makeResponse (§8.2.6)", () => {
  const req = unwrap(parseMessage(`${invite}v=0\r`))
  if (req._tag !== "Request") throw new Error("fixture")

  it("copies Via, From, To, Call-ID and CSeq in order and adds the To tag", () => {
    const r = makeResponse(req, 180, { toTag: "abc" })
    expect(r.status).toBe(180)
    expect(r.reason).toBe("Ringing")
    expect(r.headers.map((h) => h.name)).toEqual(["Via", "To", "From", "Call-ID", "CSeq", "Content-Length"])
    expect(getHeader(r, "to")).toBe('"Bob" <sip:bob@biloxi.com>;tag=abc')
    expect(getTag(unwrap(getTo(r)))).toBe("abc")
    expect(r.body.length).toBe(0)
  })

  it("does not add a second To tag, and takes reason, headers and body", () => {
    const tagged = makeResponse(makeResponse(req, 180, { toTag: "abc" }) as never, 200, { toTag: "zzz" })
    expect(getHeader(tagged, "to")).toBe('"Bob" <sip:bob@biloxi.com>;tag=abc')
    const r = makeResponse(req, 200, { reason: "Fine", headers: [["Contact", "<sip:b@x>"]], body: "x=1" })
    expect(r.reason).toBe("Fine")
    expect(r.headers.slice(-2)).toEqual([
      { name: "Contact", value: "<sip:b@x>" },
      { name: "Content-Length", value: "3" },
    ])
  })

  it("a Content-Length among the given headers (any spelling) is set to the body's length in its place, once", () => {
    const r = makeResponse(req, 200, {
      headers: [
        ["Contact", "<sip:b@x>"],
        ["l", "99"],
        ["Server", "s"],
        ["CONTENT-LENGTH", "7"],
      ],
      body: "x=1",
    })
    expect(r.headers.slice(-3)).toEqual([
      { name: "Contact", value: "<sip:b@x>" },
      { name: "l", value: "3" },
      { name: "Server", value: "s" },
    ])
  })

  it("copies the same fields as a copy by canonical name: compact forms, any case, repeats, with and without a To tag", () => {
    // The law: what makeResponse copies is what this reference (every header's canonical name looked up) copies.
    const reference = (request: Request, toTag: string | undefined): ReadonlyArray<Header> => {
      const out: Header[] = []
      for (const h of request.headers) {
        const key = headerKey(h.name)
        if (["via", "from", "call-id", "cseq", "timestamp"].includes(key)) out.push(h)
        else if (key === "to") {
          const gt = h.value.lastIndexOf(">")
          const semi = h.value.indexOf(";", gt < 0 ? 0 : gt)
          const params = semi < 0 ? [] : parseParams(h.value, semi)
          const tagged = typeof params !== "string" && getParam(params, "tag") !== undefined
          out.push(toTag !== undefined && !tagged ? { name: h.name, value: `${h.value};tag=${toTag}` } : h)
        }
      }
      return [...out, { name: "Content-Length", value: "0" }]
    }
    const name = fc.constantFrom(
      ...["Via", "v", "VIA", "via", "From", "f", "FROM", "To", "t", "TO", "to", "Call-ID", "i", "call-id"],
      ...["CSeq", "CSEQ", "cseq", "Timestamp", "timestamp", "Contact", "m", "Max-Forwards", "Subject", "s"],
      ...[
        "Content-Type",
        "c",
        "User-Agent",
        "Allow",
        "Supported",
        "k",
        "Record-Route",
        "X-Via",
        "Tox",
        "Fro",
      ],
    )
    const value = fc.constantFrom(
      "SIP/2.0/UDP h;branch=z9hG4bK1",
      "<sip:b@c>",
      "<sip:b@c>;tag=9",
      "Bob <sip:b@c;tag=in>",
      "sip:b@c;tag=x",
      "<sip:b@c>;tag",
      "<sip:b@c>;=bad",
      "1 INVITE",
      "x",
    )
    const fields = fc.array(fc.tuple(name, value), { maxLength: 12 })
    fc.assert(
      fc.property(fields, fc.option(fc.constantFrom("t1", "t2")), (hs, tag) => {
        const toTag = tag ?? undefined
        const built = makeRequest({ method: "OPTIONS", uri: "sip:a@b", headers: hs })
        const lines = hs.map(([n, v]) => `${n}: ${v}`)
        const parsed = unwrap(parseMessage(crlf("OPTIONS sip:a@b SIP/2.0", ...lines, "Content-Length: 0")))
        for (const request of [built, parsed] as ReadonlyArray<Request>) {
          const options = toTag === undefined ? {} : { toTag }
          expect(makeResponse(request, 200, options).headers).toEqual(reference(request, toTag))
        }
      }),
      { numRuns: 300 },
    )
  })

  it("knows the §21 reason phrases", () => {
    expect(reasonPhrase(100)).toBe("Trying")
    expect(reasonPhrase(481)).toBe("Call/Transaction Does Not Exist")
    expect(reasonPhrase(499)).toBe("Client Error")
  })
})

describe("withBody", () => {
  it("replaces the body and fixes Content-Length and Content-Type", () => {
    const req = unwrap(parseMessage(`${invite}v=0\r`))
    const m = withBody(req, "hello", "text/plain")
    expect(getHeader(m, "l")).toBe("5")
    expect(getHeader(m, "c")).toBe("text/plain")
    expect(text(serializeMessage(m)).endsWith("\r\n\r\nhello")).toBe(true)
  })
})
