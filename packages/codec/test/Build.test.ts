import { describe, expect, it } from "vitest"
import {
  getHeader,
  getTag,
  getTo,
  makeRequest,
  makeResponse,
  parseMessage,
  reasonPhrase,
  serializeMessage,
  withBody,
} from "../src/index.js"
import { invite, text, unwrap } from "./helpers.js"

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
