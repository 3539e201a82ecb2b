import { describe, expect, it } from "vitest"
import {
  getContacts,
  getFrom,
  getRecordRoutes,
  getRoutes,
  getTag,
  getTo,
  parseMessage,
  parseNameAddr,
  printNameAddr,
} from "../../src/index.js"
import { crlf, unwrap, unwrapErr } from "../helpers.js"

describe("name-addr / addr-spec", () => {
  it("parses quoted display names with quoted-pairs", () => {
    const na = unwrap(parseNameAddr('"Bob \\"B\\" \\\\ Smith" <sip:bob@biloxi.com>;tag=a6c85cf'))
    expect(na).toEqual({
      displayName: 'Bob "B" \\ Smith',
      uri: "sip:bob@biloxi.com",
      bracketed: true,
      params: [{ name: "tag", value: "a6c85cf" }],
    })
    expect(printNameAddr(na)).toBe('"Bob \\"B\\" \\\\ Smith" <sip:bob@biloxi.com>;tag=a6c85cf')
  })

  it("parses token display names, with or without space before <", () => {
    expect(unwrap(parseNameAddr("Bob Smith <sip:b@x>")).displayName).toBe("Bob Smith")
    expect(unwrap(parseNameAddr("caller<sip:caller@example.com>;tag=323")).displayName).toBe("caller")
    expect(unwrap(parseNameAddr("<sip:b@x>")).displayName).toBeUndefined()
  })

  it("gives addr-spec parameters to the header, not the URI (§20)", () => {
    const na = unwrap(parseNameAddr("sip:alice@atlanta.com;tag=88sja8x"))
    expect(na).toEqual({
      displayName: undefined,
      uri: "sip:alice@atlanta.com",
      bracketed: false,
      params: [{ name: "tag", value: "88sja8x" }],
    })
    expect(getTag(na)).toBe("88sja8x")
    expect(printNameAddr(na)).toBe("sip:alice@atlanta.com;tag=88sja8x")
    const inner = unwrap(parseNameAddr("<sip:a@b;transport=tcp>;expires=60"))
    expect(inner.uri).toBe("sip:a@b;transport=tcp")
    expect(inner.params).toEqual([{ name: "expires", value: "60" }])
  })

  it("rejects malformed values", () => {
    for (const bad of ['"unterminated <sip:a@b>', "<sip:a@b", "Bob <>", "no-scheme", '"x" sip:a@b'])
      expect(unwrapErr(parseNameAddr(bad))._tag).toBe("HeaderError")
  })
})

describe("message getters", () => {
  const m = unwrap(
    parseMessage(
      crlf(
        "INVITE sip:b@x SIP/2.0",
        "f: Alice <sip:a@x>;tag=1",
        "t: <sip:b@x>",
        "m: <sip:a@1.2.3.4>;expires=60, sip:a@5.6.7.8",
        "Route: <sip:p1;lr>",
        "Route: <sip:p2;lr>, <sip:p3;lr>",
        "Record-Route: <sip:r1;lr>",
      ),
    ),
  )

  it("reads From, To, Contact, Route and Record-Route", () => {
    expect(getTag(unwrap(getFrom(m)))).toBe("1")
    expect(getTag(unwrap(getTo(m)))).toBe(undefined)
    const contacts = unwrap(getContacts(m))
    expect(contacts !== "*" && contacts.map((c) => c.uri)).toEqual(["sip:a@1.2.3.4", "sip:a@5.6.7.8"])
    expect(unwrap(getRoutes(m)).map((r) => r.uri)).toEqual(["sip:p1;lr", "sip:p2;lr", "sip:p3;lr"])
    expect(unwrap(getRecordRoutes(m)).map((r) => r.uri)).toEqual(["sip:r1;lr"])
    // read again: joining several fields never changes the list remembered for the first one
    expect(unwrap(getRoutes(m)).map((r) => r.uri)).toEqual(["sip:p1;lr", "sip:p2;lr", "sip:p3;lr"])
    expect(unwrap(getRecordRoutes(m))).toBe(unwrap(getRecordRoutes(m)))
  })

  it("reads Contact: * and rejects * mixed with contacts", () => {
    expect(unwrap(getContacts(unwrap(parseMessage(crlf("REGISTER sip:x SIP/2.0", "Contact: *")))))).toBe("*")
    expect(
      unwrapErr(getContacts(unwrap(parseMessage(crlf("REGISTER sip:x SIP/2.0", "Contact: *, <sip:a@b>")))))
        .header,
    ).toBe("contact")
    expect(unwrap(getContacts(unwrap(parseMessage(crlf("REGISTER sip:x SIP/2.0")))))).toEqual([])
  })

  it("reports a missing From", () => {
    expect(unwrapErr(getFrom(unwrap(parseMessage(crlf("OPTIONS sip:x SIP/2.0"))))).header).toBe("from")
  })
})
