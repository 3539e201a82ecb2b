/**
 * RFC 4475 — SIP torture test messages. Each fixture is the exact bytes of the RFC's message (provenance and the
 * expected outcome of each: fixtures/rfc4475/README.md). Valid messages parse and validate to the right field
 * values; invalid ones give the status the RFC expects, from the parser or from `validateRequest`/`validateResponse`.
 */
import { describe, expect, it } from "vitest"
import {
  getCallId,
  getContacts,
  getContentType,
  getCSeq,
  getFrom,
  getHeader,
  getHeaderValues,
  getMaxForwards,
  getProxyRequire,
  getRequire,
  getTag,
  getTo,
  getTopVia,
  getVias,
  isRequest,
  isResponse,
  type NameAddr,
  parseMessage,
  parseUri,
  type Request,
  type Response,
  type SipMessage,
  type SipUri,
  serializeMessage,
  uriEquals,
  validateRequest,
  validateResponse,
  viaBranch,
} from "../../src/index.js"
import { unwrap, unwrapErr } from "../helpers.js"
import { torture, tortureNames } from "./fixtures.js"

const parse = (name: string): SipMessage => unwrap(parseMessage(torture(name)))
const request = (name: string): Request => {
  const m = parse(name)
  if (!isRequest(m)) return expect.fail(`${name} is not a request`)
  return m
}
const response = (name: string): Response => {
  const m = parse(name)
  if (!isResponse(m)) return expect.fail(`${name} is not a response`)
  return m
}
const valid = (name: string): Request => {
  const r = request(name)
  unwrap(validateRequest(r))
  return r
}
const sipUri = (text: string): SipUri => {
  const u = unwrap(parseUri(text))
  if (u._tag !== "SipUri") return expect.fail(`${text} is not a SIP URI`)
  return u
}
const contacts = (m: SipMessage): ReadonlyArray<NameAddr> => {
  const c = unwrap(getContacts(m))
  if (c === "*") return expect.fail("Contact: *")
  return c
}
const text = (b: Uint8Array): string => new TextDecoder().decode(b)

describe("RFC 4475 §3.1.1 valid messages", () => {
  it("3.1.1.1 wsinv: a short tortuous INVITE", () => {
    const m = valid("wsinv")
    expect(m.method).toBe("INVITE")
    expect(m.uri).toBe("sip:vivekg@chair-dnrc.example.com;unknownparam")
    expect(getTag(unwrap(getTo(m)))).toBe("1918181833n")
    const from = unwrap(getFrom(m))
    expect(from.displayName).toBe('J Rosenberg \\"')
    expect(getTag(from)).toBe("98asjd8")
    expect(unwrap(getMaxForwards(m))).toBe(68)
    expect(unwrap(getCSeq(m))).toEqual({ seq: 9, method: "INVITE" })
    expect(unwrap(getVias(m)).map((v) => [v.transport, v.host, viaBranch(v)])).toEqual([
      ["UDP", "192.0.2.2", "390skdjuw"],
      ["TCP", "spindle.example.com", "z9hG4bK9ikj8"],
      ["UDP", "192.168.255.111", "z9hG4bK30239"],
    ])
    expect(getHeader(m, "s")).toBe("")
    expect(getHeader(m, "NewFangledHeader")).toBe("newfangled value continued newfangled value")
    expect(getHeader(m, "UnknownHeaderWithUnusualValue")).toBe(";;,,;;,;")
    const [contact] = contacts(m)
    expect(contact?.displayName).toBe('Quoted string ""')
    expect(contact?.params).toEqual([
      { name: "newparam", value: "newvalue" },
      { name: "secondparam", value: undefined },
      { name: "q", value: "0.33" },
    ])
    expect(m.body.length).toBe(150)
    expect(serializeMessage(m)).toEqual(torture("wsinv"))
  })

  it("3.1.1.2 intmeth: wide range of valid characters", () => {
    const m = valid("intmeth")
    expect(m.method).toBe("!interesting-Method0123456789_*+`.%indeed'~")
    expect(sipUri(m.uri)).toMatchObject({
      user: "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*",
      password: "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)",
      host: "example.com",
    })
    expect(unwrap(getTo(m)).displayName).toBe("BEL:\x07 NUL:\x00 DEL:\x7F")
    const from = unwrap(getFrom(m))
    expect(from.displayName).toBe("token1~` token2'+_ token3*%!.-")
    expect(from.params).toEqual([
      { name: "fromParam''~+*_!.-%", value: '"работающий"' },
      { name: "tag", value: "_token~1'+`*%!-." },
    ])
    expect(unwrap(getCallId(m))).toBe("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{")
    expect(unwrap(getMaxForwards(m))).toBe(255)
    expect(getHeader(m, "extensionHeader-!.%*+_`'~")).toBe("\uFEFF大停電")
  })

  it("3.1.1.3 esc01: valid use of the % escaping mechanism", () => {
    const m = valid("esc01")
    expect(sipUri(m.uri)).toMatchObject({ user: "sips%3Auser%40example.com", host: "example.net" })
    const to = unwrap(parseUri(unwrap(getTo(m)).uri))
    expect(uriEquals(to, unwrap(parseUri("sip:user@example.com")))).toBe(true)
    expect(sipUri(unwrap(getFrom(m)).uri).user).toBe("I%20have%20spaces")
    const c = sipUri(contacts(m)[0]?.uri ?? "")
    expect(c.params).toEqual([
      { name: "%6C%72", value: undefined },
      { name: "n%61me", value: "v%61lue%25%34%31" },
    ])
    expect(uriEquals(c, unwrap(parseUri("sip:caller@host5.example.net;lr;name=value%2541")))).toBe(true)
  })

  it("3.1.1.4 escnull: escaped nulls in URIs", () => {
    const m = valid("escnull")
    expect(sipUri(unwrap(getTo(m)).uri).user).toBe("null-%00-null")
    expect(contacts(m).map((c) => sipUri(c.uri).user)).toEqual(["%00", "%00%00"])
  })

  it("3.1.1.5 esc02: % that is not an escape", () => {
    const m = valid("esc02")
    expect(m.method).toBe("RE%47IST%45R")
    expect(unwrap(getCSeq(m)).method).toBe("RE%47IST%45R")
    expect(unwrap(getTo(m)).displayName).toBe("%Z%45")
    expect(viaBranch(unwrap(getTopVia(m)))).toBe("z9hG4bK209%fzsnel234")
    expect(contacts(m).map((c) => c.uri)).toEqual([
      "sip:alias1@host1.example.com",
      "sip:alias3@host3.example.com",
    ])
    expect(getHeader(m, "C%6Fntact")).toBe("<sip:alias2@host2.example.com>")
  })

  it("3.1.1.6 lwsdisp: no LWS between display name and <", () => {
    const m = valid("lwsdisp")
    expect(unwrap(getFrom(m))).toMatchObject({ displayName: "caller", uri: "sip:caller@example.com" })
  })

  it("3.1.1.7 longreq: long values in header fields", () => {
    const m = valid("longreq")
    expect(unwrap(getTo(m)).displayName).toMatch(/^I have a user name of (extreme){10} proportion$/)
    const vias = unwrap(getVias(m))
    expect(vias.length).toBe(34)
    expect(vias[0]?.host).toBe("sip33.example.com")
    expect(viaBranch(vias[33]!)).toMatch(/^very(long){50}branchvalue$/)
    expect(getTag(unwrap(getFrom(m)))).toMatch(/^12(982){45}424$/)
    expect(m.body.length).toBe(150)
  })

  it("3.1.1.8 dblreq: extra trailing octets in a UDP datagram are ignored", () => {
    const m = valid("dblreq")
    expect(m.method).toBe("REGISTER")
    expect(m.body.length).toBe(0)
    const wire = text(serializeMessage(m))
    expect(wire.endsWith("Content-Length: 0\r\n\r\n")).toBe(true)
    expect(wire).not.toContain("INVITE")
  })

  it("3.1.1.9 semiuri: semicolon-separated parameters in the URI user part", () => {
    const m = valid("semiuri")
    expect(sipUri(m.uri)).toMatchObject({ user: "user;par=u%40example.net", host: "example.com", params: [] })
    expect(getHeaderValues(m, "accept")).toEqual([
      "application/sdp",
      "application/pkcs7-mime",
      "multipart/mixed",
      "multipart/signed",
      "message/sip",
      "message/sipfrag",
    ])
  })

  it("3.1.1.10 transports: varied and unknown transport types", () => {
    const m = valid("transports")
    expect(unwrap(getVias(m)).map((v) => v.transport)).toEqual(["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"])
  })

  it("3.1.1.11 mpart01: multipart MIME message with a binary body", () => {
    const m = valid("mpart01")
    expect(m.body.length).toBe(553)
    const ct = unwrap(getContentType(m))
    expect(ct).toEqual({
      type: "multipart",
      subtype: "mixed",
      params: [{ name: "boundary", value: "7a9cbec02ceef655" }],
    })
    expect(serializeMessage(m)).toEqual(torture("mpart01"))
    const rebuilt = serializeMessage({ ...m })
    expect(rebuilt).toEqual(torture("mpart01"))
  })

  it("3.1.1.12 unreason: unusual reason phrase", () => {
    const m = response("unreason")
    expect(m.status).toBe(200)
    expect(m.reason).toBe("= 2**3 * 5**2 но сто девяносто девять - простое")
    unwrap(validateResponse(m))
    expect(m.body.length).toBe(154)
  })

  it("3.1.1.13 noreason: empty reason phrase", () => {
    const m = response("noreason")
    expect([m.status, m.reason]).toEqual([100, ""])
    unwrap(validateResponse(m))
  })
})

/** Invalid messages: where the fault is found and the status to answer (RFC 4475 §3.1.2, §3.3). */
const invalid: ReadonlyArray<
  readonly [name: string, section: string, stage: "parse" | "validate", status: number]
> = [
  ["badinv01", "3.1.2.1 extraneous header field separators", "validate", 400],
  ["clerr", "3.1.2.2 Content-Length larger than message", "parse", 400],
  ["ncl", "3.1.2.3 negative Content-Length", "parse", 400],
  ["scalar02", "3.1.2.4 request scalar fields with overlarge values", "validate", 400],
  ["scalarlg", "3.1.2.5 response scalar fields with overlarge values", "validate", 400],
  ["quotbal", "3.1.2.6 unterminated quoted string in display name", "validate", 400],
  ["ltgtruri", "3.1.2.7 <> enclosing Request-URI", "parse", 400],
  ["lwsruri", "3.1.2.8 malformed SIP Request-URI (embedded LWS)", "parse", 400],
  ["lwsstart", "3.1.2.9 multiple SP separating Request-Line elements", "parse", 400],
  ["trws", "3.1.2.10 SP characters at end of Request-Line", "parse", 400],
  ["escruri", "3.1.2.11 escaped headers in SIP Request-URI", "validate", 400],
  ["regbadct", "3.1.2.13 failure to enclose name-addr URI in <>", "validate", 400],
  ["badaspec", "3.1.2.14 spaces within addr-spec", "validate", 400],
  ["baddn", "3.1.2.15 non-token characters in display name", "validate", 400],
  ["badvers", "3.1.2.16 unknown protocol version", "parse", 505],
  ["mismatch01", "3.1.2.17 start line and CSeq method mismatch", "validate", 400],
  ["mismatch02", "3.1.2.18 unknown method with CSeq method mismatch", "validate", 400],
  ["bigcode", "3.1.2.19 overlarge response code", "parse", 400],
  ["insuf", "3.3.1 missing required header fields", "validate", 400],
  ["unkscm", "3.3.2 Request-URI with unknown scheme", "validate", 416],
  ["novelsc", "3.3.3 Request-URI with known but atypical scheme", "validate", 416],
  ["multi01", "3.3.8 multiple values in single value required fields", "validate", 400],
  ["mcl01", "3.3.9 multiple Content-Length values", "parse", 400],
]

describe("RFC 4475 §3.1.2 and §3.3 invalid messages", () => {
  for (const [name, section, stage, status] of invalid)
    it(`${section} (${name}) → ${status} at ${stage}`, () => {
      const parsed = parseMessage(torture(name))
      if (stage === "parse") {
        expect(unwrapErr(parsed)).toMatchObject({ _tag: "ParseError", status })
        return
      }
      const m = unwrap(parsed)
      const fault = isRequest(m) ? unwrapErr(validateRequest(m)) : unwrapErr(validateResponse(m))
      expect(fault).toMatchObject({ _tag: "HeaderError", status })
    })

  it("names the faulty header", () => {
    const header = (name: string): string => {
      const m = request(name)
      return unwrapErr(validateRequest(m)).header
    }
    expect(header("badinv01")).toBe("via")
    expect(header("scalar02")).toBe("cseq")
    expect(header("quotbal")).toBe("to")
    expect(header("escruri")).toBe("uri")
    expect(header("regbadct")).toBe("contact")
    expect(header("badaspec")).toBe("to")
    expect(header("baddn")).toBe("from")
    expect(header("mismatch01")).toBe("cseq")
    expect(header("multi01")).toBe("cseq")
    expect(unwrapErr(validateResponse(response("scalarlg"))).header).toBe("cseq")
  })
})

describe("RFC 4475 messages that parse and validate, for the layer above to judge", () => {
  it("3.1.2.12 baddate: a non-GMT Date is kept raw (the codec does not interpret Date)", () => {
    expect(getHeader(valid("baddate"), "date")).toBe("Fri, 01 Jan 2010 16:00:00 EST")
  })
  it("3.2.1 badbranch: a branch that is only the magic cookie", () => {
    expect(viaBranch(unwrap(getTopVia(valid("badbranch"))))).toBe("z9hG4bK")
  })
  it("3.3.4 unksm2: unknown URI schemes in header fields", () => {
    const m = valid("unksm2")
    expect(unwrap(getTo(m)).uri).toBe("isbn:2983792873")
    expect(unwrap(parseUri(unwrap(getFrom(m)).uri))._tag).toBe("AbsoluteUri")
    expect(contacts(m)[0]?.uri).toBe("name:John_Smith")
  })
  it("3.3.5 bext01: Require and Proxy-Require (420 is the UAS's answer)", () => {
    const m = valid("bext01")
    expect(unwrap(getRequire(m))).toEqual(["nothingSupportsThis", "nothingSupportsThisEither"])
    expect(unwrap(getProxyRequire(m))).toEqual(["noProxiesSupportThis", "norDoAnyProxiesSupportThis"])
  })
  it("3.3.6 invut: unknown Content-Type (415 is the UAS's answer)", () => {
    const m = valid("invut")
    expect(unwrap(getContentType(m))).toMatchObject({ type: "application", subtype: "unknownformat" })
    expect(text(m.body)).toBe('<audio>\r\n <pcmu port="443"/>\r\n</audio>\r\n')
  })
  it("3.3.7 regaut01: unknown authorization scheme is kept raw", () => {
    expect(getHeader(valid("regaut01"), "authorization")).toBe("NoOneKnowsThisScheme opaque-data=here")
  })
  it("3.3.10 bcast: a 200 OK with a broadcast Via", () => {
    const m = response("bcast")
    unwrap(validateResponse(m))
    expect(unwrap(getVias(m))[1]?.host).toBe("255.255.255.255")
  })
  it("3.3.11 zeromf: Max-Forwards of zero", () => {
    expect(unwrap(getMaxForwards(valid("zeromf")))).toBe(0)
  })
  it("3.3.12 cparam01: a Contact header parameter (addr-spec form)", () => {
    const [c] = contacts(valid("cparam01"))
    expect(c).toMatchObject({ uri: "sip:+19725552222@gw1.example.net", params: [{ name: "unknownparam" }] })
  })
  it("3.3.13 cparam02: a Contact URI parameter (name-addr form)", () => {
    const [c] = contacts(valid("cparam02"))
    expect(c?.params).toEqual([])
    expect(sipUri(c?.uri ?? "").params).toEqual([{ name: "unknownparam", value: undefined }])
  })
  it("3.3.14 regescrt: a REGISTER with an escaped header in a Contact URI", () => {
    const [c] = contacts(valid("regescrt"))
    expect(sipUri(c?.uri ?? "").headers).toEqual([{ name: "Route", value: "%3Csip:sip.example.com%3E" }])
  })
  it("3.3.15 sdp01: an INVITE whose Accept excludes SDP (406 is the UAS's answer)", () => {
    expect(getHeader(valid("sdp01"), "accept")).toBe("text/nobodyKnowsThis")
  })
  it("3.4.1 inv2543: an RFC 2543 INVITE (no branch, no Max-Forwards, no Content-Length)", () => {
    const m = valid("inv2543")
    expect(viaBranch(unwrap(getTopVia(m)))).toBeUndefined()
    expect(unwrap(getMaxForwards(m))).toBeUndefined()
    expect(text(m.body).startsWith("v=0\r\n")).toBe(true)
    expect(m.body.length).toBe(105)
  })
})

describe("every fixture", () => {
  it("has an expectation above and round-trips when it parses", () => {
    const covered = new Set([
      ...invalid.map(([n]) => n),
      ..."wsinv intmeth esc01 escnull esc02 lwsdisp longreq dblreq semiuri transports mpart01 unreason noreason baddate badbranch unksm2 bext01 invut regaut01 bcast zeromf cparam01 cparam02 regescrt sdp01 inv2543".split(
        " ",
      ),
    ])
    for (const name of tortureNames()) {
      expect(covered.has(name), name).toBe(true)
      const bytes = torture(name)
      const r = parseMessage(bytes)
      if (r._tag === "Err") continue
      const again = parseMessage(serializeMessage({ ...r.value }))
      expect(unwrap(again).headers).toEqual(r.value.headers)
    }
  })
})
