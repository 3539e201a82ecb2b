/**
 * What the runtime keeps beside a server transaction (engine/Core.ts `ServerTxInfo`): the request whole until the
 * final response, then only its top Via, CSeq and Request-URI (`markFinal`), so an ended call does not hold its INVITE and BYE for
 * the 64·T1 of Timers J and L.
 */
import { makeResponse, parseMessage, type Request } from "@sipkit/codec"
import { TransactionTable } from "@sipkit/fsm/transaction"
import { describe, expect, it } from "vitest"
import { keptResponse, markFinal, type ServerTxInfo } from "../src/engine/Core.js"

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

describe("the final response a server transaction keeps (keptResponse)", () => {
  it("copies the records of a non-INVITE's final response over UDP: same text, records of their own", () => {
    const request = invite("BYE")
    const response = makeResponse(request, 200, { toTag: "b", headers: [["Server", "sipkit-test/1.0"]] })
    const kept = keptResponse(infoOf(request), response)
    expect(kept).not.toBe(response)
    expect(kept).toEqual(response)
    // the Via (longer than 12 characters: a slice of the datagram) is a new record; CSeq and Content-Length are
    // short (copies already) and kept as they are
    expect(kept.headers[0]).not.toBe(request.headers[0])
    expect(kept.headers.find((h) => h.name === "CSeq")).toBe(request.headers.find((h) => h.name === "CSeq"))
  })

  it("copies an INVITE's 300-699 (resent until the ACK), not its 1xx or 2xx (the transaction does not keep them)", () => {
    const request = invite()
    const info = infoOf(request)
    const busy = makeResponse(request, 486, { toTag: "b" })
    expect(keptResponse(info, busy)).not.toBe(busy)
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

  it("lets markFinal share the kept response's Via and CSeq records", () => {
    const request = invite("BYE")
    const info = infoOf(request)
    const kept = keptResponse(info, makeResponse(request, 200, { toTag: "b" }))
    markFinal(info, kept)
    expect(info.request.headers[0]).toBe(kept.headers[0])
    expect(info.request.headers[1]?.value).toBe("1 BYE")
  })
})
