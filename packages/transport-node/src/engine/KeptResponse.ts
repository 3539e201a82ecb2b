/**
 * KeptResponse — the final response a server transaction keeps to resend (§17.2.2: a non-INVITE's, for Timer J;
 * §17.2.1: an INVITE's 300-699, until the ACK or Timer H), held as its head written out once: one flat string
 * instead of a record and two strings per header for 64·T1. It is a `Response` to the transaction machine and to
 * every reader: its header records are parsed from that text when read (the wire log reads them; a send does not:
 * `wireOf` writes the bytes from the text).
 *
 * Never: changes a byte — the bytes sent first and every resend are those the response's fields serialize to.
 */
import { encodeWire, type Header, parseMessage, type Response } from "@sipkit/codec"

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
export const keepResponse = (response: Response): KeptResponse =>
  new KeptResponse(response.version, response.status, response.reason, headOf(response), response.body)

/**
 * The head `headText` writes (the start line, each header as `name: value`, the empty line), made as one flat
 * string of its own: one `Array#join` of its pieces writes the characters once into a new string. (`headText`'s
 * `+=` builds a tree of cons strings over the header values — slices of the request's datagram text — which
 * `ownString` would flatten and then copy again: ~700 bytes more per kept response.)
 */
export const headOf = (response: Response): string => {
  const headers = response.headers
  const n = 2 + 4 * headers.length
  while (pieces.length < n) pieces.push("")
  pieces[0] = statusLineOf(response)
  let j = 1
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i] as Header
    pieces[j++] = h.name
    pieces[j++] = ": "
    pieces[j++] = h.value
    pieces[j++] = "\r\n"
  }
  pieces[j] = "\r\n"
  const head = pieces.join("")
  // the values are let go (they are views of the request's datagram text)
  for (let i = 0; i < n; i++) pieces[i] = ""
  return head
}

/** The pieces of the head being written (`headOf`): one array for every kept response rather than one each
 * (~290 bytes a response). Between two heads every entry is "", so a shorter head's join adds nothing after its own
 * pieces. */
const pieces: Array<string> = []

/** The Status-Line of `response`; the last one made is made again only for another version, status or reason. */
const statusLineOf = (response: Response): string => {
  const last = lastLine
  if (response.status !== last.status || response.reason !== last.reason || response.version !== last.version)
    lastLine = {
      version: response.version,
      status: response.status,
      reason: response.reason,
      line: `${response.version} ${response.status} ${response.reason}\r\n`,
    }
  return lastLine.line
}
let lastLine = { version: "", status: Number.NaN, reason: "", line: "" }

/** The wire bytes of a kept response: its head encoded as UTF-8, then its body (the codec's `encodeWire`). */
export const wireOf = (kept: KeptResponse): Uint8Array => encodeWire(kept.head, kept.body)
