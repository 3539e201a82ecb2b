import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  getCallId,
  getCSeq,
  getFrom,
  getFromTag,
  getTag,
  getTo,
  getTopVia,
  getTopViaBranch,
  getToTag,
  makeRequest,
  parseMessage,
  prependHeader,
  type Result,
  type SipMessage,
  serializeMessage,
  setHeader,
  viaBranch,
} from "../../src/index.js"
import { crlf, unwrap } from "../helpers.js"
import { torture, tortureNames } from "../rfc4475/fixtures.js"

/** What the in-place readers must equal: the full typed accessor, then the parameter. */
const slowBranch = (m: SipMessage) => mapOk(getTopVia(m), viaBranch)
const slowFromTag = (m: SipMessage) => mapOk(getFrom(m), getTag)
const slowToTag = (m: SipMessage) => mapOk(getTo(m), getTag)
const mapOk = <A, B, E>(r: Result<A, E>, f: (a: A) => B): Result<B, E> =>
  r._tag === "Ok" ? { _tag: "Ok", value: f(r.value) } : r

const encoder = new TextEncoder()

/** Parsed from bytes, as a socket delivers them (the in-place readers then scan the bytes). */
const parsed = (...headers: ReadonlyArray<string>): SipMessage =>
  unwrap(parseMessage(encoder.encode(crlf("OPTIONS sip:a@b SIP/2.0", ...headers, "Content-Length: 0"))))

/** The message read three ways: parsed from its bytes, parsed from its text, and a copy that was not parsed. */
const threeWays = (m: SipMessage): ReadonlyArray<SipMessage> => {
  const text = new TextDecoder().decode(serializeMessage(m))
  const fromText = parseMessage(text)
  return fromText._tag === "Ok" ? [m, fromText.value, { ...m }] : [m, { ...m }]
}

/**
 * Every way to read the three parameters agrees with the full typed accessors (values and errors), on the message
 * parsed from bytes or from text and on a copy that was not parsed; reading first in place, then typed, and the
 * other way round. CSeq and Call-ID agree across the three as well.
 */
const agree = (m: SipMessage): void => {
  const all = threeWays(m)
  for (const x of all) {
    expect(getTopViaBranch(x)).toEqual(slowBranch(x))
    expect(getFromTag(x)).toEqual(slowFromTag(x))
    expect(getToTag(x)).toEqual(slowToTag(x))
    expect(getCSeq(x)).toEqual(getCSeq(all[0]!))
    expect(getCallId(x)).toEqual(getCallId(all[0]!))
  }
  const fresh = threeWays(m)
  for (const x of fresh) {
    const typed = [slowBranch(x), slowFromTag(x), slowToTag(x)]
    expect([getTopViaBranch(x), getFromTag(x), getToTag(x)]).toEqual(typed)
  }
}

describe("getTopViaBranch, getFromTag, getToTag", () => {
  it("read the parameter of the first field, in any case and compact form", () => {
    const m = parsed(
      "v: SIP/2.0/UDP a.example.com:5060;rport;BRANCH=z9hG4bK1",
      "Via: SIP/2.0/UDP b;branch=z9hG4bK2",
      'f: "A, B" <sip:a@b;tag=no>;Tag=1',
      "TO: sip:b@c ; tag = 2",
      "Call-ID: x",
    )
    expect(unwrap(getTopViaBranch(m))).toBe("z9hG4bK1")
    expect(unwrap(getFromTag(m))).toBe("1")
    expect(unwrap(getToTag(m))).toBe("2")
    agree(m)
  })

  it("answer undefined when the parameter is absent and an empty string when it has no value", () => {
    const m = parsed("Via: SIP/2.0/UDP a;branch", "From: <sip:a@b>", "To: <sip:b@c>;x=1")
    expect(unwrap(getTopViaBranch(m))).toBe("")
    expect(unwrap(getFromTag(m))).toBeUndefined()
    expect(unwrap(getToTag(m))).toBeUndefined()
    agree(m)
  })

  it("prefer a name written in lower case, as getParam does", () => {
    const m = parsed("Via: SIP/2.0/UDP a;Branch=1;branch=2", "From: <sip:a@b>;TAG=3;tag=4", "To: <sip:b@c>")
    expect(unwrap(getTopViaBranch(m))).toBe("2")
    expect(unwrap(getFromTag(m))).toBe("4")
    agree(m)
  })

  it("give the full accessor's error for a missing or malformed header", () => {
    const missing = parsed("Call-ID: x")
    expect(getTopViaBranch(missing)._tag).toBe("Err")
    expect(getFromTag(missing)._tag).toBe("Err")
    agree(missing)
    const bad = parsed("Via: SIP/2.0/UDP a;branch=1;=x", "From: <sip:a@b;tag=1", "To: sip:b@c?x=1;tag=2")
    expect(getTopViaBranch(bad)).toEqual(slowBranch(bad))
    expect(getTopViaBranch(bad)._tag).toBe("Err")
    expect(getFromTag(bad)._tag).toBe("Err")
    expect(getToTag(bad)._tag).toBe("Err")
    agree(bad)
    // A quoted value left open at the end of its line is an error: the scan never runs on into the next line.
    const open = parsed('Via: SIP/2.0/UDP a;x="', 'From: sip:u@h;branch="', 'To: "Name"')
    expect(getFromTag(open)._tag).toBe("Err")
    expect(getTopViaBranch(open)._tag).toBe("Err")
    agree(open)
  })

  it("read a comma-joined Via whole: a bad second element is an error, as for getTopVia", () => {
    const good = parsed(
      "Via: SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/TCP b;branch=z9hG4bK2",
      "From: <sip:a@b>",
    )
    expect(unwrap(getTopViaBranch(good))).toBe("z9hG4bK1")
    const bad = parsed("Via: SIP/2.0/UDP a;branch=z9hG4bK1, nonsense", "From: <sip:a@b>")
    expect(getTopViaBranch(bad)._tag).toBe("Err")
    agree(good)
    agree(bad)
  })

  it("read built and derived messages, never a stale value", () => {
    const m = parsed("Via: SIP/2.0/UDP a;branch=z9hG4bK1", "From: <sip:a@b>;tag=1", "To: <sip:b@c>")
    expect(unwrap(getToTag(m))).toBeUndefined()
    const forwarded = prependHeader(m, "Via", "SIP/2.0/UDP proxy;branch=z9hG4bKp")
    expect(unwrap(getTopViaBranch(forwarded))).toBe("z9hG4bKp")
    const answered = setHeader(m, "To", "<sip:b@c>;tag=9")
    expect(unwrap(getToTag(answered))).toBe("9")
    expect(unwrap(getFromTag(answered))).toBe("1")
    const built = makeRequest({
      method: "MESSAGE",
      uri: "sip:b@c",
      headers: [
        ["Via", "SIP/2.0/TCP h;branch=z9hG4bKb"],
        ["From", "<sip:a@b>;tag=f"],
        ["To", "<sip:b@c>"],
      ],
    })
    expect(unwrap(getTopViaBranch(built))).toBe("z9hG4bKb")
    expect(unwrap(getFromTag(built))).toBe("f")
    agree(forwarded)
    agree(answered)
    agree(built)
  })

  it("agree with the full accessors on arbitrary header values", () => {
    const piece = fc.constantFrom(
      "SIP/2.0/UDP ",
      "SIP / 2.0 / TCP ",
      "h.example.com",
      "[::1]",
      "[zz]",
      ":5060",
      ":99999",
      ";branch=z9hG4bK1",
      ";BRANCH=x",
      ";branch",
      ";tag=a",
      ";TaG=b",
      ";tag",
      ";rport",
      ' ; x = "q;tag=no" ',
      ";",
      "=",
      ",",
      " ",
      "\t",
      "<sip:a@b;tag=in>",
      "sip:u@h",
      '"Name" ',
      "Bob ",
      "<",
      ">",
      "?",
      '"',
    )
    const value = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join("").trim())
    fc.assert(
      fc.property(value, value, value, (via, from, to) => {
        const text = crlf("OPTIONS sip:a@b SIP/2.0", `Via: ${via}`, `From: ${from}`, `To: ${to}`, "l: 0")
        const r = parseMessage(encoder.encode(text))
        if (r._tag === "Err") return
        agree(r.value)
      }),
      { numRuns: 300 },
    )
  })
})

describe("the in-place readers on the RFC 4475 torture messages", () => {
  it("agree with the full typed accessors on every fixture that parses", () => {
    let read = 0
    for (const name of tortureNames()) {
      const r = parseMessage(torture(name))
      if (r._tag === "Err") continue
      agree(r.value)
      read++
    }
    expect(read).toBeGreaterThan(30)
  })
})

describe("the plain one-pass reading and its fallback", () => {
  const param = fc.constantFrom(
    ";branch=z9hG4bK1",
    ";branch=z9hG4bK2",
    ";branch=",
    ";branch",
    ";branchx=1",
    ";Branch=3",
    ";tag=1",
    ";tag=2",
    ";tag=",
    ";tag",
    ";TAG=4",
    ";tagx=5",
    ";tag=é",
    ";rport",
    ";received=192.0.2.1",
    ";maddr=[::1]",
    ';x="q;tag=no"',
    ";ü=1",
    ";=1",
    ";",
    " ;x",
    "; x",
    ";x =1",
    ";x= 1",
    ";x=[",
    ", SIP/2.0/UDP b",
    ",<sip:c@d>",
    " ",
  )
  const params = fc.array(param, { maxLength: 4 }).map((p) => p.join(""))
  const via = fc
    .tuple(
      fc.constantFrom(
        "SIP/2.0/UDP ",
        "SIP/2.0/udp ",
        "SIP/2.0/TCP  ",
        "SIP/2.0/WSS\t",
        "SIP/2.1/UDP ",
        "SIP/2.0/ ",
      ),
      fc.constantFrom("h.example.com", "h_x", "[::1]", "", "é", "h,i"),
      fc.constantFrom("", ":5060", ":65535", ":65536", ":123456", ":", ":0"),
      params,
    )
    .map((parts) => parts.join(""))
  const nameAddr = fc
    .tuple(
      fc.constantFrom("", "Alice ", "Alice", "Alice  Bob ", '"A B" ', '"A\\"B" ', '"A', '"" ', "\t", "é "),
      fc.constantFrom(
        "<sip:a@b>",
        "<sip:a@b;tag=in>",
        "<sip:a b>",
        "<sip:>",
        "<:a>",
        "<sip:a@b",
        "<sips:x@[::1]:5061;transport=tls?h=v>",
        "<tel:+1-201>",
        "sip:a@b",
        "<s%p:a>",
      ),
      params,
    )
    .map((parts) => parts.join(""))

  it("answers what the typed accessors answer on near-plain values (from bytes and from text)", () => {
    fc.assert(
      fc.property(via, nameAddr, nameAddr, (v, from, to) => {
        const text = crlf(
          "OPTIONS sip:a@b SIP/2.0",
          `Via: ${v}`,
          `From: ${from}`,
          `To: ${to}`,
          "CSeq: 1 OPTIONS",
        )
        const r = parseMessage(encoder.encode(text))
        if (r._tag === "Err") return
        agree(r.value)
      }),
      { numRuns: 500 },
    )
  })
})

describe("typed values of messages that were not parsed", () => {
  it("are read once per header record and follow every change", () => {
    const m = parsed("Via: SIP/2.0/UDP a;branch=z9hG4bK1", "From: <sip:a@b>;tag=1", "To: <sip:b@c>")
    const forwarded = prependHeader(
      setHeader(m, "Max-Forwards", "69"),
      "Via",
      "SIP/2.0/UDP p;branch=z9hG4bKp",
    )
    const to = getTo(forwarded)
    expect(getTo(forwarded)).toBe(to)
    expect(getTo({ ...forwarded, body: new Uint8Array(1) })).toBe(to)
    expect(unwrap(getTo(setHeader(forwarded, "To", "<sip:b@c>;tag=2"))).params).toEqual([
      { name: "tag", value: "2" },
    ])
    expect(viaBranch(unwrap(getTopVia(forwarded)))).toBe("z9hG4bKp")
  })
})
