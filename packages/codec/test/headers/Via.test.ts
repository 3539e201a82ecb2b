import { describe, expect, it } from "vitest"
import {
  getTopVia,
  getVias,
  parseMessage,
  parseVia,
  printVia,
  viaBranch,
  viaMaddr,
  viaReceived,
  viaRport,
  viaTtl,
} from "../../src/index.js"
import { crlf, unwrap, unwrapErr } from "../helpers.js"

describe("Via", () => {
  it("parses sent-protocol, sent-by and the §18.2.1 parameters", () => {
    const v = unwrap(
      parseVia("SIP/2.0/udp pc33.atlanta.com:5066;branch=z9hG4bK77;received=192.0.2.1;rport=5070"),
    )
    expect(v).toEqual({
      protocol: "SIP/2.0",
      transport: "UDP",
      host: "pc33.atlanta.com",
      port: 5066,
      params: [
        { name: "branch", value: "z9hG4bK77" },
        { name: "received", value: "192.0.2.1" },
        { name: "rport", value: "5070" },
      ],
    })
    expect([viaBranch(v), viaReceived(v), viaRport(v)]).toEqual(["z9hG4bK77", "192.0.2.1", "5070"])
    const m = unwrap(parseVia("SIP/2.0/UDP 224.2.0.1;maddr=224.2.0.1;ttl=16;rport"))
    expect([viaMaddr(m), viaTtl(m), viaRport(m), viaBranch(m)]).toEqual(["224.2.0.1", "16", "", undefined])
  })

  it("accepts LWS around the slashes and parameters, and IPv6 references", () => {
    const v = unwrap(
      parseVia("SIP  /   2.0 /UDP   [2001:db8::9:1]:5060 ; branch = z9hG4bKx ;received=[2001:db8::9:255]"),
    )
    expect(v.host).toBe("[2001:db8::9:1]")
    expect(v.port).toBe(5060)
    expect(viaBranch(v)).toBe("z9hG4bKx")
    expect(viaReceived(v)).toBe("[2001:db8::9:255]")
    expect(printVia(v)).toBe("SIP/2.0/UDP [2001:db8::9:1]:5060;branch=z9hG4bKx;received=[2001:db8::9:255]")
  })

  it("rejects malformed values", () => {
    for (const bad of [
      "",
      "SIP/2.0/UDP",
      "SIP/2.0 host",
      "SIP/2.0/UDP host:99999",
      "SIP/2.0/UDP ho st",
      "SIP/2.0/UDP h;=x",
    ])
      expect(unwrapErr(parseVia(bad))).toMatchObject({ _tag: "HeaderError", header: "via", status: 400 })
  })

  it("reads the top Via and every Via of a message", () => {
    const msg = unwrap(
      parseMessage(
        crlf(
          "SIP/2.0 200 OK",
          "v: SIP/2.0/TCP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2",
          "Via: SIP/2.0/WSS c",
        ),
      ),
    )
    expect(viaBranch(unwrap(getTopVia(msg)))).toBe("z9hG4bK1")
    expect(unwrap(getVias(msg)).map((v) => `${v.transport} ${v.host}`)).toEqual(["TCP a", "UDP b", "WSS c"])
    expect(unwrapErr(getTopVia(unwrap(parseMessage(crlf("SIP/2.0 200 OK"))))).header).toBe("via")
  })
})
