import { describe, expect, it } from "vitest"
import { parseUri, printUri, type Uri, uriEquals } from "../../src/index.js"
import { unwrap, unwrapErr } from "../helpers.js"

const u = (text: string): Uri => unwrap(parseUri(text))

describe("parseUri / printUri", () => {
  it("parses every component of a SIP URI and prints it back", () => {
    const text = "sips:alice:secret@atlanta.com:5061;transport=tcp;lr?subject=project%20x&priority=urgent"
    expect(u(text)).toEqual({
      _tag: "SipUri",
      scheme: "sips",
      user: "alice",
      password: "secret",
      host: "atlanta.com",
      port: 5061,
      params: [
        { name: "transport", value: "tcp" },
        { name: "lr", value: undefined },
      ],
      headers: [
        { name: "subject", value: "project%20x" },
        { name: "priority", value: "urgent" },
      ],
    })
    expect(printUri(u(text))).toBe(text)
  })

  it("handles IPv6 references, ';' in the user part, and tel user parts", () => {
    expect(u("sip:[2001:db8::10]:5070")).toMatchObject({ host: "[2001:db8::10]", port: 5070 })
    expect(u("sip:user;par=u%40example.net@example.com")).toMatchObject({
      user: "user;par=u%40example.net",
      host: "example.com",
    })
    expect(u("sip:+1-212-555-1212:1234@gateway.com;user=phone")).toMatchObject({
      user: "+1-212-555-1212",
      password: "1234",
    })
  })

  it("parses tel URIs (RFC 3966) and keeps other schemes opaque", () => {
    expect(u("tel:+1-201-555-0123;ext=1")).toEqual({
      _tag: "TelUri",
      number: "+1-201-555-0123",
      params: [{ name: "ext", value: "1" }],
    })
    expect(u("tel:7042;phone-context=example.com")._tag).toBe("TelUri")
    expect(unwrapErr(parseUri("tel:7042")).header).toBe("uri")
    expect(u("urn:service:sos")).toEqual({ _tag: "AbsoluteUri", scheme: "urn", text: "urn:service:sos" })
    expect(printUri(u("mailto:a@b"))).toBe("mailto:a@b")
  })

  it("rejects escapes where the grammar has none, and malformed parts", () => {
    for (const bad of [
      "sip:",
      "sip:a@",
      "sip:@host",
      "sip:host:port",
      "sip:ho%41st",
      "sip:a%4@host",
      "sip:a@b;",
      "nosc",
      "<sip:a@b>",
      "sip:a b@c",
    ])
      expect(unwrapErr(parseUri(bad))._tag).toBe("HeaderError")
  })
})

describe("host (§25.1: hostname / IPv4address / IPv6reference)", () => {
  it.each([
    "example.com",
    "example.com.",
    "3com.com",
    "a",
    "a1-b.example",
    "host_name.example.com",
    "192.0.2.1",
    "255.255.255.255",
    "[2001:db8::1]",
  ])("accepts %s", (host) => {
    expect(u(`sip:alice@${host}:5060`)).toMatchObject({ host, port: 5060 })
  })

  it.each([
    ["1", "a last label that starts with a digit is an IPv4address: four of them"],
    ["127.1", "inet_aton would read 127.0.0.1"],
    ["10.0.0", "three octets"],
    ["1.2.3.4.5", "five octets"],
    ["256.0.0.1", "an octet above 255"],
    ["1.2.3.1234", "four digits"],
    ["192.0.2.1.", "an IPv4address has no trailing dot"],
    ["-a.example.com", "a label starting with -"],
    ["a-.example.com", "a label ending with -"],
    ["a..example.com", "an empty label"],
    [".example.com", "an empty first label"],
  ])("refuses %s (%s)", (host) => {
    expect(unwrapErr(parseUri(`sip:alice@${host}`)).reason).toBe(`invalid host ${JSON.stringify(host)}`)
  })
})

describe("uriEquals (§19.1.4)", () => {
  const eq = (a: string, b: string): boolean => uriEquals(u(a), u(b))
  it("matches the equivalent URIs of §19.1.4", () => {
    expect(eq("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp")).toBe(true)
    expect(eq("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5")).toBe(true)
    expect(eq("sip:carol@chicago.com", "sip:carol@chicago.com;security=on")).toBe(true)
    expect(eq("sip:carol@chicago.com;security=on;lr", "sip:carol@chicago.com;lr;security=on")).toBe(true)
    expect(
      eq(
        "sip:alice@atlanta.com?subject=project%20x&priority=urgent",
        "sip:alice@atlanta.com?priority=urgent&subject=project%20x",
      ),
    ).toBe(true)
    expect(eq("tel:+1-201-555-0123", "tel:+1.201.555.0123")).toBe(true)
  })

  it("distinguishes the non-equivalent URIs of §19.1.4", () => {
    expect(eq("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP")).toBe(false)
    expect(eq("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060")).toBe(false)
    expect(eq("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp")).toBe(false)
    expect(eq("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp")).toBe(false)
    expect(eq("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting")).toBe(false)
    expect(eq("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4")).toBe(false)
    expect(eq("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off")).toBe(false)
    expect(eq("sip:a@b", "sips:a@b")).toBe(false)
    expect(eq("sip:a@b", "tel:+1")).toBe(false)
  })
})
