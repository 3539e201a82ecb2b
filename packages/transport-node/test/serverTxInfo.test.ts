/**
 * What the runtime keeps beside a server transaction (engine/Core.ts `ServerTxInfo`): the request whole until the
 * final response, then only its top Via, CSeq and Request-URI (`markFinal`), so an ended call does not hold its INVITE and BYE for
 * the 64·T1 of Timers J and L.
 */
import { parseMessage, type Request } from "@sipkit/codec"
import { TransactionTable } from "@sipkit/fsm/transaction"
import { describe, expect, it } from "vitest"
import { markFinal, type ServerTxInfo } from "../src/engine/Core.js"

const invite = (): Request => {
  const text = [
    "INVITE sip:bob@127.0.0.1 SIP/2.0",
    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1;rport",
    "Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK-0",
    "From: <sip:alice@127.0.0.1>;tag=a",
    "To: <sip:bob@127.0.0.1>",
    "Call-ID: c1",
    "CSeq: 1 INVITE",
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

const infoOf = (request: Request): ServerTxInfo => ({
  side: "server",
  tx: TransactionTable.newTransaction("server", request, { reliable: false }).state,
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
