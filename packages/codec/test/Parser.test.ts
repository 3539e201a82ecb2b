import { describe, expect, it } from "vitest"
import {
  getCallId,
  getCSeq,
  getFromTag,
  getHeader,
  getTopViaBranch,
  getToTag,
  isRequest,
  isResponse,
  messageToString,
  parseMessage,
  serializeMessage,
} from "../src/index.js"
import { crlf, invite, text, unwrap, unwrapErr } from "./helpers.js"

describe("parseMessage", () => {
  it("parses a request line, headers in order, and the body", () => {
    const m = unwrap(parseMessage(`${invite}v=0\r`))
    expect(isRequest(m)).toBe(true)
    if (!isRequest(m)) return
    expect(m.method).toBe("INVITE")
    expect(m.uri).toBe("sip:bob@biloxi.com")
    expect(m.version).toBe("SIP/2.0")
    expect(m.headers.map((h) => h.name)).toEqual([
      "Via",
      "Max-Forwards",
      "To",
      "From",
      "Call-ID",
      "CSeq",
      "Contact",
      "Content-Type",
      "Content-Length",
    ])
    expect(m.headers[2]).toEqual({ name: "To", value: '"Bob" <sip:bob@biloxi.com>' })
    expect(text(m.body)).toBe("v=0\r")
  })

  it("parses a status line, including an empty reason phrase", () => {
    const m = unwrap(parseMessage(crlf("SIP/2.0 180 Ringing", "Content-Length: 0")))
    expect(isResponse(m) && m.status === 180 && m.reason === "Ringing").toBe(true)
    const bare = unwrap(parseMessage(crlf("SIP/2.0 100 ", "l: 0")))
    expect(isResponse(bare) && bare.reason === "").toBe(true)
    const noSp = unwrap(parseMessage(crlf("SIP/2.0 100", "l: 0")))
    expect(isResponse(noSp) && noSp.status === 100).toBe(true)
  })

  it("keeps header spelling, compact forms, repeats and unknown headers", () => {
    const input = crlf(
      "OPTIONS sip:x@y SIP/2.0",
      "v: SIP/2.0/UDP a;branch=z9hG4bK1",
      "VIA: SIP/2.0/UDP b;branch=z9hG4bK2, SIP/2.0/TCP c;branch=z9hG4bK3",
      "X-Custom: anything, at all",
      "l: 0",
    )
    const m = unwrap(parseMessage(input))
    expect(m.headers.map((h) => [h.name, h.value])).toEqual([
      ["v", "SIP/2.0/UDP a;branch=z9hG4bK1"],
      ["VIA", "SIP/2.0/UDP b;branch=z9hG4bK2, SIP/2.0/TCP c;branch=z9hG4bK3"],
      ["X-Custom", "anything, at all"],
      ["l", "0"],
    ])
    expect(text(serializeMessage(m))).toBe(input)
    expect(text(serializeMessage({ ...m }))).toBe(input)
  })

  it("keeps every spelling of the names the scan recognises (the usual one, other cases, compact forms)", () => {
    const names = [
      ["Via", "VIA", "via", "vIa", "v", "V"],
      ["From", "FROM", "from", "f", "F"],
      ["To", "TO", "to", "tO", "t", "T"],
      ["Call-ID", "CALL-ID", "call-id", "Call-Id", "i", "I"],
      ["CSeq", "CSEQ", "cseq", "Cseq"],
    ]
    const values = ["SIP/2.0/UDP a;branch=z9hG4bK1", "<sip:a@b>;tag=1", "<sip:c@d>", "x@y", "1 OPTIONS"]
    for (let k = 0; k < names.length; k++)
      for (const name of names[k]!) {
        const input = crlf("OPTIONS sip:x@y SIP/2.0", `${name}: ${values[k]}`, "Content-length: 0")
        for (const form of [input, new TextEncoder().encode(input)]) {
          const m = unwrap(parseMessage(form))
          expect(m.headers.map((h) => h.name)).toEqual([name, "Content-length"])
          expect(getHeader(m, names[k]![0]!)).toBe(values[k])
        }
      }
    for (const name of ["Content-Length", "CONTENT-LENGTH", "content-length", "l", "L"]) {
      const m = unwrap(parseMessage(crlf("OPTIONS sip:x@y SIP/2.0", `${name}: 3`, "", "abcdef")))
      expect(m.headers.map((h) => h.name)).toEqual([name])
      expect(m.body.length).toBe(3)
    }
  })

  it("takes no other name for one it recognises: same length and first letter, one letter off", () => {
    const near = [
      "Vie",
      "Fron",
      "Tq",
      "Call-IF",
      "CSeQ1",
      "CSer",
      "Content-Lengtx",
      "Content-Type",
      "VIa-",
      "ll",
    ]
    for (const name of near) {
      const input = crlf("OPTIONS sip:x@y SIP/2.0", `${name}: 99`, "Content-Length: 0")
      const m = unwrap(parseMessage(new TextEncoder().encode(input)))
      expect(m.headers).toEqual([
        { name, value: "99" },
        { name: "Content-Length", value: "0" },
      ])
      // The typed accessors of a parsed message read the scan's notes: none may point at this field.
      for (const read of [getTopViaBranch, getFromTag, getToTag, getCallId, getCSeq])
        expect(read(m)._tag).toBe("Err")
    }
  })

  it("reads a request line's method up to its SP, and rejects one that is not a token or not followed by one", () => {
    for (const method of ["INVITE", "X-Ext.1", "a"]) {
      const m = unwrap(parseMessage(crlf(`${method} sip:x@y SIP/2.0`, "l: 0")))
      expect(isRequest(m) && m.method === method).toBe(true)
    }
    expect(unwrapErr(parseMessage(crlf("INV@TE sip:x@y SIP/2.0", "l: 0")))).toMatchObject({ offset: 3 })
    expect(unwrapErr(parseMessage(crlf(" INVITE sip:x@y SIP/2.0", "l: 0"))).reason).toBe("empty method")
    expect(unwrapErr(parseMessage(crlf("INVITE", "l: 0"))).reason).toBe("request line without a Request-URI")
    // The first SP ends the method: a tab before it is a character of the method.
    expect(unwrapErr(parseMessage(crlf("INVITE\tsip:x@y SIP/2.0", "l: 0")))).toMatchObject({
      reason: "invalid character in method",
      offset: 6,
    })
  })

  it("answers an error, not a throw, for a field name that runs to the end of the input", () => {
    for (const input of [
      "OPTIONS sip:x@y SIP/2.0\r\nVia",
      "OPTIONS sip:x@y SIP/2.0\r\nVia  ",
      "OPTIONS sip:x@y SIP/2.0\r\nVia:",
    ])
      expect(unwrapErr(parseMessage(input)).status).toBe(400)
  })

  it("unfolds continuation lines into one value", () => {
    const m = unwrap(
      parseMessage(crlf("OPTIONS sip:x@y SIP/2.0", "Subject: one", "   two\t", "\tthree", "l: 0")),
    )
    expect(getHeader(m, "s")).toBe("one two three")
  })

  it("ignores CRLFs before the start line (§7.5) and accepts bare LF line ends", () => {
    const m = unwrap(parseMessage(`\r\n\r\n${crlf("OPTIONS sip:x@y SIP/2.0", "l: 0")}`))
    expect(isRequest(m) && m.method === "OPTIONS").toBe(true)
    const lf = unwrap(parseMessage("OPTIONS sip:x@y SIP/2.0\nCall-ID: a\n\n"))
    expect(getHeader(lf, "i")).toBe("a")
  })

  it("takes exactly Content-Length bytes, or the rest of the datagram when absent (§18.3)", () => {
    const m = unwrap(parseMessage(`${crlf("MESSAGE sip:x@y SIP/2.0", "Content-Length: 3")}abcdef`))
    expect(text(m.body)).toBe("abc")
    expect(text(serializeMessage(m))).toBe(`${crlf("MESSAGE sip:x@y SIP/2.0", "Content-Length: 3")}abc`)
    const rest = unwrap(parseMessage(`${crlf("MESSAGE sip:x@y SIP/2.0", "To: x")}hello`))
    expect(text(rest.body)).toBe("hello")
  })

  it("keeps UTF-8 in header values and counts body bytes", () => {
    const input = `${crlf("MESSAGE sip:x@y SIP/2.0", 'From: "Zoë" <sip:z@y>', "Content-Length: 4")}é€`.slice(
      0,
      -1,
    )
    const m = unwrap(
      parseMessage(`${crlf("MESSAGE sip:x@y SIP/2.0", 'From: "Zoë" <sip:z@y>', "Content-Length: 2")}é`),
    )
    expect(getHeader(m, "from")).toBe('"Zoë" <sip:z@y>')
    expect(text(m.body)).toBe("é")
    expect(input.length).toBeGreaterThan(0)
  })

  it("answers 400 with an offset for malformed input", () => {
    expect(unwrapErr(parseMessage("")).status).toBe(400)
    expect(unwrapErr(parseMessage("INVITE sip:x@y SIP/2.0\r\nVia x\r\n\r\n"))).toMatchObject({
      status: 400,
      offset: 28,
    })
    expect(unwrapErr(parseMessage(crlf("INVITE  sip:x@y SIP/2.0"))).status).toBe(400)
    expect(unwrapErr(parseMessage(crlf("INVITE <sip:x@y> SIP/2.0"))).status).toBe(400)
    expect(unwrapErr(parseMessage(crlf("SIP/2.0 4294967301 Huge"))).status).toBe(400)
    expect(unwrapErr(parseMessage(crlf("OPTIONS sip:x@y SIP/2.0", "l: 10"))).status).toBe(400)
    expect(unwrapErr(parseMessage(crlf("OPTIONS sip:x@y SIP/2.0", "l: 1", "Content-Length: 2"))).status).toBe(
      400,
    )
    expect(unwrapErr(parseMessage(crlf("OPTIONS sip:x@y SIP/2.0", "l: -1"))).status).toBe(400)
    expect(unwrapErr(parseMessage("OPTIONS sip:x@y SIP/2.0\r\nTo: x\r\n")).status).toBe(400)
  })

  it("reads the same message from bytes and from text, with multi-byte characters anywhere", () => {
    const utf8 = new TextEncoder()
    for (const input of [
      `${crlf("MESSAGE sip:b@c SIP/2.0", "Subject: é ü", "To: <sip:b@c>", "l: 4")}ab\u00e9`,
      `${crlf("MESSAGE sip:b@c SIP/2.0", "To: <sip:b@c>", "l: 3")}a\u00e9`,
      crlf("SIP/2.0 200 Très bien", "X-\u0041: \u{1F600} x", " folded \u00e9", "l: 0"),
    ]) {
      const fromText = unwrap(parseMessage(input))
      const fromBytes = unwrap(parseMessage(utf8.encode(input)))
      expect(fromBytes).toEqual(fromText)
      expect(text(serializeMessage(fromBytes))).toBe(input)
    }
    // Error offsets are byte offsets either way: "é" takes two bytes before the bad line.
    const bad = crlf("MESSAGE sip:b@c SIP/2.0", "Subject: é", "Bad line")
    const expected = utf8.encode(bad).indexOf(66) + 4 // the "l" after "Bad "
    expect(unwrapErr(parseMessage(bad)).offset).toBe(expected)
    expect(unwrapErr(parseMessage(utf8.encode(bad))).offset).toBe(expected)
  })

  it("answers 505 for a SIP version other than 2.0", () => {
    expect(unwrapErr(parseMessage(crlf("INVITE sip:x@y SIP/7.0", "l: 0")))).toMatchObject({
      status: 505,
      offset: 15,
    })
    expect(unwrapErr(parseMessage(crlf("INVITE sip:x@y SIP/2.0x", "l: 0"))).status).toBe(400)
  })

  it("enforces its limits with 513", () => {
    const big = crlf("OPTIONS sip:x@y SIP/2.0", `X: ${"a".repeat(100)}`)
    expect(unwrapErr(parseMessage(big, { maxLineLength: 50 })).status).toBe(513)
    expect(unwrapErr(parseMessage(big, { maxMessageBytes: 50 })).status).toBe(513)
    const many = crlf("OPTIONS sip:x@y SIP/2.0", "A: 1", "B: 2", "C: 3")
    expect(unwrapErr(parseMessage(many, { maxHeaderCount: 2 })).status).toBe(513)
    const vias = crlf("OPTIONS sip:x@y SIP/2.0", "Via: a", "v: b")
    expect(unwrapErr(parseMessage(vias, { maxVias: 1 })).status).toBe(513)
    expect(parseMessage(vias, { maxVias: 2 })._tag).toBe("Ok")
  })

  it("prints a message as text", () => {
    const m = unwrap(parseMessage(`${invite}v=0\r`))
    expect(messageToString(m)).toBe(`${invite}v=0\r`)
    expect(messageToString({ ...m })).toBe(`${invite}v=0\r`)
  })
})
