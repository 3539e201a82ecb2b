/**
 * The seed's "Forking Proxy Flow" (SIP-BASICS.md), step by step, with RFC 3261 §16.7 where the seed simplifies:
 * the second 180 is forwarded too (§16.7 step 5: "Any provisional response other than 100 (Trying)").
 */
import { getCSeq, getHeaderValues, getVias, makeRequest, type Request, viaBranch } from "@sipkit/codec"
import { describe, expect, it } from "vitest"
import { initialProxyState, stepProxy } from "../../src/proxy/Proxy.js"
import { makeProxyConfig } from "../../src/proxy/ProxyConfig.js"
import type { ProxyEvent, ProxyState } from "../../src/proxy/Types.js"
import { aliceInvite, answer, bindingOf, header, locationWith, only, single, summary } from "./helpers.js"

const config = makeProxyConfig({ host: "proxy.example.com", domains: ["example.com"] })
const office = "sip:bob@office.example.com"
const mobile = "sip:bob@10.0.0.50"
const home = "sip:bob@home.example.net"
const location = locationWith("sip:bob@example.com", [bindingOf(office), bindingOf(mobile), bindingOf(home)])

describe("seed: forking proxy flow", () => {
  it("forks to office, mobile and home; 200 from mobile wins, office is cancelled, Alice's ACK reaches mobile", () => {
    let state: ProxyState = initialProxyState
    const run = (event: ProxyEvent) => {
      const result = stepProxy(config, state, event)
      state = result.state
      return result.outputs
    }

    // Alice → Proxy: INVITE bob@example.com. The proxy answers 100 at once and forks to the three contacts.
    const invite = aliceInvite()
    const forked = run({ _tag: "RequestReceived", request: invite, now: 0, token: "tk1", location })
    expect(summary(forked)).toEqual([
      "Respond 100",
      `Forward INVITE ${office}`,
      "SetTimer C",
      `Forward INVITE ${mobile}`,
      "SetTimer C",
      `Forward INVITE ${home}`,
      "SetTimer C",
    ])
    const branches = only(forked, "Forward")
    const [toOffice, toMobile, toHome] = branches.map((forward) => forward.request) as [
      Request,
      Request,
      Request,
    ]
    // §16.6: Max-Forwards − 1, Record-Route with lr, a Via with a branch unique per fork above Alice's Via.
    for (const request of [toOffice, toMobile, toHome]) {
      expect(header(request, "Max-Forwards")).toEqual(["69"])
      expect(header(request, "Record-Route")).toEqual(["<sip:proxy.example.com;lr>"])
      const vias = getVias(request)
      expect(vias._tag === "Ok" && vias.value.map((via) => via.host)).toEqual([
        "proxy.example.com",
        "192.168.1.100",
      ])
    }
    const ids = branches.map((forward) => forward.branch)
    expect(new Set(ids).size).toBe(3)
    for (const [i, forward] of branches.entries()) {
      const vias = getVias(forward.request)
      expect(vias._tag === "Ok" && viaBranch(vias.value[0]!)).toBe(ids[i])
      expect(ids[i]?.startsWith("z9hG4bK")).toBe(true)
    }
    const timerC = only(forked, "SetTimer")
    expect(timerC.map((timer) => timer.at)).toEqual([181_000, 181_000, 181_000])

    // Office → Proxy: 180 Ringing → forwarded to Alice without the proxy's Via; Timer C reset.
    const ringOffice = run({ _tag: "ResponseReceived", response: answer(toOffice, 180, "office"), now: 1000 })
    expect(summary(ringOffice)).toEqual(["Respond 180", "SetTimer C"])
    const forwarded180 = single(ringOffice, "Respond").response
    expect(header(forwarded180, "Via")).toEqual(["SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bKalice1"])

    // Mobile → Proxy: 180 Ringing → forwarded too (RFC 3261 §16.7 step 5).
    const ringMobile = run({ _tag: "ResponseReceived", response: answer(toMobile, 180, "mobile"), now: 2000 })
    expect(summary(ringMobile)).toEqual(["Respond 180", "SetTimer C"])

    // Home → Proxy: 486 Busy Here → kept in the context, nothing goes to Alice.
    const busy = run({ _tag: "ResponseReceived", response: answer(toHome, 486, "home"), now: 3000 })
    expect(summary(busy)).toEqual(["ClearTimer C"])

    // Mobile → Proxy: 200 OK → forwarded to Alice at once; the pending office branch is CANCELled.
    const ok = run({ _tag: "ResponseReceived", response: answer(toMobile, 200, "mobile", mobile), now: 4000 })
    expect(summary(ok)).toEqual(["ClearTimer C", "Respond 200", `Cancel ${office}`, "SetTimer C"])
    const to200 = single(ok, "Respond")
    expect(to200.transaction).toBe(only(forked, "Respond")[0]?.transaction)
    expect(header(to200.response, "Via")).toEqual(["SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bKalice1"])
    const cancel = single(ok, "Cancel").request
    expect(cancel.method).toBe("CANCEL")
    expect(header(cancel, "Via")).toEqual([header(toOffice, "Via")[0]])
    const cseq = getCSeq(cancel)
    expect(cseq._tag === "Ok" && cseq.value).toEqual({ seq: 314159, method: "CANCEL" })
    expect(header(cancel, "To")).toEqual(header(toOffice, "To"))

    // Office → Proxy: 200 OK (CANCEL) and 487 Request Terminated → both absorbed.
    const cancelOk = run({ _tag: "ResponseReceived", response: answer(cancel, 200, "office"), now: 4100 })
    expect(summary(cancelOk)).toEqual(["Absorbed 200"])
    const terminated = run({ _tag: "ResponseReceived", response: answer(toOffice, 487, "office"), now: 4200 })
    expect(summary(terminated)).toEqual(["ClearTimer C", "Absorbed 487"])
    expect(state.contexts.size).toBe(0)

    // Alice → Proxy: ACK (to mobile's Contact, through the proxy's Record-Route) → forwarded statelessly to mobile.
    const ack = makeRequest({
      method: "ACK",
      uri: mobile,
      headers: [
        ["Via", "SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bKalice2"],
        ["Max-Forwards", "70"],
        ["Route", "<sip:proxy.example.com;lr>"],
        ["From", "Alice <sip:alice@example.com>;tag=1928301774"],
        ["To", "Bob <sip:bob@example.com>;tag=mobile"],
        ["Call-ID", "12345@192.168.1.100"],
        ["CSeq", "314159 ACK"],
      ],
    })
    const acked = run({ _tag: "RequestReceived", request: ack, now: 4300, token: "tk2", location })
    const sent = single(acked, "SendStateless")
    expect(sent.destination).toEqual({ _tag: "Uri", uri: mobile })
    expect(sent.message._tag === "Request" && sent.message.uri).toBe(mobile)
    expect(getHeaderValues(sent.message, "Route")).toEqual([])
    expect(getHeaderValues(sent.message, "Max-Forwards")).toEqual(["69"])
    expect(getHeaderValues(sent.message, "Via")).toHaveLength(2)
  })

  it("forwards a 2xx from another fork after the first 2xx, and absorbs later failures", () => {
    let state: ProxyState = initialProxyState
    const run = (event: ProxyEvent) => {
      const result = stepProxy(config, state, event)
      state = result.state
      return result.outputs
    }
    const forked = run({ _tag: "RequestReceived", request: aliceInvite(), now: 0, token: "tk", location })
    const [toOffice, toMobile, toHome] = only(forked, "Forward").map((forward) => forward.request) as [
      Request,
      Request,
      Request,
    ]
    run({ _tag: "ResponseReceived", response: answer(toOffice, 183, "office"), now: 1 })
    expect(
      summary(run({ _tag: "ResponseReceived", response: answer(toMobile, 200, "mobile"), now: 2 })),
    ).toContain("Respond 200")
    // The office answered before the CANCEL reached it: its 200 goes to Alice too (§16.7 step 5).
    expect(
      summary(run({ _tag: "ResponseReceived", response: answer(toOffice, 200, "office"), now: 3 })),
    ).toEqual(["ClearTimer C", "Respond 200"])
    // Home was never ringing: its CANCEL waits for a provisional (§9.1), then goes.
    expect(summary(run({ _tag: "ResponseReceived", response: answer(toHome, 180, "home"), now: 4 }))).toEqual(
      [`Cancel ${home}`, "SetTimer C"],
    )
    expect(summary(run({ _tag: "ResponseReceived", response: answer(toHome, 487, "home"), now: 5 }))).toEqual(
      ["ClearTimer C", "Absorbed 487"],
    )
    expect(state.contexts.size).toBe(0)
    expect(state.branches.size).toBe(0)
  })
})
