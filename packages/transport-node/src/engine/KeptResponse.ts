/**
 * KeptResponse — the final response a server transaction keeps to resend (§17.2.2: a non-INVITE's, for Timer J;
 * §17.2.1: an INVITE's 300-699, until the ACK or Timer H), held as its head written out once: one flat string
 * instead of a record and two strings per header for 64·T1. It is a `Response` to the transaction machine and to
 * every reader: its header records are parsed from that text when read (the wire log reads them; a send does not:
 * `wireOf` writes the bytes from the text).
 *
 * Never: changes a byte — the bytes sent first and every resend are those the response's fields serialize to.
 */
import { type Header, parseMessage, type Response } from "@sipkit/codec"

const encoder = new TextEncoder()

export class KeptResponse implements Response {
  readonly _tag = "Response"
  constructor(
    readonly version: string,
    readonly status: number,
    readonly reason: string,
    /** The start line, the headers and the empty line, as `serializeMessage` writes them: a flat string. */
    readonly head: string,
    readonly body: Uint8Array,
  ) {}

  /** The header records, parsed from the wire bytes at each read (none is held). */
  get headers(): ReadonlyArray<Header> {
    const parsed = parseMessage(wireOf(this))
    return parsed._tag === "Ok" ? parsed.value.headers : []
  }
}

/** `response` kept as its head text (see the module's note). */
export const keepResponse = (response: Response): KeptResponse => {
  let text = `${response.version} ${response.status} ${response.reason}\r\n`
  const headers = response.headers
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i] as Header
    text += `${h.name}: ${h.value}\r\n`
  }
  // joined: a string built by `+=` is a tree of its pieces (and they may be views of a datagram's text)
  const head = [text, "\r\n"].join("")
  return new KeptResponse(response.version, response.status, response.reason, head, response.body)
}

/** The size of one slab; heads up to half of it are written into slabs (as the codec's serializer does). */
const SLAB_BYTES = 16 * 1024
let slab = new Uint8Array(SLAB_BYTES)
let used = 0

/** The wire bytes of a kept response: its head encoded as UTF-8, then its body. */
export const wireOf = (kept: KeptResponse): Uint8Array => {
  const head = kept.head
  const body = kept.body
  const size = head.length + body.length
  if (size <= SLAB_BYTES / 2) {
    if (used + size > SLAB_BYTES) {
      slab = new Uint8Array(SLAB_BYTES)
      used = 0
    }
    const out = new Uint8Array(slab.buffer, used, size)
    const done = encoder.encodeInto(head, out)
    // an ASCII head is as many bytes as characters; any other is encoded on its own below
    if (done.read === head.length && done.written === head.length) {
      if (body.length > 0) out.set(body, head.length)
      used += size
      return out
    }
  }
  const bytes = encoder.encode(head)
  if (body.length === 0) return bytes
  const out = new Uint8Array(bytes.length + body.length)
  out.set(bytes, 0)
  out.set(body, bytes.length)
  return out
}
