import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { isListHeader } from "../src/HeaderNames.js"
import {
  appendHeader,
  err,
  getContacts,
  getHeader,
  getHeaderValues,
  headerKey,
  headerNames,
  makeRequest,
  parseMessage,
  prependHeader,
  removeFirstHeaderValue,
  removeHeader,
  type SipMessage,
  serializeMessage,
  setHeader,
} from "../src/index.js"
import { splitList } from "../src/Lists.js"
import { makeHeaderError } from "../src/ParseError.js"
import { crlf, text, unwrap } from "./helpers.js"

const m = unwrap(
  parseMessage(
    crlf(
      "INVITE sip:b@x SIP/2.0",
      "v: SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2",
      "Via: SIP/2.0/UDP c;branch=z9hG4bK3",
      'Route: <sip:p1;lr>, "A, B" <sip:p2;lr>',
      "i: abc@x",
      'WWW-Authenticate: Digest realm="a", nonce="b"',
      "l: 0",
    ),
  ),
)

describe("header names", () => {
  it("maps every compact form of the table to its long name", () => {
    const pairs: Array<[string, string]> = [
      ["a", "accept-contact"],
      ["b", "referred-by"],
      ["c", "content-type"],
      ["d", "request-disposition"],
      ["e", "content-encoding"],
      ["f", "from"],
      ["i", "call-id"],
      ["j", "reject-contact"],
      ["k", "supported"],
      ["l", "content-length"],
      ["m", "contact"],
      ["n", "identity-info"],
      ["o", "event"],
      ["r", "refer-to"],
      ["s", "subject"],
      ["t", "to"],
      ["u", "allow-events"],
      ["v", "via"],
      ["x", "session-expires"],
      ["y", "identity"],
    ]
    for (const [c, long] of pairs) {
      expect(headerKey(c)).toBe(long)
      expect(headerKey(c.toUpperCase())).toBe(long)
    }
    expect(headerKey("CALL-ID")).toBe("call-id")
    expect(headerKey("X-Foo")).toBe("x-foo")
  })

  it("gives every spelling of a registered name the key of its lower-case long form, usual spelling or not", () => {
    for (const h of headerNames) {
      const key = h.name.toLowerCase()
      const mixed = [...h.name].map((c, i) => (i % 2 === 0 ? c.toLowerCase() : c.toUpperCase())).join("")
      for (const spelling of [h.name, key, h.name.toUpperCase(), mixed]) expect(headerKey(spelling)).toBe(key)
      if (h.compact !== undefined)
        for (const c of [h.compact, h.compact.toUpperCase()]) expect(headerKey(c)).toBe(key)
    }
  })
})

describe("raw header access", () => {
  it("finds by any spelling and compact form", () => {
    expect(getHeader(m, "Call-ID")).toBe("abc@x")
    expect(getHeader(m, "CALL-id")).toBe("abc@x")
    expect(getHeader(m, "v")).toBe("SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2")
    expect(getHeader(m, "Missing")).toBeUndefined()
  })

  it("splits list values across fields, respecting quotes and <>", () => {
    expect(getHeaderValues(m, "via")).toEqual([
      "SIP/2.0/UDP a;branch=z9hG4bK1",
      "SIP/2.0/UDP b;branch=z9hG4bK2",
      "SIP/2.0/UDP c;branch=z9hG4bK3",
    ])
    expect(getHeaderValues(m, "route")).toEqual(["<sip:p1;lr>", '"A, B" <sip:p2;lr>'])
    expect(getHeaderValues(m, "www-authenticate")).toEqual(['Digest realm="a", nonce="b"'])
  })

  it("sets, prepends, appends and removes without touching the original", () => {
    const set = setHeader(m, "Call-ID", "new@x")
    expect(set.headers.map((h) => h.name)).toEqual(["v", "Via", "Route", "Call-ID", "WWW-Authenticate", "l"])
    expect(getHeader(set, "i")).toBe("new@x")
    expect(getHeader(m, "i")).toBe("abc@x")
    expect(setHeader(m, "Subject", "hi").headers.at(-1)).toEqual({ name: "Subject", value: "hi" })
    expect(prependHeader(m, "Via", "SIP/2.0/TCP top").headers[0]).toEqual({
      name: "Via",
      value: "SIP/2.0/TCP top",
    })
    expect(appendHeader(m, "X", "1").headers.at(-1)).toEqual({ name: "X", value: "1" })
    expect(getHeaderValues(removeHeader(m, "VIA"), "via")).toEqual([])
  })

  it("pops the first value of a comma-joined field, then the field", () => {
    const once = removeFirstHeaderValue(m, "Via")
    expect(getHeaderValues(once, "via")).toEqual([
      "SIP/2.0/UDP b;branch=z9hG4bK2",
      "SIP/2.0/UDP c;branch=z9hG4bK3",
    ])
    expect(once.headers[0]).toEqual({ name: "v", value: "SIP/2.0/UDP b;branch=z9hG4bK2" })
    const twice = removeFirstHeaderValue(once, "Via")
    expect(twice.headers[0]).toEqual({ name: "Via", value: "SIP/2.0/UDP c;branch=z9hG4bK3" })
    expect(getHeaderValues(removeFirstHeaderValue(m, "Route"), "route")).toEqual(['"A, B" <sip:p2;lr>'])
    expect(removeFirstHeaderValue(m, "Record-Route")).toBe(m)
  })

  it("a changed message serializes from its fields", () => {
    const changed = setHeader(m, "Call-ID", "z")
    expect(text(serializeMessage(changed))).toContain("\r\nCall-ID: z\r\n")
  })
})

describe("getHeaderValues and getContacts, as a scan of every field", () => {
  const name = fc.constantFrom(
    "Contact",
    "m",
    "CONTACT",
    "Record-Route",
    "record-route",
    "Require",
    "Date",
    "X-A",
  )
  const value = fc.constantFrom(
    "<sip:a@b>",
    "*",
    " * ",
    "<sip:a@b>, <sip:c@d>",
    '"x, y" <sip:e@f>',
    "<sip:a@b>, *",
    "Tue, 15 Nov 1994 08:12:31 GMT",
    "sip:g@h;q=0.5",
    "<sip:bad",
  )
  const fields = fc.array(fc.tuple(name, value), { maxLength: 6 })
  // The laws: what a list of the matching fields gives, as written before the one-pass forms.
  const valuesOf = (m: SipMessage, n: string): ReadonlyArray<string> =>
    m.headers
      .filter((h) => headerKey(h.name) === headerKey(n))
      .flatMap((h) => (isListHeader(headerKey(n)) ? splitList(h.value) : [h.value]))
  const contactsOf = (m: SipMessage) => {
    const fs = m.headers.filter((h) => headerKey(h.name) === "contact")
    if (fs.length === 1 && fs[0]!.value.trim() === "*") return { _tag: "Ok", value: "*" }
    if (fs.some((f) => splitList(f.value).includes("*"))) return "mixed"
    return "list"
  }

  it("give every value of every field of that name, and the Contact star rules (§10.2.2)", () =>
    fc.assert(
      fc.property(fields, (hs) => {
        const m = makeRequest({ method: "REGISTER", uri: "sip:x", headers: hs })
        for (const n of ["Contact", "m", "Record-Route", "Require", "Date"])
          expect(getHeaderValues(m, n)).toEqual(valuesOf(m, n))
        const c = getContacts(m)
        const want = contactsOf(m)
        if (want === "mixed")
          expect(c).toEqual(err(makeHeaderError("contact", '"*" mixed with other contacts')))
        else if (want === "list") expect(c._tag === "Err" || Array.isArray(c.value)).toBe(true)
        else expect(c).toEqual(want)
      }),
      { numRuns: 300 },
    ))

  it("an absent header answers an empty list that cannot be changed", () => {
    const m = makeRequest({ method: "OPTIONS", uri: "sip:x", headers: [["Via", "SIP/2.0/UDP h"]] })
    const none = getHeaderValues(m, "Record-Route")
    expect(none).toEqual([])
    expect(Object.isFrozen(none)).toBe(true)
  })
})
