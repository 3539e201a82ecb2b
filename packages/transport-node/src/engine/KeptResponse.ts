/**
 * KeptResponse — the final response a server transaction keeps to resend (§17.2.2: a non-INVITE's, for Timer J;
 * §17.2.1: an INVITE's 300-699, until the ACK or Timer H), held as its head written out once: one flat string
 * instead of a record and two strings per header for 64·T1. It is a `Response` to the transaction machine and to
 * every reader: its header records are parsed from that text when read (the wire log reads them; a send does not:
 * `wireOf` writes the bytes from the text).
 *
 * Never: changes a byte — the bytes sent first and every resend are those the response's fields serialize to.
 */
import { encodeWire, type Header, ownHeadText, parseMessage, type Response } from "@sipkit/codec"

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

/** The head `headText` writes, as one flat string of its own (the codec's `ownHeadText`: the values are views of the
 * request's datagram text, which a kept head must not hold for 64·T1). */
export const headOf = (response: Response): string => ownHeadText(response)

/** The wire bytes of a kept response: its head encoded as UTF-8, then its body (the codec's `encodeWire`). */
export const wireOf = (kept: KeptResponse): Uint8Array => encodeWire(kept.head, kept.body)
