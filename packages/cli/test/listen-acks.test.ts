/**
 * `sip listen`'s count of answered calls without ACK (RuntimeListen `handlersFor`): a call is named by our To tag —
 * the INVITE's `ctx.toTag`, the ACK's To tag (§13.2.2.4) — so an ACK is matched to its call without reading
 * Call-ID or From. The handlers are called as the runtime calls them.
 */
import { parseMessage, type Request } from "@sipkit/codec"
import type { RequestContext } from "@sipkit/transport-node"
import { Deferred, Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import type { ListenOptions } from "../src/options/ListenOptions.js"
import { handlersFor, makeAckWatch, newTally } from "../src/runtime/RuntimeListen.js"

const options: ListenOptions = {
  host: "127.0.0.1",
  port: 0,
  transports: ["udp"],
  answer: 200,
  redirect: [],
  ringMs: 0,
  earlyMedia: false,
  registrar: false,
  users: new Map(),
  realm: "127.0.0.1",
  proxy: false,
  json: false,
  quiet: true,
  cert: undefined,
  key: undefined,
  dns: undefined,
}

const requestOf = (method: string, callId: string, toTag: string | undefined): Request => {
  const text = [
    `${method} sip:bob@127.0.0.1 SIP/2.0`,
    "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-1",
    "From: <sip:alice@127.0.0.1>;tag=from-1",
    `To: <sip:bob@127.0.0.1>${toTag === undefined ? "" : `;tag=${toTag}`}`,
    `Call-ID: ${callId}`,
    `CSeq: 1 ${method}`,
    "Max-Forwards: 70",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n")
  const parsed = parseMessage(new TextEncoder().encode(text))
  if (parsed._tag === "Err" || parsed.value._tag !== "Request") throw new Error("fixture does not parse")
  return parsed.value
}

const contextOf = (request: Request, toTag: string | undefined): RequestContext => ({
  request,
  source: { transport: "UDP", host: "127.0.0.1", port: 5999 },
  toTag,
  dialog: () => undefined,
  respond: () => Effect.void,
  respondNow: () => undefined,
  cancelled: Deferred.makeUnsafe<void>(),
})

const setUp = () => {
  const tally = newTally()
  const acks = makeAckWatch()
  const handlers = handlersFor(options, tally, acks)
  const invite = (callId: string, ourTag: string) => {
    const request = requestOf("INVITE", callId, undefined)
    expect(Exit.isSuccess(Effect.runSyncExit(handlers.invite!(request, contextOf(request, ourTag))))).toBe(
      true,
    )
  }
  const ack = (callId: string, toTag: string) => {
    const request = requestOf("ACK", callId, toTag)
    Effect.runSync(handlers.ack!(request, contextOf(request, undefined)))
  }
  return { tally, acks, invite, ack }
}

describe("sip listen: answered calls without ACK", () => {
  it("an ACK is matched to its call by its To tag, our tag of the INVITE's context", () => {
    const { tally, acks, invite, ack } = setUp()
    invite("call-1", "ours-1")
    invite("call-2", "ours-2")
    expect(tally.callsAnswered).toBe(2)
    expect(acks.missing()).toBe(2)
    ack("call-1", "ours-1")
    expect(acks.missing()).toBe(1)
    // same Call-ID and From tag as call-2's INVITE, but not our tag: not call-2's ACK
    ack("call-2", "other")
    expect(acks.missing()).toBe(1)
    ack("call-2", "ours-2")
    expect(acks.missing()).toBe(0)
  })

  it("an ACK before the answer's note is remembered; a repeated ACK counts once", () => {
    const { acks, invite, ack } = setUp()
    ack("call-1", "ours-1")
    invite("call-1", "ours-1")
    expect(acks.missing()).toBe(0)
    invite("call-2", "ours-2")
    ack("call-2", "ours-2")
    ack("call-2", "ours-2")
    invite("call-3", "ours-3")
    expect(acks.missing()).toBe(1)
  })
})

describe("sip listen: the ACK watch in two generations of 64·T1", () => {
  it("a call still unACKed two rotations after its answer is counted missing, and its key let go", () => {
    const acks = makeAckWatch()
    for (let i = 0; i < 1000; i++) acks.answered(`flood-${i}`)
    acks.answered("late")
    acks.rotate()
    acks.acked("late") // an ACK within the next 64·T1 still finds its call
    acks.answered("fresh")
    expect([acks.missing(), acks.held()]).toEqual([1001, 1001])
    acks.rotate()
    expect([acks.missing(), acks.held()]).toEqual([1001, 1])
    acks.rotate()
    expect([acks.missing(), acks.held()]).toEqual([1001, 0])
  })

  it("an ACK before its answer is remembered for one rotation, then let go uncounted", () => {
    const acks = makeAckWatch()
    acks.acked("early")
    acks.rotate()
    acks.answered("early")
    expect([acks.missing(), acks.held()]).toEqual([0, 0])
    acks.acked("stray")
    acks.rotate()
    acks.rotate()
    expect([acks.missing(), acks.held()]).toEqual([0, 0])
  })
})
