/**
 * WireLog — one line per message in or out, with the transaction and dialog it belongs to, and the event stream
 * (`WireEvent`) a ladder-diagram printer or a test can subscribe to.
 */
import { getHeader, type SipMessage } from "@sipkit/codec"
import { formatPeer, type HostPort, hostForUri, type PeerAddress } from "../Address.js"

export interface WireEvent {
  /** Process-wide order of wire events (ladders merge several endpoints' streams by it). */
  readonly seq: number
  readonly direction: "in" | "out"
  readonly message: SipMessage
  readonly transport: PeerAddress["transport"]
  readonly local: HostPort
  readonly remote: HostPort
  readonly transaction: string | undefined
  readonly dialog: string | undefined
  readonly retransmission: boolean
}

let sequence = 0
export const nextSeq = (): number => ++sequence

/** `INVITE` for a request, `200` for a response (the counters' labels). */
export const labelOf = (message: SipMessage): string =>
  message._tag === "Request" ? message.method : String(message.status)

export const firstLine = (message: SipMessage): string =>
  message._tag === "Request" ? `${message.method} ${message.uri}` : `${message.status} ${message.reason}`

/** `in  UDP 127.0.0.1:5060 <- 127.0.0.1:40000 INVITE sip:bob@x cseq="1 INVITE" call-id=… tx=… dialog=…` */
export const formatWireEvent = (e: WireEvent): string => {
  const arrow = e.direction === "in" ? "<-" : "->"
  const local = `${hostForUri(e.local.host)}:${e.local.port}`
  const remote = formatPeer({ transport: e.transport, host: e.remote.host, port: e.remote.port }).slice(
    e.transport.length + 1,
  )
  const parts = [
    `sip ${e.direction === "in" ? "in " : "out"} ${e.transport} ${local} ${arrow} ${remote}`,
    firstLine(e.message),
    `cseq="${getHeader(e.message, "CSeq") ?? ""}"`,
    `call-id=${getHeader(e.message, "Call-ID") ?? ""}`,
  ]
  if (e.transaction !== undefined) parts.push(`tx=${e.transaction}`)
  if (e.dialog !== undefined) parts.push(`dialog=${e.dialog}`)
  if (e.retransmission) parts.push("retransmission")
  return parts.join(" ")
}
