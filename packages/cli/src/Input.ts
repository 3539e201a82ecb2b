/**
 * Input — bytes from a file or stdin → the SIP messages in them, for `sip parse`.
 *
 * The bytes go through the codec's stream framer first (§18.3: Content-Length frames each message, CRLFs between
 * messages are skipped), so a capture of several messages decodes to all of them. What the framer cannot finish —
 * a last message without Content-Length, as a datagram may legally be (§18.3) — is parsed as one datagram.
 *
 * Pure. Offsets in errors count from the first byte of the input.
 */
import { makeFramer, type ParseError, parseMessage, pushBytes, type SipMessage } from "@sipkit/codec"

export interface Decoded {
  /** The messages decoded, in order, up to the first fault. */
  readonly messages: ReadonlyArray<SipMessage>
  /** The first fault, with its offset from the start of the input. */
  readonly error: ParseError | undefined
}

const onlyLineBreaks = (bytes: Uint8Array): boolean =>
  bytes.every((b) => b === 13 || b === 10 || b === 32 || b === 9)

const shift = (error: ParseError, by: number): ParseError => ({ ...error, offset: error.offset + by })

/** Decodes every message in `bytes`. An empty input is a fault (there is nothing to parse). */
export const decodeInput = (bytes: Uint8Array): Decoded => {
  if (onlyLineBreaks(bytes))
    return {
      messages: [],
      error: { _tag: "ParseError", reason: "empty input: no SIP message", offset: 0, status: 400 },
    }
  const pushed = pushBytes(makeFramer(), bytes)
  const framed = pushed.messages
  const rest = pushed.state.buffer
  const restOffset = pushed.state.offset
  if (pushed.error === undefined && onlyLineBreaks(rest)) return { messages: framed, error: undefined }
  // The framer stopped: either at a fault, or short of a complete message (no Content-Length, or fewer body bytes).
  // Read what remains as one datagram, which needs no Content-Length.
  // The datagram parser's reason is the more precise one, except for the framer's size limits (413, 513).
  const start = framed.length === 0 ? 0 : restOffset
  const single = parseMessage(bytes.subarray(start))
  if (single._tag === "Ok") return { messages: [...framed, single.value], error: undefined }
  const limit = pushed.error !== undefined && (pushed.error.status === 413 || pushed.error.status === 513)
  return { messages: framed, error: limit ? pushed.error : shift(single.error, start) }
}
