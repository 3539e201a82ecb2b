/**
 * The parser's trie of usual header names (`KNOWN_NAMES`, written out in `Parser.ts`'s scan): every entry is
 * recognised, and every near miss — a longer name that starts the same, a shorter one, another case, a compact
 * form — parses exactly as before: its name as written, the same header kind (the accessors of the parsed message
 * answer what they answer on a copy that was not parsed, which finds its headers by name), the same framing.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { KNOWN_KINDS, KNOWN_NAMES } from "../src/FieldKind.js"
import {
  getCallId,
  getContentLength,
  getCSeq,
  getFromTag,
  getHeader,
  getTopViaBranch,
  getToTag,
  headerKey,
  parseMessage,
  type SipMessage,
} from "../src/index.js"

const KINDS = ["via", "from", "to", "call-id", "cseq", "content-length"]

/** A request whose only header (besides the final Content-Length when `name` is not one) is `name: value`. */
const withHeader = (name: string, value: string): Uint8Array =>
  new TextEncoder().encode(`OPTIONS sip:bob@b.example SIP/2.0\r\n${name}: ${value}\r\nX-End: 1\r\n\r\nbody`)

const readers = (m: SipMessage): unknown[] => [
  getTopViaBranch(m),
  getFromTag(m),
  getToTag(m),
  getCallId(m),
  getCSeq(m),
  getContentLength(m),
]

const VALUES = ["SIP/2.0/UDP h.example;branch=z9hG4bKa", "<sip:a@b.example>;tag=t1", "c1@h", "1 OPTIONS", "4"]

/** Parses `name: value` and checks it against a copy that was not parsed (which finds its headers by name). */
const check = (name: string, value: string): void => {
  const r = parseMessage(withHeader(name, value))
  if (r._tag === "Err") {
    // Only a Content-Length that does not frame the 4-byte body may fail, and only for a Content-Length name.
    expect(headerKey(name)).toBe("content-length")
    return
  }
  const m = r.value
  expect(m.headers.map((h) => h.name)).toEqual([name, "X-End"])
  expect(getHeader(m, name)).toBe(value)
  expect(readers(m)).toEqual(readers({ ...m }))
  const framed = headerKey(name) === "content-length" ? Number(value) : 4
  expect(m.body.length).toBe(framed)
}

/** The near misses of a name: longer, shorter, another case, one character changed. */
const nearMisses = (name: string): string[] => [
  name,
  `${name}x`,
  `${name}-X`,
  `${name}1`,
  name.slice(0, -1),
  name.slice(1),
  name.toLowerCase(),
  name.toUpperCase(),
  `${name.slice(0, -1)}${name.at(-1) === "z" ? "y" : "z"}`,
  `X${name}`,
]

describe("KNOWN_NAMES (the parser's trie of usual names)", () => {
  it("holds the kinds first, each spelled as RFC 3261 spells it", () => {
    expect(KNOWN_NAMES.slice(0, 6)).toEqual(["Via", "From", "To", "Call-ID", "CSeq", "Content-Length"])
    expect(KNOWN_KINDS).toEqual(KNOWN_NAMES.map((n) => KINDS.indexOf(headerKey(n))))
    expect(new Set(KNOWN_NAMES.map(headerKey)).size).toBe(KNOWN_NAMES.length)
  })

  it("parses every entry and its near misses as any other name", () => {
    for (const known of KNOWN_NAMES)
      for (const name of nearMisses(known)) for (const value of VALUES) check(name, value)
    for (const compact of ["v", "f", "t", "i", "l", "m", "k", "V", "F", "T", "I", "L"])
      for (const value of VALUES) check(compact, value)
  })

  it("parses a name sharing any prefix of an entry as any other name", () => {
    const name = fc
      .tuple(
        fc.constantFrom(...KNOWN_NAMES),
        fc.nat(),
        fc.string({ unit: fc.constantFrom(..."-.!%*_+`'~aAzZ09eEtTnNoO"), maxLength: 3 }),
      )
      .map(([known, cut, tail]) => known.slice(0, cut % (known.length + 1)) + tail)
      .filter((n) => n.length > 0)
    fc.assert(
      fc.property(name, fc.constantFrom(...VALUES), (n, v) => {
        check(n, v)
      }),
      { numRuns: 300 },
    )
  })
})
