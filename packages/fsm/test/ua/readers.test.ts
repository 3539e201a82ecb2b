/**
 * readers' cheap reads answer what the full reads answer: `hasValue` as `getHeaderValues(…).length > 0` (the split
 * of a list it skips), `isToken` as the §25.1 token pattern — over generated values with commas, quotes, brackets,
 * comments, white space (Unicode's too) and control characters, names in any case and compact form, built and
 * parsed messages.
 */
import { getHeaderValues, makeRequest, parseMessage, type Request, serializeMessage } from "@sipkit/codec"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { hasValue, isToken } from "../../src/ua/readers.js"

const arbValue = fc.string({
  maxLength: 8,
  unit: fc.constantFrom(
    ",",
    " ",
    "\t",
    '"',
    "<",
    ">",
    "(",
    ")",
    "\\",
    "a",
    ";",
    "\u00a0",
    "\u2028",
    "\u001f",
    "é",
  ),
})
const arbName = fc.constantFrom("Contact", "contact", "CONTACT", "m", "M")
const arbFields = fc.array(fc.tuple(arbName, arbValue), { maxLength: 3 })

const request = (fields: ReadonlyArray<readonly [string, string]>): Request =>
  makeRequest({
    method: "INVITE",
    uri: "sip:bob@example.com",
    headers: [
      ["Via", "SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKa"],
      ["To", "<sip:bob@example.com>"],
      ["From", "<sip:alice@example.com>;tag=1"],
      ["Call-ID", "c1"],
      ["CSeq", "1 INVITE"],
      ...fields,
      ["Max-Forwards", "70"],
    ],
  })

/** The request as the runtime hands it over, when its bytes parse. */
const parsed = (built: Request): Request | undefined => {
  const result = parseMessage(serializeMessage(built))
  return result._tag === "Ok" && result.value._tag === "Request" ? result.value : undefined
}

describe("readers", () => {
  it("hasValue answers getHeaderValues(…).length > 0, for any Contact fields (built and parsed)", () => {
    fc.assert(
      fc.property(arbFields, (fields) => {
        const built = request(fields)
        for (const message of [built, parsed(built)]) {
          if (message === undefined) continue
          expect(hasValue(message, "Contact")).toBe(getHeaderValues(message, "Contact").length > 0)
          expect(hasValue(message, "m")).toBe(getHeaderValues(message, "m").length > 0)
        }
      }),
      { numRuns: 300 },
    )
  })

  it("hasValue: a field of commas and white space only has no value; the later fields decide", () => {
    expect(hasValue(request([["Contact", " , ,\t"]]), "Contact")).toBe(false)
    expect(hasValue(request([["m", "\u00a0,"]]), "Contact")).toBe(false)
    expect(
      hasValue(
        request([
          ["Contact", ","],
          ["m", "<sip:a@b>"],
        ]),
        "Contact",
      ),
    ).toBe(true)
    expect(
      hasValue(
        request([
          ["Contact", '"'],
          ["X", "y"],
        ]),
        "Contact",
      ),
    ).toBe(true)
    expect(hasValue(request([]), "Contact")).toBe(false)
  })

  it("isToken answers the §25.1 token pattern", () => {
    const token = /^[A-Za-z0-9\-.!%*_+`'~]+$/
    const arbText = fc.string({
      maxLength: 6,
      unit: fc.oneof(
        fc.constantFrom(..."-.!%*_+`'~azAZ09@[`{/:\"; \u0130\u212a\u00e9"),
        fc.integer({ min: 0, max: 0x17f }).map((c) => String.fromCharCode(c)),
      ),
    })
    fc.assert(
      fc.property(arbText, (text) => {
        expect(isToken(text)).toBe(token.test(text))
      }),
      { numRuns: 500 },
    )
    expect([isToken(""), isToken("a b"), isToken("n1.2"), isToken("K\u212a")]).toEqual([
      false,
      false,
      true,
      false,
    ])
  })
})
