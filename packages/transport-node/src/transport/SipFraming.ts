/**
 * SipFraming — the SIP codec as a transport `Framing`: `parseMessage` for datagrams (UDP, one WebSocket message)
 * and the codec's incremental framer for TCP/TLS streams (RFC 3261 §18.3: Content-Length framing, CRLF keep-alives,
 * size limits; it stays failed after an error, and the transport closes that connection).
 *
 * Never: throws on network input — every fault is a `ParseError` with the status a server should answer.
 */
import { type Limits, makeFramer, parseMessage, pushBytes, type SipMessage } from "@sipkit/codec"
import type { Framing } from "./Transport.js"

export const sipFraming = (limits?: Partial<Limits>): Framing<SipMessage> => ({
  datagram: (bytes) => parseMessage(bytes, limits),
  stream: () => {
    let state = makeFramer(limits)
    return (chunk) => {
      const pushed = pushBytes(state, chunk)
      state = pushed.state
      return { messages: pushed.messages, error: pushed.error }
    }
  },
})
