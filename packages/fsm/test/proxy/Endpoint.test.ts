/**
 * The seed's forking flow on the wire: the proxy core over real transaction machines. Every message each party
 * receives is recorded, so the ladder can be read off as in SIP-BASICS.md — including what the transaction layer
 * adds: the 100 Trying, the hop-by-hop ACKs for 486 and 487, and the 2xx ACK going end to end.
 */
import { getCSeq, getVias, makeRequest, type Request, type SipMessage } from "@sipkit/codec"
import { describe, expect, it } from "vitest"
import doc from "../../../../docs/proxy.md?raw"
import { makeProxyConfig } from "../../src/proxy/ProxyConfig.js"
import {
  type EndpointEvent,
  type EndpointOutput,
  type EndpointState,
  initialEndpointState,
  stepEndpoint,
} from "../../src/proxy/ProxyEndpoint.js"
import { aliceInvite, answer, bindingOf, locationWith } from "./helpers.js"
import { ladderIn, makeLadder } from "./ladder.js"

const office = "sip:bob@office.example.com"
const mobile = "sip:bob@10.0.0.50"
const home = "sip:bob@home.example.net"
const location = locationWith("sip:bob@example.com", [bindingOf(office), bindingOf(mobile), bindingOf(home)])
const config = { proxy: makeProxyConfig({ host: "proxy.example.com", domains: ["example.com"] }) }

/** Who a Send reaches: a URI destination names a UA, an address destination is Alice's phone. */
const party = (output: Extract<EndpointOutput, { _tag: "Send" }>): string =>
  output.destination._tag === "Address"
    ? `${output.destination.host}:${output.destination.port}`
    : output.destination.uri

const label = (message: SipMessage): string => {
  if (message._tag === "Response") {
    const cseq = getCSeq(message)
    return `${message.status} (${cseq._tag === "Ok" ? cseq.value.method : "?"})`
  }
  return message.method
}

describe("seed: forking proxy flow over the transaction layer", () => {
  it("delivers the seed's ladder, with the transaction layer's 100, hop-by-hop ACKs and the end-to-end ACK", () => {
    let state: EndpointState = initialEndpointState
    const inbox = new Map<string, Array<SipMessage>>()
    const timers: Array<EndpointOutput> = []
    const names = new Map([
      ["192.168.1.100:5060", "Alice"],
      [office, "Office"],
      [mobile, "Mobile"],
      [home, "Home"],
    ])
    const ladder = makeLadder(["Alice", "Proxy", "Office", "Mobile", "Home"])
    const run = (event: EndpointEvent) => {
      const result = stepEndpoint(config, state, event)
      state = result.state
      for (const output of result.outputs) {
        if (output._tag === "Send") {
          inbox.set(party(output), [...(inbox.get(party(output)) ?? []), output.message])
          ladder.arrow("Proxy", names.get(party(output)) ?? party(output), output.message)
        } else if (output._tag === "Absorbed") {
          ladder.note("Proxy", `${label(output.message)} absorbed (${output.reason})`)
        } else timers.push(output)
      }
    }
    const wire = (message: SipMessage, now: number, from: string) => {
      ladder.arrow(from, "Proxy", message)
      run({ _tag: "MessageReceived", message, now, token: `t${now}`, location })
    }
    const last = (who: string) => inbox.get(who)?.at(-1) as Request

    wire(aliceInvite(), 0, "Alice")
    const [toOffice, toMobile, toHome] = [last(office), last(mobile), last(home)]
    wire(answer(toOffice, 180, "office"), 100, "Office")
    wire(answer(toMobile, 180, "mobile"), 200, "Mobile")
    wire(answer(toHome, 486, "home"), 300, "Home")
    wire(answer(toMobile, 200, "mobile", mobile), 400, "Mobile")
    const cancel = last(office)
    expect(cancel.method).toBe("CANCEL")
    wire(answer(cancel, 200, "office"), 500, "Office")
    wire(answer(toOffice, 487, "office"), 600, "Office")
    wire(
      makeRequest({
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
      }),
      700,
      "Alice",
    )

    const received = (who: string) => (inbox.get(who) ?? []).map(label)
    expect(received("192.168.1.100:5060")).toEqual([
      "100 (INVITE)",
      "180 (INVITE)",
      "180 (INVITE)",
      "200 (INVITE)",
    ])
    expect(received(office)).toEqual(["INVITE", "CANCEL", "ACK"])
    expect(received(mobile)).toEqual(["INVITE", "ACK"])
    expect(received(home)).toEqual(["INVITE", "ACK"])

    // The ACKs to office and home are the client transactions' own (§17.1.1.3): same branch as their INVITE.
    const branchOf = (message: SipMessage) => {
      const vias = getVias(message)
      return vias._tag === "Ok"
        ? vias.value.map((via) => via.params.find((p) => p.name === "branch")?.value)
        : []
    }
    expect(branchOf(last(office))).toEqual(branchOf(toOffice).slice(0, 1))
    expect(branchOf(last(home))).toEqual(branchOf(toHome).slice(0, 1))
    // Mobile's ACK is Alice's, forwarded end to end: a new proxy branch above Alice's Via.
    const ack = last(mobile)
    expect(ack.uri).toBe(mobile)
    expect(branchOf(ack)).toHaveLength(2)
    expect(branchOf(ack)[1]).toBe("z9hG4bKalice2")
    expect(branchOf(ack)[0]).not.toBe(branchOf(toMobile)[0])

    // Timer C was armed for each fork and cleared as each ended; the transaction timers carry their keys.
    expect(timers.filter((t) => t._tag === "SetTimerC").length).toBeGreaterThanOrEqual(3)
    expect(timers.filter((t) => t._tag === "ClearTimerC")).toHaveLength(3)
    expect(state.proxy.contexts.size).toBe(0)

    // docs/proxy.md shows this very ladder.
    expect(ladderIn(doc, "forking")).toBe(ladder.render())
  })

  it("absorbs a retransmitted INVITE in the server transaction, resending the last provisional", () => {
    let state: EndpointState = initialEndpointState
    const sent: Array<string> = []
    const run = (message: SipMessage, now: number) => {
      const result = stepEndpoint(config, state, {
        _tag: "MessageReceived",
        message,
        now,
        token: `t${now}`,
        location,
      })
      state = result.state
      for (const output of result.outputs)
        if (output._tag === "Send") sent.push(`${party(output)} ${label(output.message)}`)
    }
    run(aliceInvite(), 0)
    sent.length = 0
    run(aliceInvite(), 500)
    expect(sent).toEqual(["192.168.1.100:5060 100 (INVITE)"])
  })

  it("turns a client transaction timeout into a 408 for Alice once Timer B fires on every fork", () => {
    const one = locationWith("sip:bob@example.com", [bindingOf(mobile)])
    let state: EndpointState = initialEndpointState
    const first = stepEndpoint(config, state, {
      _tag: "MessageReceived",
      message: aliceInvite(),
      now: 0,
      token: "t",
      location: one,
    })
    state = first.state
    const timerB = first.outputs.find(
      (output): output is Extract<EndpointOutput, { _tag: "StartTimer" }> =>
        output._tag === "StartTimer" && output.timer === "B",
    )
    expect(timerB?.after).toBe(32_000)
    const fired = stepEndpoint(config, state, {
      _tag: "TransactionTimerFired",
      key: timerB!.key,
      timer: "B",
      id: timerB!.id,
      now: 32_000,
    })
    const sends = fired.outputs.filter((output) => output._tag === "Send")
    expect(sends.map((output) => output._tag === "Send" && label(output.message))).toEqual(["408 (INVITE)"])
  })
})
