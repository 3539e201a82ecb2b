/**
 * sippUac — the requests of SIPp's built-in `uac` scenario (INVITE with SDP, ACK, BYE) as the UAS receives them:
 * bytes, as a UDP socket delivers them, for the benchmarks that drive the pure reducers without sockets
 * (`ua.bench.ts`, `transactions.bench.ts`). Each call has its own Call-ID, From tag and branches.
 */
import { parseMessage, type Request } from "@sipkit/codec"

export const sippSdp =
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
const encoder = new TextEncoder()

/** Request `method` of call number `call` (`toTag` "" before the UAS tagged the dialog), as SIPp writes it. */
export const sippRequest = (method: string, call: number, toTag: string, cseq: number): Uint8Array => {
  const body = method === "INVITE" ? sippSdp : ""
  return encoder.encode(
    `${method} sip:bob@127.0.0.1:5060 SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-${call}-${cseq}-${method}\r\n` +
      `From: sipp <sip:sipp@127.0.0.1:5061>;tag=${call}SIPpTag00\r\n` +
      `To: bob <sip:bob@127.0.0.1:5060>${toTag === "" ? "" : `;tag=${toTag}`}\r\n` +
      `Call-ID: ${call}-4242@127.0.0.1\r\nCSeq: ${cseq} ${method}\r\nContact: sip:sipp@127.0.0.1:5061\r\n` +
      `Max-Forwards: 70\r\nSubject: Performance Test\r\n` +
      (method === "INVITE" ? "Content-Type: application/sdp\r\n" : "") +
      `Content-Length: ${body.length}\r\n\r\n${body}`,
  )
}

/** The parsed request (a bench's own datagram always parses). */
export const parsedRequest = (bytes: Uint8Array): Request => {
  const result = parseMessage(bytes)
  if (result._tag === "Err" || result.value._tag !== "Request") throw new Error("bench request did not parse")
  return result.value
}
