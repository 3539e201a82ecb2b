/**
 * Serializer — `SipMessage` → bytes (RFC 3261 §7).
 *
 * An unchanged parsed message serializes to the exact bytes it was parsed from. Any other message is written
 * from its fields: the start line, each header as `name: value` in order with the name as written, an empty line,
 * the body. Folded header lines were unfolded by the parser and are written on one line.
 * Never changes a header value; never adds or fixes Content-Length (the constructors do that).
 */
import { isRequest, type SipMessage } from "./Message.js"
import { sourceOf, sourceTextOf } from "./Parsed.js"

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** The head (start line, headers, empty line) as text. */
export const headText = (message: SipMessage): string => {
  let text = isRequest(message)
    ? `${message.method} ${message.uri} ${message.version}\r\n`
    : `${message.version} ${message.status} ${message.reason}\r\n`
  for (const h of message.headers) text += `${h.name}: ${h.value}\r\n`
  return `${text}\r\n`
}

/** Writes a message from its fields, ignoring any remembered source bytes. */
export const serializeFields = (message: SipMessage): Uint8Array => {
  const head = encoder.encode(headText(message))
  if (message.body.length === 0) return head
  const out = new Uint8Array(head.length + message.body.length)
  out.set(head, 0)
  out.set(message.body, head.length)
  return out
}

/** The wire bytes of a message. Treat the result as read-only: it may be the parsed input itself. */
export const serializeMessage = (message: SipMessage): Uint8Array =>
  sourceOf(message) ?? serializeFields(message)

/** The message as text (the body decoded as UTF-8), for logs and tests. */
export const messageToString = (message: SipMessage): string => {
  const source = sourceTextOf(message)
  if (source !== undefined) return source
  return headText(message) + decoder.decode(message.body)
}
