/**
 * The answers a parsed message keeps from the first read of its From tag, To tag, Call-ID and CSeq
 * (`ParsedState.fromTag` … in Parsed.ts) never go stale: whatever was read before, on this message or on any
 * other, every read answers what a read of a copy that was never parsed answers (the readers' full path), and a
 * message derived by `setHeader` answers its own fields.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  getCallId,
  getCSeq,
  getFromTag,
  getToTag,
  parseMessage,
  type SipMessage,
  setHeader,
} from "../src/index.js"
import { crlf, unwrap } from "./helpers.js"

const encoder = new TextEncoder()

const word = fc.string({ unit: fc.constantFrom(..."abcXYZ019-.!"), minLength: 1, maxLength: 16 })
const tag = fc.option(word, { nil: undefined })
const nameAddr = (user: string, t: string | undefined) =>
  `<sip:${user}@example.com>${t === undefined ? "" : `;tag=${t}`}`

interface Fields {
  readonly from: string | undefined
  readonly to: string | undefined
  readonly callId: string
  readonly seq: number
  readonly method: string
}
const fields: fc.Arbitrary<Fields> = fc.record({
  from: tag,
  to: tag,
  callId: word,
  seq: fc.nat(4_000_000_000),
  method: fc.constantFrom("INVITE", "ACK", "BYE", "OPTIONS"),
})

const text = (f: Fields): string =>
  crlf(
    `${f.method} sip:bob@example.com SIP/2.0`,
    "Via: SIP/2.0/UDP h;branch=z9hG4bK1",
    `From: ${nameAddr("a", f.from)}`,
    `To: ${nameAddr("b", f.to)}`,
    `Call-ID: ${f.callId}`,
    `CSeq: ${f.seq} ${f.method}`,
    "Content-Length: 0",
  )

type Reader = (m: SipMessage) => unknown
const readers: ReadonlyArray<Reader> = [getFromTag, getToTag, getCallId, getCSeq]

/** What a reader answers on a copy of `m` that was never parsed (nothing kept: the full path every time). */
const fresh = (read: Reader, m: SipMessage): unknown => read({ ...m })

describe("the reads a parsed message keeps", () => {
  it("answer what an unparsed copy answers, read in any order across messages, from bytes and from text", () =>
    fc.assert(
      fc.property(
        fc.array(fields, { minLength: 2, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(7), fc.nat(3)), { minLength: 1, maxLength: 40 }),
        (all, order) => {
          const messages = all.flatMap((f) => [
            unwrap(parseMessage(encoder.encode(text(f)))),
            unwrap(parseMessage(text(f))),
          ])
          for (const [which, reader] of order) {
            const m = messages[which % messages.length]!
            const read = readers[reader]!
            expect(read(m)).toEqual(fresh(read, m))
          }
          all.forEach((f, k) => {
            const m = messages[2 * k]!
            expect(unwrap(getFromTag(m))).toBe(f.from)
            expect(unwrap(getToTag(m))).toBe(f.to)
            expect(unwrap(getCallId(m))).toBe(f.callId)
            expect(unwrap(getCSeq(m))).toEqual({ seq: f.seq, method: f.method })
          })
        },
      ),
      { numRuns: 200 },
    ))

  it("are not answered for a message derived from a read one", () => {
    const m = unwrap(
      parseMessage(
        encoder.encode(text({ from: "f1", to: undefined, callId: "c1", seq: 1, method: "INVITE" })),
      ),
    )
    for (const read of readers) read(m)
    const derived = setHeader(
      setHeader(
        setHeader(setHeader(m, "To", nameAddr("b", "t2")), "From", nameAddr("a", "f2")),
        "Call-ID",
        "c2",
      ),
      "CSeq",
      "2 BYE",
    )
    expect(unwrap(getToTag(derived))).toBe("t2")
    expect(unwrap(getFromTag(derived))).toBe("f2")
    expect(unwrap(getCallId(derived))).toBe("c2")
    expect(unwrap(getCSeq(derived))).toEqual({ seq: 2, method: "BYE" })
    // and the read message still answers its own
    expect(unwrap(getToTag(m))).toBe(undefined)
    expect(unwrap(getFromTag(m))).toBe("f1")
    expect(unwrap(getCallId(m))).toBe("c1")
    expect(unwrap(getCSeq(m))).toEqual({ seq: 1, method: "INVITE" })
  })

  it("make nothing on a repeated read", () => {
    const m = unwrap(
      parseMessage(encoder.encode(text({ from: "f1", to: "t1", callId: "c1", seq: 7, method: "BYE" }))),
    )
    for (const read of readers) expect(read(m)).toBe(read(m))
  })
})
