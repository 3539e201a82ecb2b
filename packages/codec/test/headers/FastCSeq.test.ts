import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { getCSeq, parseCSeq, parseMessage, type SipMessage, serializeMessage } from "../../src/index.js"
import { crlf, unwrap } from "../helpers.js"

const encoder = new TextEncoder()

/** A message whose first CSeq field is `value`, parsed from its bytes (getCSeq then reads the bytes in place). */
const withCSeq = (value: string, ...more: ReadonlyArray<string>): SipMessage | undefined => {
  const r = parseMessage(
    encoder.encode(crlf("OPTIONS sip:a@b SIP/2.0", "Via: SIP/2.0/UDP h", `CSeq: ${value}`, ...more, "l: 0")),
  )
  return r._tag === "Ok" ? r.value : undefined
}

/** What getCSeq must answer: the first CSeq field's value parsed in full (as on a message that was not parsed). */
const slow = (m: SipMessage) => {
  const field = m.headers.find((h) => h.name.toLowerCase() === "cseq")
  return field === undefined ? getCSeq({ ...m }) : parseCSeq(field.value)
}

/** getCSeq agrees with the full parse on the message from bytes, from text, and on a copy that was not parsed. */
const agree = (m: SipMessage): void => {
  const text = new TextDecoder().decode(serializeMessage(m))
  const fromText = unwrap(parseMessage(text))
  for (const x of [m, fromText, { ...m }]) expect(getCSeq(x)).toEqual(slow(m))
}

describe("getCSeq on a parsed message (read in place when plain)", () => {
  it("reads the plain form off the bytes", () => {
    const m = withCSeq("4294967295 INVITE")!
    expect(unwrap(getCSeq(m))).toEqual({ seq: 4294967295, method: "INVITE" })
    agree(m)
  })

  it("answers what the full parse answers for every other spelling", () => {
    // Each of these leaves the plain form, so the full parse decides: a wrong fast path (accepting a 33-bit number,
    // eleven digits, a non-token method, or refusing LWS the grammar allows) fails here.
    const cases: ReadonlyArray<readonly [string, "Ok" | "Err"]> = [
      ["4294967296 INVITE", "Err"],
      ["12345678901 INVITE", "Err"],
      ["0000000001 ACK", "Ok"],
      ["1  INVITE", "Ok"],
      ["1\tINVITE", "Ok"],
      ["1 \t INVITE", "Ok"],
      ["1 INV@TE", "Err"],
      ["1 INVITE;x", "Err"],
      ["1 INVITE x", "Err"],
      ["1 invite", "Ok"],
      ["1", "Err"],
      ["INVITE", "Err"],
      ["-1 INVITE", "Err"],
      ["1\r\n INVITE", "Ok"],
    ]
    for (const [value, tag] of cases) {
      const m = withCSeq(value)!
      expect(getCSeq(m)._tag, value).toBe(tag)
      agree(m)
    }
  })

  it("reads the first CSeq field, also when the header section is not ASCII", () => {
    const m = withCSeq("7 BYE", "CSeq: 8 ACK", "Subject: caf\u00e9")!
    expect(unwrap(getCSeq(m))).toEqual({ seq: 7, method: "BYE" })
    agree(m)
    const missing = unwrap(parseMessage(encoder.encode(crlf("OPTIONS sip:a@b SIP/2.0", "l: 0"))))
    expect(getCSeq(missing)._tag).toBe("Err")
  })

  it("agrees with the full parse on arbitrary values", () => {
    const piece = fc.constantFrom(
      "0",
      "1",
      "42",
      "4294967295",
      "99999999999",
      " ",
      "\t",
      "INVITE",
      "a",
      "@",
      ";",
      "-",
    )
    const value = fc.array(piece, { maxLength: 6 }).map((parts) => parts.join("").trim())
    fc.assert(
      fc.property(value, (v) => {
        const m = withCSeq(v)
        if (m !== undefined) agree(m)
      }),
      { numRuns: 300 },
    )
  })
})
