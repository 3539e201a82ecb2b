import { describe, expect, it } from "vitest"
import { isFramerFailed, makeFramer, pushBytes, serializeMessage } from "../src/index.js"
import { crlf, text } from "./helpers.js"

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const msg1 = `${crlf("MESSAGE sip:a@b SIP/2.0", "Call-ID: 1", "Content-Length: 5")}hello`
const msg2 = crlf("OPTIONS sip:a@b SIP/2.0", "Call-ID: 2", "l: 0")

describe("stream framer (§18.3)", () => {
  it("frames back-to-back messages and keeps a partial one", () => {
    const r = pushBytes(makeFramer(), enc(msg1 + msg2 + msg1.slice(0, 20)))
    expect(r.messages.map((m) => text(serializeMessage(m)))).toEqual([msg1, msg2])
    expect(r.error).toBeUndefined()
    const r2 = pushBytes(r.state, enc(msg1.slice(20)))
    expect(r2.messages.map((m) => text(serializeMessage(m)))).toEqual([msg1])
  })

  it("skips CRLF keep-alives and counts RFC 5626 pings", () => {
    const a = pushBytes(makeFramer(), enc("\r\n\r\n\r\n"))
    expect(a.messages).toEqual([])
    expect(a.pings).toBe(1)
    const b = pushBytes(a.state, enc(`\r\n${msg2}\r\n\r\n`))
    expect(b.pings).toBe(2)
    expect(b.messages.length).toBe(1)
  })

  it("requires Content-Length and then stays failed", () => {
    const r = pushBytes(makeFramer(), enc(crlf("OPTIONS sip:a@b SIP/2.0", "Call-ID: 3")))
    expect(r.error?.status).toBe(400)
    expect(isFramerFailed(r.state)).toBe(true)
    const again = pushBytes(r.state, enc(msg2))
    expect(again.messages).toEqual([])
    expect(again.error).toEqual(r.error)
  })

  it("enforces header and body limits", () => {
    expect(
      pushBytes(makeFramer({ maxHeaderBytes: 16 }), enc("OPTIONS sip:a@b SIP/2.0\r\n")).error?.status,
    ).toBe(513)
    expect(pushBytes(makeFramer({ maxBodyBytes: 4 }), enc(msg1)).error?.status).toBe(413)
    expect(pushBytes(makeFramer(), enc(crlf("BAD", "l: 0"))).error?.status).toBe(400)
  })
})

describe("stream framer edge cases", () => {
  it("does not take a folded continuation line for Content-Length", () => {
    const folded = `${crlf("MESSAGE sip:a@b SIP/2.0", "Subject: one", " l: 99", "Content-Length: 2")}hi`
    const r = pushBytes(makeFramer(), enc(folded))
    expect(r.error).toBeUndefined()
    expect(r.messages.map((m) => text(m.body))).toEqual(["hi"])
  })

  it("waits for a body split across chunks, and rejects a message above maxMessageBytes", () => {
    const a = pushBytes(makeFramer(), enc(msg1.slice(0, -2)))
    expect(a.messages).toEqual([])
    expect(pushBytes(a.state, enc(msg1.slice(-2))).messages.length).toBe(1)
    expect(pushBytes(makeFramer({ maxMessageBytes: 40 }), enc(msg1)).error?.status).toBe(513)
  })
})
