/**
 * re-INVITE on an established call (RFC 3261 §14, RFC 3264 §8.4): hold and resume with offer/answer from
 * `@sipkit/codec/sdp`, glare (491 both ways, §14.1), and BYE from the callee's side (§15).
 */
import { getHeaderValues } from "@sipkit/codec"
import { describe, expect, it } from "vitest"
import type { UaReport } from "../../src/ua/index.js"
import { Network } from "./support/Network.js"
import { aliceSession, bobSession, inviteBob } from "./support/parties.js"

const aliceCall = "12345@192.168.1.100;a73kszlfl"

const call = (bobScript: (report: UaReport, net: Network) => void = () => {}) => {
  const net = new Network()
  net.addParty({ name: "Alice", host: "192.168.1.100", config: { session: aliceSession } })
  net.addParty({
    name: "Bob",
    host: "10.0.0.50",
    config: { session: bobSession },
    script: (report, n) => {
      if (report._tag === "IncomingCall") n.command("Bob", { _tag: "Answer", call: report.call }, 10)
      bobScript(report, n)
    },
  })
  net.command("Alice", inviteBob("sip:bob@10.0.0.50"))
  net.run(1_000)
  return net
}

const direction = (sdp: string | undefined): string | undefined =>
  /a=(sendrecv|sendonly|recvonly|inactive)/.exec(sdp ?? "")?.[1] ??
  (sdp === undefined ? undefined : "sendrecv")

const mediaUpdates = (net: Network, party: string) =>
  net.reportsOf(party).flatMap((r) => (r._tag === "MediaUpdated" ? [r] : []))

describe("hold and resume (re-INVITE with SDP offer/answer)", () => {
  const net = call()
  net.command("Alice", { _tag: "Hold", call: aliceCall }, 0)
  net.command("Alice", { _tag: "Resume", call: aliceCall }, 1_000)
  net.run(5_000)

  it("crosses the wire as INVITE / 200 / ACK, twice, after the call set-up", () => {
    expect(net.ladder().slice(3)).toEqual([
      "Alice->Bob: INVITE",
      "Bob->Alice: 200 OK",
      "Alice->Bob: ACK",
      "Alice->Bob: INVITE",
      "Bob->Alice: 200 OK",
      "Alice->Bob: ACK",
    ])
  })

  it("hold offers sendonly and gets recvonly; resume offers sendrecv and gets sendrecv; o= versions go up", () => {
    const [hold, held, resume, resumed] = [3, 4, 6, 7].map((i) =>
      new TextDecoder().decode(net.trace[i]!.message.body),
    )
    expect([direction(hold), direction(held), direction(resume), direction(resumed)]).toEqual([
      "sendonly",
      "recvonly",
      "sendrecv",
      "sendrecv",
    ])
    const version = (sdp: string | undefined) => /^o=\S+ \S+ (\d+)/m.exec(sdp ?? "")?.[1]
    expect(Number(version(hold))).toBe(
      Number(version(new TextDecoder().decode(net.trace[0]!.message.body))) + 1,
    )
    expect(Number(version(resume))).toBe(Number(version(hold)) + 1)
  })

  it("both sides report each completed exchange", () => {
    expect(mediaUpdates(net, "Alice").map((r) => direction(r.remoteSdp))).toEqual(["recvonly", "sendrecv"])
    expect(mediaUpdates(net, "Bob").map((r) => direction(r.localSdp))).toEqual(["recvonly", "sendrecv"])
  })

  it("the re-INVITE carries the dialog's Contact and CSeq 2, the ACK CSeq 2 ACK", () => {
    const reinvite = net.trace[3]!.message
    expect(getHeaderValues(reinvite, "Contact")).toEqual(["<sip:alice@192.168.1.100>"])
    expect(getHeaderValues(reinvite, "CSeq")).toEqual(["2 INVITE"])
    expect(getHeaderValues(net.trace[5]!.message, "CSeq")).toEqual(["2 ACK"])
  })
})

describe("glare (§14.1): both sides re-INVITE at once", () => {
  let bobCall = ""
  const net = call((report) => {
    if (report._tag === "IncomingCall") bobCall = report.call
  })
  net.command("Alice", { _tag: "Hold", call: aliceCall }, 0)
  net.command("Bob", { _tag: "Hold", call: bobCall }, 0)
  net.run(20_000)

  it("each answers the other's INVITE 491 and backs off: the Call-ID owner 2.1–4 s, the other 0–2 s", () => {
    expect(net.ladder().slice(3, 7).sort()).toEqual(
      [
        "Alice->Bob: INVITE",
        "Bob->Alice: INVITE",
        "Alice->Bob: 491 Request Pending",
        "Bob->Alice: 491 Request Pending",
      ].sort(),
    )
    const backOff = (party: string) =>
      net.reportsOf(party).flatMap((r) => (r._tag === "ReinviteFailed" ? [r.retryAfter ?? -1] : []))
    const [alice] = backOff("Alice")
    const [bob] = backOff("Bob")
    expect(alice).toBeGreaterThanOrEqual(2100)
    expect(alice).toBeLessThanOrEqual(4000)
    expect(bob).toBeGreaterThanOrEqual(0)
    expect(bob).toBeLessThanOrEqual(2000)
  })

  it("then both re-INVITEs go through, Bob's first", () => {
    expect(net.ladder().slice(9)).toEqual([
      "Bob->Alice: INVITE",
      "Alice->Bob: 200 OK",
      "Bob->Alice: ACK",
      "Alice->Bob: INVITE",
      "Bob->Alice: 200 OK",
      "Alice->Bob: ACK",
    ])
    expect(mediaUpdates(net, "Alice")).toHaveLength(2)
    expect(mediaUpdates(net, "Bob")).toHaveLength(2)
  })
})

describe("BYE from the callee (§15.1)", () => {
  it("Bob hangs up: BYE with Bob's CSeq, 200, both sides end", () => {
    let bobCall = ""
    const net = call((report) => {
      if (report._tag === "IncomingCall") bobCall = report.call
    })
    net.command("Bob", { _tag: "Hangup", call: bobCall }, 0)
    net.run()
    expect(net.ladder().slice(3)).toEqual(["Bob->Alice: BYE", "Alice->Bob: 200 OK"])
    expect(net.reportsOf("Alice").at(-1)).toMatchObject({ _tag: "Ended", by: "remote" })
    expect(net.reportsOf("Bob").at(-1)).toMatchObject({ _tag: "Ended", by: "local" })
  })
})
