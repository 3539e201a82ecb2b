import { getHeader, getTopVia, makeRequest, type Request, viaReceived, viaRport } from "@sipkit/codec"
import { describe, expect, it } from "vitest"
import type { PeerAddress } from "../src/Address.js"
import { makeVia, mtuLimit, responseRoute, stampReceived, transportForSize, withVia } from "../src/Routing.js"

const request = (via: string): Request =>
  makeRequest({
    method: "OPTIONS",
    uri: "sip:bob@example.com",
    headers: [
      ["Via", via],
      ["Via", "SIP/2.0/UDP proxy.example.com;branch=z9hG4bKold"],
      ["From", "<sip:a@x>;tag=1"],
      ["To", "<sip:b@y>"],
      ["Call-ID", "c"],
      ["CSeq", "1 OPTIONS"],
      ["Max-Forwards", "70"],
    ],
  })
const udp = (host: string, port: number): PeerAddress => ({ transport: "UDP", host, port })
const top = (r: Request) => {
  const v = getTopVia(r)
  if (v._tag === "Err") throw new Error("no via")
  return v.value
}
const stamp = (r: Request, source: PeerAddress) => {
  const s = stampReceived(r, source)
  if (s._tag === "Err") throw new Error("stamp failed")
  return s.value
}

describe("§18.2.1 received / RFC 3581 rport", () => {
  it("adds received when sent-by is a name or another address; leaves a matching IP alone", () => {
    expect(
      viaReceived(
        top(stamp(request("SIP/2.0/UDP pc.example.com:5060;branch=z9hG4bK1"), udp("192.0.2.1", 5060))),
      ),
    ).toBe("192.0.2.1")
    const same = request("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1")
    expect(stamp(same, udp("192.0.2.1", 5060))).toBe(same)
  })

  it("fills an empty rport with the source port and adds received even for a matching IP (RFC 3581 §4)", () => {
    const r = stamp(request("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;rport"), udp("192.0.2.1", 40000))
    expect(viaRport(top(r))).toBe("40000")
    expect(viaReceived(top(r))).toBe("192.0.2.1")
    // only the top Via changes; the second one is kept as it was
    expect(r.headers.filter((h) => h.name === "Via").map((h) => h.value)[1]).toBe(
      "SIP/2.0/UDP proxy.example.com;branch=z9hG4bKold",
    )
  })
})

describe("§18.2.2 where a response goes", () => {
  const route = (via: string, source = udp("192.0.2.1", 40000), connection?: string) => {
    const r = responseRoute(stamp(request(via), source), source, connection)
    if (r._tag === "Err") throw new Error("no route")
    return r.value
  }
  it("reliable: the connection it came on", () => {
    const source = { transport: "TCP" as const, host: "192.0.2.1", port: 40000 }
    expect(route("SIP/2.0/TCP pc.example.com:5060;branch=z9hG4bK1", source, "tcp-1")).toEqual({
      transport: "TCP",
      host: "192.0.2.1",
      port: 5060,
      connection: "tcp-1",
    })
  })
  it("maddr: that address, sent-by port (or 5060)", () => {
    expect(route("SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1;maddr=239.255.255.1")).toEqual({
      transport: "UDP",
      host: "239.255.255.1",
      port: 5060,
      connection: undefined,
    })
  })
  it("rport: the source address and port (RFC 3581 §4)", () => {
    expect(route("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;rport")).toEqual({
      transport: "UDP",
      host: "192.0.2.1",
      port: 40000,
      connection: undefined,
    })
  })
  it("otherwise: received (or sent-by host) and the sent-by port", () => {
    expect(route("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK1")).toEqual({
      transport: "UDP",
      host: "192.0.2.1",
      port: 5070,
      connection: undefined,
    })
  })
})

describe("§18.1.1 sending requests", () => {
  it("switches UDP to TCP above the MTU limit, unless pinned or TCP is unavailable", () => {
    const options = { mtu: undefined, switchToTcp: true, tcpAvailable: true }
    expect(mtuLimit(undefined)).toBe(1300)
    expect(mtuLimit(1500)).toBe(1300)
    expect(transportForSize("UDP", 1300, options)).toBe("UDP")
    expect(transportForSize("UDP", 1301, options)).toBe("TCP")
    expect(transportForSize("UDP", 1301, { ...options, switchToTcp: false })).toBe("UDP")
    expect(transportForSize("UDP", 1301, { ...options, tcpAvailable: false })).toBe("UDP")
    expect(transportForSize("TLS", 9000, options)).toBe("TLS")
    expect(transportForSize("UDP", 1000, { ...options, mtu: 1200 })).toBe("UDP")
    expect(transportForSize("UDP", 1001, { ...options, mtu: 1200 })).toBe("TCP")
  })
  it("puts our Via on top: transport, sent-by (IPv6 bracketed), branch, rport", () => {
    const via = makeVia("TCP", { host: "::1", port: 5060 }, "z9hG4bKabc")
    expect(via).toBe("SIP/2.0/TCP [::1]:5060;branch=z9hG4bKabc;rport")
    const r = withVia(request("SIP/2.0/UDP a;branch=z9hG4bKx"), via)
    expect(getHeader(r, "Via")).toBe(via)
    expect(
      withVia(r, makeVia("UDP", { host: "1.2.3.4", port: 1 }, "z9hG4bKn"), true).headers.filter(
        (h) => h.name === "Via",
      ).length,
    ).toBe(3)
  })
})
