import { makeRequest, makeResponse, type Request } from "@sipkit/codec"
import { describe, expect, it } from "vitest"
import {
  bodySummary,
  detailLines,
  firstLine,
  formatLadderEvent,
  formatLadderHeader,
  type Lane,
  ladderEventJson,
  localLanes,
} from "../src/Ladder.js"

const invite: Request = makeRequest({
  method: "INVITE",
  uri: "sip:bob@127.0.0.1:5062",
  headers: [
    ["Via", "SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1"],
    ["Max-Forwards", "70"],
    ["From", "<sip:alice@127.0.0.1>;tag=a1"],
    ["To", "<sip:bob@127.0.0.1>"],
    ["Call-ID", "c1@127.0.0.1"],
    ["CSeq", "1 INVITE"],
    ["User-Agent", "test"],
    ["Content-Type", "application/sdp"],
  ],
  body: "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0 8\r\n",
})
const ringing = makeResponse(invite, 180, { toTag: "b1" })
const busy = makeResponse(invite, 486, { toTag: "b1" })

const threeLanes: ReadonlyArray<Lane> = [
  { name: "alice", addresses: ["127.0.0.1:5061"] },
  { name: "proxy", addresses: ["127.0.0.1:5060"] },
  { name: "bob", addresses: ["127.0.0.1:5062"] },
]

describe("firstLine", () => {
  it("is the request line or the status line", () => {
    expect(firstLine(invite)).toBe("INVITE sip:bob@127.0.0.1:5062 SIP/2.0")
    expect(firstLine(ringing)).toBe("SIP/2.0 180 Ringing")
  })
})

describe("detailLines", () => {
  it("keeps the headers that matter, in ladder order, and leaves the others out", () => {
    const lines = detailLines(invite)
    expect(lines.slice(0, 5)).toEqual([
      "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1",
      "From: <sip:alice@127.0.0.1>;tag=a1",
      "To: <sip:bob@127.0.0.1>",
      "Call-ID: c1@127.0.0.1",
      "CSeq: 1 INVITE",
    ])
    expect(lines.join("\n")).not.toContain("User-Agent")
    expect(lines.join("\n")).not.toContain("Max-Forwards")
  })

  it("summarises an SDP body by its c= and m= lines", () => {
    expect(bodySummary(invite)).toBe("SDP c=IN IP4 127.0.0.1  m=audio 40000 RTP/AVP 0 8")
    expect(bodySummary(ringing)).toBeUndefined()
  })
})

describe("formatLadderEvent", () => {
  const options = { lanes: threeLanes, color: false }

  it("draws the arrow from the sender's lane to the receiver's, rightwards", () => {
    const text = formatLadderEvent(
      { at: 1500, from: "127.0.0.1:5061", to: "127.0.0.1:5060", message: invite },
      options,
    )
    const head = text.split("\n")[0] ?? ""
    expect(head.startsWith("   1.500 ")).toBe(true)
    expect(head).toMatch(/│── INVITE ─*▶│/)
    expect(head).toContain("INVITE sip:bob@127.0.0.1:5062 SIP/2.0")
  })

  it("draws a leftward arrow for a message going back, labelled with the status", () => {
    const text = formatLadderEvent({ at: 0, from: "bob", to: "proxy", message: ringing }, options)
    expect(text.split("\n")[0]).toMatch(/│◀─ 180 Ringing ─*│/)
  })

  it("spans the lanes in between", () => {
    const head =
      formatLadderEvent({ at: 0, from: "alice", to: "bob", message: invite }, options).split("\n")[0] ?? ""
    const arrow = head.slice(9, 9 + 3 * 18)
    expect(arrow.indexOf("│")).toBeLessThan(arrow.indexOf("▶"))
    expect(arrow.match(/│/g)).toHaveLength(2)
  })

  it("puts unknown addresses on the `other` lane", () => {
    const head =
      formatLadderEvent(
        { at: 0, from: "10.9.9.9:5060", to: "127.0.0.1:5070", message: busy },
        {
          lanes: localLanes("127.0.0.1:5070"),
          color: false,
        },
      ).split("\n")[0] ?? ""
    expect(head).toMatch(/│◀─ 486 Busy Here ─*│/)
  })

  it("colours only when asked", () => {
    const plain = formatLadderEvent({ at: 0, from: "alice", to: "proxy", message: busy }, options)
    const coloured = formatLadderEvent(
      { at: 0, from: "alice", to: "proxy", message: busy },
      { ...options, color: true },
    )
    expect(plain).not.toContain("\u001b[")
    expect(coloured).toContain("\u001b[31m")
    expect(formatLadderHeader(options)).not.toContain("\u001b[")
  })

  it("has one detail row per header that matters under the arrow", () => {
    const rows = formatLadderEvent({ at: 0, from: "alice", to: "proxy", message: invite }, options).split(
      "\n",
    )
    expect(rows).toHaveLength(1 + detailLines(invite).length)
  })
})

describe("ladderEventJson", () => {
  it("carries the whole message, one object", () => {
    const json = ladderEventJson({ at: 12.3456, from: "a", to: "b", message: ringing })
    expect(json).toMatchObject({
      type: "message",
      at: 12.346,
      kind: "response",
      status: 180,
      reason: "Ringing",
    })
    expect(json.headers.map((h) => h.name)).toEqual(ringing.headers.map((h) => h.name))
    expect(JSON.parse(JSON.stringify(json))).toEqual(json)
  })
})
