/**
 * The seed's "Record-Route and Route Headers" flow (SIP-BASICS.md): Alice → P1 → P2 → Bob. Each proxy
 * record-routes; Bob's 200 carries both entries back; Alice's route set is p1, p2; her ACK carries both Routes;
 * each proxy removes its own entry; Bob receives none.
 */
import { getRecordRoutes, makeRequest, type Request, type Response, type SipMessage } from "@sipkit/codec"
import { describe, expect, it } from "vitest"
import doc from "../../../../docs/proxy.md?raw"
import { makeAck, makeUacDialog } from "../../src/dialog/index.js"
import { initialProxyState, stepProxy } from "../../src/proxy/Proxy.js"
import { makeProxyConfig } from "../../src/proxy/ProxyConfig.js"
import type { ProxyState } from "../../src/proxy/Types.js"
import { makeMemoryLocationStore } from "../../src/registrar/LocationStore.js"
import { aliceInvite, answer, bindingOf, header, locationWith, single } from "./helpers.js"
import { ladderIn, makeLadder } from "./ladder.js"

const recordedUri = (value: string | undefined) => (value ?? "").replace(/[<>]/g, "")

/** The Route and Record-Route fields of a message, for the ladder's notes. */
const routing = (message: SipMessage): string => {
  const lines = [
    ...header(message, "Record-Route").map((value) => `Record-Route: ${value.replace(/[<>]/g, "")}`),
    ...header(message, "Route").map((value) => `Route: ${value.replace(/[<>]/g, "")}`),
  ]
  return lines.length === 0 ? "No Route headers" : lines.join("<br/>")
}

const p1 = makeProxyConfig({ host: "p1.com" })
const p2 = makeProxyConfig({ host: "p2.com", domains: ["p2.com"] })
const bob = "sip:bob@192.0.2.4"
const nowhere = makeMemoryLocationStore()
const bobs = locationWith("sip:bob@p2.com", [bindingOf(bob)])

describe("seed: Record-Route through two proxies", () => {
  it("builds the route set p1, p2 and routes the ACK through both, each removing its own entry", () => {
    let s1: ProxyState = initialProxyState
    let s2: ProxyState = initialProxyState
    const ladder = makeLadder(["Alice", "P1", "P2", "Bob"])

    // Alice → P1: INVITE, no Route header fields.
    const invite = aliceInvite({ uri: "sip:bob@p2.com" })
    expect(header(invite, "Route")).toEqual([])
    ladder.arrow("Alice", "P1", invite, routing(invite))
    const atP1 = stepProxy(p1, s1, {
      _tag: "RequestReceived",
      request: invite,
      now: 0,
      token: "one",
      location: nowhere,
    })
    s1 = atP1.state
    const toP2 = single(atP1.outputs, "Forward")
    expect(toP2.destination).toBe("sip:bob@p2.com")
    expect(header(toP2.request, "Record-Route")).toEqual(["<sip:p1.com;lr>"])
    ladder.arrow("P1", "P2", toP2.request, routing(toP2.request))

    // P1 → P2 → Bob: P2 looks Bob up and adds its own Record-Route above P1's.
    const atP2 = stepProxy(p2, s2, {
      _tag: "RequestReceived",
      request: toP2.request,
      now: 0,
      token: "two",
      location: bobs,
    })
    s2 = atP2.state
    const toBob = single(atP2.outputs, "Forward")
    expect(toBob.destination).toBe(bob)
    expect(toBob.request.uri).toBe(bob)
    expect(header(toBob.request, "Record-Route")).toEqual(["<sip:p2.com;lr>", "<sip:p1.com;lr>"])
    expect(header(toBob.request, "Via")).toHaveLength(3)
    ladder.arrow("P2", "Bob", toBob.request, routing(toBob.request))

    // Bob → P2 → P1 → Alice: 200 OK with both Record-Route entries; each proxy takes its own Via off.
    const ok = answer(toBob.request, 200, "bobtag", bob)
    expect(header(ok, "Record-Route")).toEqual(["<sip:p2.com;lr>", "<sip:p1.com;lr>"])
    ladder.arrow("Bob", "P2", ok, routing(ok))
    const back2 = stepProxy(p2, s2, { _tag: "ResponseReceived", response: ok, now: 10 })
    s2 = back2.state
    const toP1: Response = single(back2.outputs, "Respond").response
    expect(header(toP1, "Via")).toHaveLength(2)
    ladder.arrow("P2", "P1", toP1)
    const back1 = stepProxy(p1, s1, { _tag: "ResponseReceived", response: toP1, now: 10 })
    s1 = back1.state
    const toAlice = single(back1.outputs, "Respond").response
    expect(header(toAlice, "Via")).toEqual(header(invite, "Via"))
    ladder.arrow("P1", "Alice", toAlice)

    // Alice stores the route set: the Record-Route entries in reverse order (§12.1.2): p1, then p2.
    const recorded = getRecordRoutes(toAlice)
    const routeSet =
      recorded._tag === "Ok" ? [...recorded.value].reverse().map((entry) => `<${entry.uri}>`) : []
    expect(routeSet).toEqual(["<sip:p1.com;lr>", "<sip:p2.com;lr>"])
    ladder.note(
      "Alice",
      `Stores Route Set:<br/>1. ${recordedUri(routeSet[0])}<br/>2. ${recordedUri(routeSet[1])}`,
    )

    // Alice → P1: ACK with Route: p1, p2.
    // Alice's UA core builds the ACK from her dialog (@sipkit/fsm/dialog, §12.1.2, §13.2.2.4).
    const dialog = makeUacDialog(invite, toAlice)
    if (dialog._tag === "Err") throw new Error(dialog.error.reason)
    const ack: Request = makeAck(dialog.value, 314159, {
      via: "SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bKack1",
    })
    expect(ack.uri).toBe(bob)
    expect(header(ack, "Route")).toEqual(["<sip:p1.com;lr>", "<sip:p2.com;lr>"])
    ladder.arrow("Alice", "P1", ack, routing(ack))

    // P1 → P2: P1 removes its own entry; Route: p2 only.
    const ack1 = single(
      stepProxy(p1, s1, { _tag: "RequestReceived", request: ack, now: 20, token: "a1", location: nowhere })
        .outputs,
      "SendStateless",
    )
    expect(ack1.destination).toEqual({ _tag: "Uri", uri: "sip:p2.com;lr" })
    expect(header(ack1.message, "Route")).toEqual(["<sip:p2.com;lr>"])
    ladder.arrow("P1", "P2", ack1.message, routing(ack1.message))

    // P2 → Bob: no Route header fields left.
    const ackRequest = ack1.message as Request
    const ack2 = single(
      stepProxy(p2, s2, {
        _tag: "RequestReceived",
        request: ackRequest,
        now: 20,
        token: "a2",
        location: bobs,
      }).outputs,
      "SendStateless",
    )
    expect(ack2.destination).toEqual({ _tag: "Uri", uri: bob })
    expect(header(ack2.message, "Route")).toEqual([])
    expect((ack2.message as Request).uri).toBe(bob)
    expect(header(ack2.message, "Via")).toHaveLength(3)
    expect(header(ack2.message, "Max-Forwards")).toEqual(["68"])
    ladder.arrow("P2", "Bob", ack2.message, routing(ack2.message))

    // docs/proxy.md shows this very ladder.
    expect(ladderIn(doc, "record-route")).toBe(ladder.render())
  })

  it("fixes up a strict router's rewrite: Request-URI holding our Record-Route URI is restored from the last Route (§16.4)", () => {
    // An upstream strict router put our Record-Route URI in the Request-URI and Bob's contact at the end of Route.
    const request = makeRequest({
      method: "BYE",
      uri: "sip:p2.com;lr",
      headers: [
        ["Via", "SIP/2.0/UDP strict.example.org;branch=z9hG4bKstrict"],
        ["Max-Forwards", "10"],
        ["Route", `<${bob}>`],
        ["From", "<sip:alice@example.com>;tag=a"],
        ["To", "<sip:bob@p2.com>;tag=b"],
        ["Call-ID", "c"],
        ["CSeq", "2 BYE"],
      ],
    })
    const step = stepProxy(p2, initialProxyState, {
      _tag: "RequestReceived",
      request,
      now: 0,
      token: "t",
      location: bobs,
    })
    const forward = single(step.outputs, "Forward")
    expect(forward.request.uri).toBe(bob)
    expect(header(forward.request, "Route")).toEqual([])
    expect(forward.destination).toBe(bob)
  })

  it("routes to a strict router next hop by swapping Request-URI and Route (§16.6 step 6)", () => {
    const request = makeRequest({
      method: "BYE",
      uri: bob,
      headers: [
        ["Via", "SIP/2.0/UDP 192.168.1.100;branch=z9hG4bKx"],
        ["Route", "<sip:p1.com;lr>"],
        ["Route", "<sip:strict.example.org>"],
        ["From", "<sip:alice@example.com>;tag=a"],
        ["To", "<sip:bob@p2.com>;tag=b"],
        ["Call-ID", "c"],
        ["CSeq", "2 BYE"],
      ],
    })
    const step = stepProxy(p1, initialProxyState, {
      _tag: "RequestReceived",
      request,
      now: 0,
      token: "t",
      location: nowhere,
    })
    const forward = single(step.outputs, "Forward")
    expect(forward.request.uri).toBe("sip:strict.example.org")
    expect(header(forward.request, "Route")).toEqual([`<${bob}>`])
    expect(forward.destination).toBe("sip:strict.example.org")
    // Not record-routed: a mid-dialog request.
    expect(header(forward.request, "Record-Route")).toEqual([])
  })
})

describe("SIPS record-routing (§16.6 step 4)", () => {
  it("record-routes a SIPS request with a SIPS URI that names this proxy again when it comes back in Route", () => {
    const invite = aliceInvite({ uri: "sips:bob@elsewhere.org" })
    const forwarded = single(
      stepProxy(p1, initialProxyState, {
        _tag: "RequestReceived",
        request: invite,
        now: 0,
        token: "s",
        location: nowhere,
      }).outputs,
      "Forward",
    )
    expect(header(forwarded.request, "Record-Route")).toEqual(["<sips:p1.com:5060;lr>"])
    const bye = makeRequest({
      method: "BYE",
      uri: "sips:bob@192.0.2.4",
      headers: [
        ["Via", "SIP/2.0/TLS 192.0.2.4;branch=z9hG4bKsb"],
        ["Route", "<sips:p1.com:5060;lr>"],
        ["From", "<sips:bob@elsewhere.org>;tag=b"],
        ["To", "<sips:alice@example.com>;tag=a"],
        ["Call-ID", "s"],
        ["CSeq", "1 BYE"],
      ],
    })
    const routed = single(
      stepProxy(p1, initialProxyState, {
        _tag: "RequestReceived",
        request: bye,
        now: 0,
        token: "s2",
        location: nowhere,
      }).outputs,
      "Forward",
    )
    expect(header(routed.request, "Route")).toEqual([])
    expect(routed.destination).toBe("sips:bob@192.0.2.4")
  })
})
