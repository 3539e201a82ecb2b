/**
 * Record-Route over TCP, TLS and WebSocket (RFC 3261 §16.6 step 4, RFC 3263 §4.1, RFC 5658 double Record-Route).
 *
 * A Record-Route URI without `transport` sends the dialog's later requests over UDP (RFC 3263 §4.1); a proxy that
 * took the INVITE over TCP names TCP in it, at the address of its TCP listener. When the INVITE leaves on another
 * transport than it came in on, the proxy puts two values (RFC 5658 §4): the top one for the callee, the other for
 * the caller, and takes both off when they come back as Route values (§16.4).
 */
import { makeRequest, type Request } from "@sipkit/codec"
import { describe, expect, it } from "vitest"
import { outboundTransport } from "../../src/proxy/Forwarding.js"
import { initialProxyState, stepProxy } from "../../src/proxy/Proxy.js"
import { isSelfUri, makeProxyConfig, selfUri } from "../../src/proxy/ProxyConfig.js"
import { initialEndpointState, stepEndpoint } from "../../src/proxy/ProxyEndpoint.js"
import { aliceInvite, bindingOf, header, locationWith, single } from "./helpers.js"

/** A proxy listening on UDP and TCP at 5070, TLS at 5071, WS at 5072, WSS at 5073 (as `sip listen` lays ports out). */
const proxy = makeProxyConfig({
  host: "p.example.com",
  port: 5070,
  transport: "UDP",
  domains: ["example.com"],
  listeners: [
    { transport: "UDP", host: "p.example.com", port: 5070 },
    { transport: "TCP", host: "p.example.com", port: 5070 },
    { transport: "TLS", host: "p.example.com", port: 5071 },
    { transport: "WS", host: "p.example.com", port: 5072 },
    { transport: "WSS", host: "p.example.com", port: 5073 },
  ],
})

const inviteOver = (transport: string, contact: string) =>
  single(
    stepProxy(proxy, initialProxyState, {
      _tag: "RequestReceived",
      request: aliceInvite({ extra: [] }),
      now: 0,
      token: "t",
      location: locationWith("sip:bob@example.com", [bindingOf(contact)]),
      transport,
    }).outputs,
    "Forward",
  )

/** An in-dialog request with `routes` as its Route set, as a UA builds it from the Record-Route (§12.2.1.1). */
const inDialog = (method: string, uri: string, routes: ReadonlyArray<string>): Request =>
  makeRequest({
    method,
    uri,
    headers: [
      ["Via", "SIP/2.0/TCP 192.0.2.4:5080;branch=z9hG4bKindialog"],
      ...routes.map((route) => ["Route", route] as const),
      ["Max-Forwards", "70"],
      ["From", "<sip:bob@example.com>;tag=b"],
      ["To", "<sip:alice@example.com>;tag=a"],
      ["Call-ID", "c"],
      ["CSeq", `2 ${method}`],
    ],
  })

const routedOn = (request: Request, transport: string) =>
  stepProxy(proxy, initialProxyState, {
    _tag: "RequestReceived",
    request,
    now: 0,
    token: "r",
    location: locationWith("x", []),
    transport,
  }).outputs

describe("selfUri names the transport of the hop", () => {
  it.each([
    ["UDP", false, "sip:p.example.com:5070"],
    ["TCP", false, "sip:p.example.com:5070;transport=tcp"],
    ["TLS", false, "sip:p.example.com:5071;transport=tls"],
    ["TLS", true, "sips:p.example.com:5071"],
    ["WS", false, "sip:p.example.com:5072;transport=ws"],
    ["WSS", false, "sips:p.example.com:5073;transport=ws"],
  ] as const)("%s (secure %s) → %s", (transport, secure, uri) => {
    expect(selfUri(proxy, secure, transport)).toBe(uri)
    expect(isSelfUri(proxy, uri)).toBe(true)
  })

  it("leaves out the scheme's default port, and keeps the old URI when no listeners are configured", () => {
    const plain = makeProxyConfig({ host: "p1.com" })
    expect(selfUri(plain)).toBe("sip:p1.com")
    expect(selfUri(plain, false, "TCP")).toBe("sip:p1.com;transport=tcp")
    expect(selfUri(plain, true, "TLS")).toBe("sips:p1.com:5060")
    expect(isSelfUri(proxy, "sip:p.example.com:5999;transport=tcp")).toBe(false)
  })
})

describe("outboundTransport (RFC 3263 §4.1, from the URI alone)", () => {
  it.each([
    ["sip:bob@192.0.2.4", "UDP"],
    ["sip:bob@192.0.2.4;transport=tcp", "TCP"],
    ["sip:bob@192.0.2.4;transport=TLS", "TLS"],
    ["sips:bob@192.0.2.4", "TLS"],
    ["sips:bob@192.0.2.4;transport=tcp", "TLS"],
    ["sip:bob@192.0.2.4;transport=ws", "WS"],
    ["sips:bob@192.0.2.4;transport=ws", "WSS"],
    ["tel:+1555", "UDP"],
  ] as const)("%s → %s", (uri, transport) => {
    expect(outboundTransport(uri)).toBe(transport)
  })
})

describe("Record-Route for one transport in and out", () => {
  it("an INVITE over TCP to a TCP contact is record-routed with ;transport=tcp (not UDP, where BYE would go)", () => {
    const forwarded = inviteOver("TCP", "sip:bob@192.0.2.4:5080;transport=tcp")
    expect(forwarded.destination).toBe("sip:bob@192.0.2.4:5080;transport=tcp")
    expect(header(forwarded.request, "Record-Route")).toEqual(["<sip:p.example.com:5070;transport=tcp;lr>"])
  })

  it("over UDP nothing changes: one value, no transport parameter", () => {
    const forwarded = inviteOver("UDP", "sip:bob@192.0.2.4:5080")
    expect(header(forwarded.request, "Record-Route")).toEqual(["<sip:p.example.com:5070;lr>"])
  })

  it("over WS to a WS contact: the WS listener's port with ;transport=ws", () => {
    const forwarded = inviteOver("WS", "sip:bob@192.0.2.4:5080;transport=ws")
    expect(header(forwarded.request, "Record-Route")).toEqual(["<sip:p.example.com:5072;transport=ws;lr>"])
  })

  it("the event's transport defaults to the configured one", () => {
    const tcp = { ...proxy, transport: "TCP" }
    const forwarded = single(
      stepProxy(tcp, initialProxyState, {
        _tag: "RequestReceived",
        request: aliceInvite(),
        now: 0,
        token: "t",
        location: locationWith("sip:bob@example.com", [bindingOf("sip:bob@192.0.2.4;transport=tcp")]),
      }).outputs,
      "Forward",
    )
    expect(header(forwarded.request, "Record-Route")).toEqual(["<sip:p.example.com:5070;transport=tcp;lr>"])
  })
})

describe("double Record-Route when the transports differ (RFC 5658 §4)", () => {
  const facingCallee = "<sip:p.example.com:5070;transport=tcp;lr>"
  const facingCaller = "<sip:p.example.com:5071;transport=tls;lr>"

  it("an INVITE in over TLS and out over TCP carries two values: the callee's on top, the caller's below", () => {
    const forwarded = inviteOver("TLS", "sip:bob@192.0.2.4:5080;transport=tcp")
    expect(header(forwarded.request, "Record-Route")).toEqual([facingCallee, facingCaller])
  })

  it("UDP in, TCP out: the caller's value has no transport parameter", () => {
    const forwarded = inviteOver("UDP", "sip:bob@192.0.2.4:5080;transport=tcp")
    expect(header(forwarded.request, "Record-Route")).toEqual([facingCallee, "<sip:p.example.com:5070;lr>"])
  })

  it("the callee's BYE (Route: both, in Record-Route order) loses both and goes to the caller's Contact", () => {
    const bye = inDialog("BYE", "sip:alice@192.168.1.100;transport=tls", [facingCallee, facingCaller])
    const forward = single(routedOn(bye, "TCP"), "Forward")
    expect(header(forward.request, "Route")).toEqual([])
    expect(forward.destination).toBe("sip:alice@192.168.1.100;transport=tls")
  })

  it("the caller's ACK (Route: both, reversed) loses both and goes to the callee's Contact", () => {
    const ack = inDialog("ACK", "sip:bob@192.0.2.4:5080;transport=tcp", [facingCaller, facingCallee])
    const sent = single(routedOn(ack, "TLS"), "SendStateless")
    expect(sent.message._tag === "Request" && header(sent.message, "Route")).toEqual([])
    expect(sent.destination).toEqual({ _tag: "Uri", uri: "sip:bob@192.0.2.4:5080;transport=tcp" })
  })

  it("a Route value of another proxy after ours stays", () => {
    const next = "<sip:p2.example.net;lr>"
    const bye = inDialog("BYE", "sip:alice@192.168.1.100", [facingCallee, facingCaller, next])
    const forward = single(routedOn(bye, "TCP"), "Forward")
    expect(header(forward.request, "Route")).toEqual([next])
    expect(forward.destination).toBe("sip:p2.example.net;lr")
  })
})

describe("the endpoint takes the inbound transport from the top Via (§18.1.1)", () => {
  it("an INVITE whose Via names TCP is record-routed with ;transport=tcp", () => {
    const invite = aliceInvite()
    const overTcp = {
      ...invite,
      headers: invite.headers.map((h) =>
        h.name === "Via" ? { name: h.name, value: h.value.replace("SIP/2.0/UDP", "SIP/2.0/TCP") } : h,
      ),
    }
    const { outputs } = stepEndpoint({ proxy }, initialEndpointState, {
      _tag: "MessageReceived",
      message: overTcp,
      now: 0,
      token: "e",
      location: locationWith("sip:bob@example.com", [bindingOf("sip:bob@192.0.2.4:5080;transport=tcp")]),
    })
    const forwarded = outputs.flatMap((output) =>
      output._tag === "Send" && output.message._tag === "Request" && output.message.method === "INVITE"
        ? [output.message]
        : [],
    )
    expect(forwarded.map((request) => header(request, "Record-Route"))).toEqual([
      ["<sip:p.example.com:5070;transport=tcp;lr>"],
    ])
  })
})
