import { makeRequest, prependHeader, type Request } from "@sipkit/codec"
import { describe, expect, it } from "vitest"
import { initialProxyState, stepProxy } from "../../src/proxy/Proxy.js"
import { makeProxyConfig } from "../../src/proxy/ProxyConfig.js"
import { makeMemoryLocationStore } from "../../src/registrar/LocationStore.js"
import { aliceInvite, bindingOf, header, single, summary } from "./helpers.js"

const config = makeProxyConfig({
  host: "proxy.example.com",
  domains: ["example.com"],
  supported: ["sec-agree"],
})
const location = makeMemoryLocationStore()

const receive = (request: Request) =>
  stepProxy(config, initialProxyState, { _tag: "RequestReceived", request, now: 0, token: "tok", location })

const refusal = (request: Request) => {
  const step = receive(request)
  expect(step.state.contexts.size).toBe(0)
  return single(step.outputs, "Respond").response
}

describe("request validation (§16.3)", () => {
  it("answers 400 when a header it must read does not parse", () => {
    const broken = aliceInvite({ extra: [["CSeq", "x INVITE"]] })
    expect(
      refusal({
        ...broken,
        headers: broken.headers.filter((h) => !(h.name === "CSeq" && h.value.startsWith("3"))),
      }).status,
    ).toBe(400)
    expect(
      refusal({ ...aliceInvite(), headers: aliceInvite().headers.filter((h) => h.name !== "Call-ID") })
        .status,
    ).toBe(400)
  })

  it("answers 416 for a Request-URI scheme it does not route", () => {
    expect(refusal(aliceInvite({ uri: "tel:+15551234567" })).status).toBe(416)
  })

  it("answers 483 when Max-Forwards is 0, with the caller's To tag", () => {
    const request = {
      ...aliceInvite(),
      headers: aliceInvite().headers.map((h) => (h.name === "Max-Forwards" ? { ...h, value: "0" } : h)),
    }
    const response = refusal(request)
    expect(response.status).toBe(483)
    expect(header(response, "To")).toEqual(["Bob <sip:bob@example.com>;tag=tok"])
  })

  it("answers 420 with Unsupported for unknown Proxy-Require option tags, and accepts known ones", () => {
    const response = refusal(aliceInvite({ extra: [["Proxy-Require", "foo, sec-agree, bar"]] }))
    expect(response.status).toBe(420)
    expect(header(response, "Unsupported")).toEqual(["foo", "bar"])
    const known = receive(
      aliceInvite({ uri: "sip:carol@elsewhere.org", extra: [["Proxy-Require", "sec-agree"]] }),
    )
    expect(summary(known.outputs)[1]).toBe("Forward INVITE sip:carol@elsewhere.org")
  })

  it("answers 480 when the location store has no binding for the AOR (§16.5)", () => {
    expect(refusal(aliceInvite()).status).toBe(480)
  })

  it("detects a loop (482) but lets a spiral through (§16.3 step 4)", () => {
    const first = receive(aliceInvite({ uri: "sip:bob@loop.org" }))
    const forwarded = single(first.outputs, "Forward").request
    // Another proxy sends it straight back: same Request-URI, its Via on top of ours.
    const looped = prependHeader(forwarded, "Via", "SIP/2.0/UDP q.loop.org;branch=z9hG4bKq1")
    expect(refusal(looped).status).toBe(482)
    // A spiral: the other proxy retargeted it, so the hash differs and it is forwarded again.
    const spiral = { ...looped, uri: "sip:bob@elsewhere.org" }
    expect(summary(receive(spiral).outputs)).toEqual([
      "Respond 100",
      "Forward INVITE sip:bob@elsewhere.org",
      "SetTimer C",
    ])
  })

  it("absorbs a retransmitted request that already has a context", () => {
    const first = receive(aliceInvite({ uri: "sip:bob@elsewhere.org" }))
    const again = stepProxy(config, first.state, {
      _tag: "RequestReceived",
      request: aliceInvite({ uri: "sip:bob@elsewhere.org" }),
      now: 500,
      token: "tok2",
      location,
    })
    expect(summary(again.outputs)).toEqual(["Absorbed INVITE"])
  })

  it("adds Max-Forwards: 70 when absent, and does not record-route a non-dialog request", () => {
    const request = makeRequest({
      method: "OPTIONS",
      uri: "sip:carol@elsewhere.org",
      headers: [
        ["Via", "SIP/2.0/TCP 192.168.1.100;branch=z9hG4bKo1"],
        ["From", "<sip:alice@example.com>;tag=x"],
        ["To", "<sip:carol@elsewhere.org>"],
        ["Call-ID", "o1"],
        ["CSeq", "1 OPTIONS"],
      ],
    })
    const step = receive(request)
    expect(summary(step.outputs)).toEqual(["Forward OPTIONS sip:carol@elsewhere.org"])
    const forwarded = single(step.outputs, "Forward").request
    expect(header(forwarded, "Max-Forwards")).toEqual(["70"])
    expect(header(forwarded, "Record-Route")).toEqual([])
  })
})

describe("target set (§16.5)", () => {
  it("adds a URI bound twice only once, and groups by decreasing q", () => {
    const sequential = makeProxyConfig({
      host: "proxy.example.com",
      domains: ["example.com"],
      forking: "sequential",
    })
    const twice = makeMemoryLocationStore([
      [
        "sip:bob@example.com",
        [
          bindingOf("sip:bob@pc.example.net", 0.5),
          bindingOf("sip:bob@10.0.0.2"),
          bindingOf("sip:bob@PC.example.net", 0.5),
        ],
      ],
    ])
    const step = stepProxy(sequential, initialProxyState, {
      _tag: "RequestReceived",
      request: aliceInvite(),
      now: 0,
      token: "t",
      location: twice,
    })
    expect(summary(step.outputs)).toEqual(["Respond 100", "Forward INVITE sip:bob@10.0.0.2", "SetTimer C"])
    const context = [...step.state.contexts.values()][0]
    expect(context?.later).toEqual([["sip:bob@pc.example.net"]])
  })
})
