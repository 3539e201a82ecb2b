/**
 * The seed's basic call and CANCEL flows (SIP-BASICS.md) through the proxy endpoint: the proxy core over the
 * transaction machines. The ladders of docs/proxy.md are the ones these runs write.
 */
import { makeRequest, type Request } from "@sipkit/codec"
import { describe, expect, it } from "vitest"
import doc from "../../../../docs/proxy.md?raw"
import { makeProxyConfig } from "../../src/proxy/ProxyConfig.js"
import { aliceInvite, answer, bindingOf, header, locationWith } from "./helpers.js"
import { ladderIn } from "./ladder.js"
import { makeWire } from "./wire.js"

const bob = "sip:bob@10.0.0.50"
const proxy = makeProxyConfig({ host: "proxy.example.com", domains: ["example.com"] })
const location = locationWith("sip:bob@example.com", [bindingOf(bob)])
const names = new Map([
  ["192.168.1.100:5060", "Alice"],
  [bob, "Bob"],
])

const inDialog = (method: string, cseq: number, branch: string): Request =>
  makeRequest({
    method,
    uri: bob,
    headers: [
      ["Via", `SIP/2.0/UDP 192.168.1.100:5060;branch=${branch}`],
      ["Max-Forwards", "70"],
      ["Route", "<sip:proxy.example.com;lr>"],
      ["From", "Alice <sip:alice@example.com>;tag=1928301774"],
      ["To", "Bob <sip:bob@example.com>;tag=bob"],
      ["Call-ID", "12345@192.168.1.100"],
      ["CSeq", `${cseq} ${method}`],
    ],
  })

describe("seed: basic call through the proxy", () => {
  it("INVITE found by the location service, 180, 200, ACK end to end, BYE through the record-routed proxy", () => {
    const wire = makeWire(proxy, location, names, ["Alice", "Proxy", "Bob"])
    wire.send("Alice", aliceInvite(), 0)
    const invite = wire.last("Bob") as Request
    expect(invite.uri).toBe(bob)
    expect(header(invite, "Record-Route")).toEqual(["<sip:proxy.example.com;lr>"])
    wire.send("Bob", answer(invite, 180, "bob"), 100)
    wire.send("Bob", answer(invite, 200, "bob", bob), 200)
    wire.send("Alice", inDialog("ACK", 314159, "z9hG4bKack"), 300)
    wire.send("Alice", inDialog("BYE", 314160, "z9hG4bKbye"), 400)
    const bye = wire.last("Bob") as Request
    expect(header(bye, "Route")).toEqual([])
    wire.send("Bob", answer(bye, 200, "bob"), 500)

    expect(wire.received("Alice")).toEqual(["100 (INVITE)", "180 (INVITE)", "200 (INVITE)", "200 (BYE)"])
    expect(wire.received("Bob")).toEqual(["INVITE", "ACK", "BYE"])
    expect(ladderIn(doc, "basic-call")).toBe(wire.ladder.render())
  })
})

describe("seed: CANCEL through the proxy", () => {
  it("answers the CANCEL, cancels Bob, forwards the 487, and keeps both ACKs hop by hop", () => {
    const wire = makeWire(proxy, location, names, ["Alice", "Proxy", "Bob"])
    const invite = aliceInvite()
    wire.send("Alice", invite, 0)
    const forwarded = wire.last("Bob") as Request
    wire.send("Bob", answer(forwarded, 180, "bob"), 100)
    const cancel = makeRequest({
      method: "CANCEL",
      uri: invite.uri,
      headers: [
        ["Via", "SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bKalice1"],
        ["Max-Forwards", "70"],
        ["From", "Alice <sip:alice@example.com>;tag=1928301774"],
        ["To", "Bob <sip:bob@example.com>"],
        ["Call-ID", "12345@192.168.1.100"],
        ["CSeq", "314159 CANCEL"],
      ],
    })
    wire.send("Alice", cancel, 200)
    const toBob = wire.last("Bob") as Request
    expect(toBob.method).toBe("CANCEL")
    wire.send("Bob", answer(toBob, 200, "bob"), 300)
    wire.send("Bob", answer(forwarded, 487, "bob"), 400)
    // Alice's ACK for the 487 matches the INVITE server transaction and stops there.
    const ack = {
      ...cancel,
      method: "ACK",
      headers: cancel.headers.map((h) =>
        h.name === "CSeq"
          ? { ...h, value: "314159 ACK" }
          : h.name === "To"
            ? { ...h, value: "Bob <sip:bob@example.com>;tag=bob" }
            : h,
      ),
    }
    wire.send("Alice", ack, 500)

    expect(wire.received("Alice")).toEqual(["100 (INVITE)", "180 (INVITE)", "200 (CANCEL)", "487 (INVITE)"])
    expect(wire.received("Bob")).toEqual(["INVITE", "CANCEL", "ACK"])
    expect(wire.state().proxy.contexts.size).toBe(1) // lingers for the hop-by-hop ACK …
    expect(ladderIn(doc, "cancel")).toBe(wire.ladder.render())
  })
})
