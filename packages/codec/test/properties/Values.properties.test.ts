import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type NameAddr,
  parseCSeq,
  parseEvent,
  parseMediaType,
  parseNameAddr,
  parseTokenList,
  parseUri,
  parseVia,
  parseWarning,
  printCSeq,
  printEvent,
  printMediaType,
  printNameAddr,
  printTokenList,
  printUri,
  printVia,
  printWarning,
  uriEquals,
  type Via,
} from "../../src/index.js"
import { unwrap } from "../helpers.js"
import { headerParams, headerValue, host, sipUri, telUri, token } from "./arbitraries.js"

describe("URIs", () => {
  it("parseUri ∘ printUri is the identity on SIP and tel URIs", () => {
    fc.assert(
      fc.property(fc.oneof(sipUri, telUri), (u) => {
        expect(unwrap(parseUri(printUri(u)))).toEqual(u)
      }),
      { numRuns: 300 },
    )
  })
  it("uriEquals is reflexive and symmetric", () => {
    fc.assert(
      fc.property(sipUri, sipUri, (a, b) => {
        expect(uriEquals(a, a)).toBe(true)
        expect(uriEquals(a, b)).toBe(uriEquals(b, a))
      }),
      { numRuns: 500 },
    )
  })
})

const via: fc.Arbitrary<Via> = fc.record({
  protocol: fc.constant("SIP/2.0"),
  transport: fc.constantFrom("UDP", "TCP", "TLS", "SCTP", "WS", "WSS", "X-NEW"),
  host,
  port: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
  params: headerParams,
})

const displayName = fc.option(
  fc.oneof(
    fc.array(token, { minLength: 1, maxLength: 3 }).map((w) => w.join(" ")),
    headerValue,
  ),
  { nil: undefined },
)

const nameAddr: fc.Arbitrary<NameAddr> = fc
  .record({ displayName, uri: sipUri.map(printUri), bracketed: fc.boolean(), params: headerParams })
  .map((n) => ({ ...n, bracketed: n.bracketed || n.displayName !== undefined || /[;,?]/.test(n.uri) }))

describe("typed headers: parse ∘ print is the identity", () => {
  const law = <A>(arb: fc.Arbitrary<A>, print: (a: A) => string, parse: (s: string) => { _tag: string }) =>
    fc.assert(
      fc.property(arb, (a) => {
        expect(unwrap(parse(print(a)) as never)).toEqual(a)
      }),
      { numRuns: 200 },
    )

  it("Via", () => law(via, printVia, parseVia))
  it("name-addr", () => law(nameAddr, printNameAddr, (s) => parseNameAddr(s)))
  it("CSeq", () =>
    law(fc.record({ seq: fc.integer({ min: 0, max: 0xffffffff }), method: token }), printCSeq, parseCSeq))
  it("media type", () =>
    law(fc.record({ type: token, subtype: token, params: headerParams }), printMediaType, (s) =>
      parseMediaType(s),
    ))
  it("Event", () => law(fc.record({ type: token, params: headerParams }), printEvent, parseEvent))
  it("token lists", () => law(fc.array(token, { maxLength: 5 }), printTokenList, (s) => parseTokenList(s)))
  it("Warning", () =>
    law(
      fc.record({ code: fc.integer({ min: 300, max: 399 }), agent: token, text: headerValue }),
      printWarning,
      parseWarning,
    ))
})
