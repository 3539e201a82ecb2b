/**
 * What the runtime keeps beside a server transaction (engine/Core.ts `ServerTxInfo`): the request whole until the
 * final response, then only its top Via, CSeq and Request-URI (`markFinal`), so an ended call does not hold its INVITE and BYE for
 * the 64·T1 of Timers J and L.
 */
import {
  headText,
  makeResponse,
  parseMessage,
  type Request,
  type Response,
  serializeMessage,
} from "@sipkit/codec"
import { respond as respondEvent, TransactionTable } from "@sipkit/fsm/transaction"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type Core, keptResponse, markFinal, respondFinal, type ServerTxInfo } from "../src/engine/Core.js"
import { CompletedNonInvite } from "../src/engine/FinalTx.js"
import { headOf, KeptResponse, wireOf } from "../src/engine/KeptResponse.js"

const invite = (method = "INVITE"): Request => {
  const text = [
    `${method} sip:bob@127.0.0.1 SIP/2.0`,
    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1;rport",
    "Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK-0",
    "From: <sip:alice@127.0.0.1>;tag=a",
    "To: <sip:bob@127.0.0.1>",
    "Call-ID: c1",
    `CSeq: 1 ${method}`,
    "Contact: <sip:alice@127.0.0.1:5070>",
    "Content-Type: application/sdp",
    "Content-Length: 4",
    "",
    "v=0\n",
  ].join("\r\n")
  const parsed = parseMessage(new TextEncoder().encode(text))
  if (parsed._tag === "Err" || parsed.value._tag !== "Request") throw new Error("test INVITE does not parse")
  return parsed.value
}

const infoOf = (request: Request, reliable = false): ServerTxInfo => ({
  side: "server",
  tx: TransactionTable.newTransaction("server", request, { reliable }).state,
  timers: undefined,
  request,
  source: { transport: "UDP", host: "127.0.0.1", port: 5070 },
  route: { transport: "UDP", host: "127.0.0.1", port: 5070, connection: undefined },
  final: false,
  proxying: false,
  cancelled: undefined,
  dialog: undefined,
})

describe("ServerTxInfo after the final response (markFinal)", () => {
  it("keeps only the top Via, the CSeq and the Request-URI of the request, and no body", () => {
    const request = invite()
    const info = infoOf(request)
    markFinal(info)
    expect(info.final).toBe(true)
    // the same fields (copies: a slice of the datagram's text would keep the whole text): isAnswerTo
    // (engine/UaSend.ts) tells the 2xx retransmissions by their values
    expect(info.request.headers).toEqual([request.headers[0], { name: "CSeq", value: "1 INVITE" }])
    expect(info.request.uri).toBe(request.uri)
    expect(info.request.body).toHaveLength(0)
    expect(info.request.method).toBe("INVITE")
    // the request itself is not changed (messages are immutable values)
    expect(request.headers).toHaveLength(9)
    expect(request.body).toHaveLength(4)
  })

  it("is done once: a second final (a 2xx retransmission) changes nothing", () => {
    const info = infoOf(invite())
    markFinal(info)
    const slim = info.request
    markFinal(info)
    expect(info.request).toBe(slim)
  })
})

/** What stepping a server transaction reads of a core: its table, one UDP listener (what it sends, as bytes), a
 * timer facility that only hands out handles, the queue of final records, quiet stats and no wire log. */
const fakeCore = () => {
  const sent: Array<Uint8Array> = []
  const core = {
    info: new Map(),
    listeners: [
      {
        transport: {
          kind: "UDP",
          local: { host: "127.0.0.1", port: 5060 },
          sendNow: (_: unknown, bytes: Uint8Array) => void sent.push(bytes),
        },
      },
    ],
    stats: { countOut: () => undefined, countRetransmission: () => undefined },
    wireReaders: 0,
    config: { logMessages: false, timers: { t1: 500 } },
    timers: { now: () => 0, addNow: (_: number, value: unknown) => ({ live: true, value }) },
    expiringFirst: undefined,
    expiringLast: undefined,
    expiringArmed: false,
  } as unknown as Core
  return { core, sent }
}

describe("a final response stepped through its transaction (respondFinal)", () => {
  it("a record still live after the step (an INVITE's 486: Completed, resent until the ACK) is slimmed as markFinal does", () => {
    const { core, sent } = fakeCore()
    const request = invite()
    const info = infoOf(request)
    core.info.set("k", info)
    const busy = makeResponse(request, 486, { toTag: "b" })
    respondFinal(core, "k", info, respondEvent(keptResponse(info, busy)), false)
    expect(core.info.get("k")).toBe(info)
    expect(info.tx._tag).toBe("Completed")
    expect(info.final).toBe(true)
    expect(info.request.headers).toEqual([request.headers[0], { name: "CSeq", value: "1 INVITE" }])
    expect(info.request.body).toHaveLength(0)
    expect(sent.map((b) => new TextDecoder().decode(b))).toEqual([
      new TextDecoder().decode(serializeMessage(busy)),
    ])
  })

  it("a record that became a final record in the step (a BYE's 200: Completed, Timer J) is not copied from", () => {
    const { core, sent } = fakeCore()
    const request = invite("BYE")
    const info = infoOf(request)
    core.info.set("k", info)
    const ok = makeResponse(request, 200, { toTag: "b" })
    respondFinal(core, "k", info, respondEvent(keptResponse(info, ok)), false)
    const final = core.info.get("k")
    expect(final).toBeInstanceOf(CompletedNonInvite)
    expect((final as CompletedNonInvite).head).toBe(new TextDecoder().decode(serializeMessage(ok)))
    expect(sent).toHaveLength(1)
    // the live record is marked final (a response after it is refused) and its request left as it was
    expect(info.final).toBe(true)
    expect(info.request).toBe(request)
  })

  it("a second final (a 2xx retransmission) leaves a slimmed request as it is", () => {
    const { core } = fakeCore()
    const request = invite()
    const info = infoOf(request)
    core.info.set("k", info)
    markFinal(info)
    const slim = info.request
    respondFinal(core, "k", info, respondEvent(makeResponse(request, 486, { toTag: "b" })), true)
    expect(info.request).toBe(slim)
  })
})

describe("the final response a server transaction keeps (keptResponse)", () => {
  it("keeps a non-INVITE's final response over UDP as its head text: the same fields, the same bytes", () => {
    const request = invite("BYE")
    const response = makeResponse(request, 200, {
      toTag: "b",
      headers: [
        ["Server", "sipkit-test/1.0 – ünïcode"],
        ["Content-Type", "text/plain"],
      ],
      body: "a body\r\n",
    })
    const kept = keptResponse(infoOf(request), response)
    expect(kept).toBeInstanceOf(KeptResponse)
    expect(kept.status).toBe(200)
    expect(kept.reason).toBe(response.reason)
    expect(kept.headers).toEqual(response.headers)
    expect(kept.body).toEqual(response.body)
    // what is resent is what the response serializes to, byte for byte (the slab path and the UTF-8 one)
    const expected = serializeMessage(response)
    expect(wireOf(kept as KeptResponse)).toEqual(expected)
    expect(wireOf(kept as KeptResponse)).toEqual(expected)
    const ascii = makeResponse(request, 200, { toTag: "b" })
    expect(wireOf(keptResponse(infoOf(request), ascii) as KeptResponse)).toEqual(serializeMessage(ascii))
  })

  it("copies an INVITE's 300-699 (resent until the ACK), not its 1xx or 2xx (the transaction does not keep them)", () => {
    const request = invite()
    const info = infoOf(request)
    const busy = makeResponse(request, 486, { toTag: "b" })
    expect(keptResponse(info, busy)).toBeInstanceOf(KeptResponse)
    const ringing = makeResponse(request, 180, { toTag: "b" })
    expect(keptResponse(info, ringing)).toBe(ringing)
    const ok = makeResponse(request, 200, { toTag: "b" })
    expect(keptResponse(info, ok)).toBe(ok)
  })

  it("leaves a response alone on a reliable transport (nothing is resent) or after the final one", () => {
    const request = invite("BYE")
    const response = makeResponse(request, 200, { toTag: "b" })
    expect(keptResponse(infoOf(request, true), response)).toBe(response)
    const info = infoOf(request)
    markFinal(info)
    expect(keptResponse(info, response)).toBe(response)
  })

  it("the kept head is one string of its own, not a view of the request's datagram", () => {
    const request = invite("BYE")
    const kept = keptResponse(infoOf(request), makeResponse(request, 200, { toTag: "b" })) as KeptResponse
    expect(typeof kept.head).toBe("string")
    expect(
      kept.head.startsWith("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1;rport"),
    ).toBe(true)
    expect(kept.head.endsWith("\r\n\r\n")).toBe(true)
  })
})

describe("the kept head (headOf)", () => {
  // any text a field may hold: ASCII, Latin-1, other planes (a two-byte string), empty
  const text = fc.string({
    unit: fc.constantFrom("a", "Z", "0", " ", ";", "=", ":", "é", "ü", "–", "𝄞", "\t"),
  })
  const header = fc.record({ name: text, value: text })
  const response = fc.record({
    _tag: fc.constant("Response" as const),
    version: fc.constantFrom("SIP/2.0", "SIP/3.0", ""),
    status: fc.oneof(fc.integer({ min: 100, max: 699 }), fc.integer({ min: -5, max: 1000 })),
    reason: fc.oneof(fc.constantFrom("OK", "Ringing", "Busy Here", "Trying"), text),
    headers: fc.array(header, { maxLength: 12 }),
    body: fc.constant(new Uint8Array(0)),
  })

  it("law: is the text headText writes, character for character, for any response", () =>
    fc.assert(
      fc.property(response, (r: Response) => {
        expect(headOf(r)).toBe(headText(r))
      }),
    ))

  it("law: a kept response's bytes are the response's, for any response", () =>
    fc.assert(
      fc.property(response, (r: Response) => {
        const kept = new KeptResponse(r.version, r.status, r.reason, headOf(r), r.body)
        expect(wireOf(kept)).toEqual(serializeMessage(r))
      }),
    ))
})
