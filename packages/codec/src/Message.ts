/**
 * Message — the SIP message value (RFC 3261 §7).
 *
 * A message is plain immutable data. Headers are kept exactly as they came (name spelling, compact form, order,
 * repeats, comma-joined values), so serializing an unchanged parsed message gives its bytes back. Typed views of a
 * header (Via, CSeq, name-addr …) are computed lazily by the functions in `headers/`, never stored in place of the
 * raw text.
 *
 * Never: I/O, clocks, randomness. Every change returns a new message.
 */

/** One header field line as it stood on the wire: `name: value` (value without the leading/trailing LWS). */
export interface Header {
  /** The field name as written (`Via`, `v`, `VIA` …). Compare with `headerKey`, never with `===`. */
  readonly name: string
  /** The raw field value; a comma-joined list stays one value here (split by the typed accessors). */
  readonly value: string
}

export interface Request {
  readonly _tag: "Request"
  /** The method token, case-sensitive (§7.1): `INVITE`, `ACK`, or an extension such as `NEWMETHOD`. */
  readonly method: string
  /** The Request-URI as text; `parseUri` gives its typed form. */
  readonly uri: string
  /** `SIP/2.0` as written. */
  readonly version: string
  readonly headers: ReadonlyArray<Header>
  /** The message body, exactly `Content-Length` bytes (empty when there is none). */
  readonly body: Uint8Array
}

export interface Response {
  readonly _tag: "Response"
  readonly version: string
  /** The three-digit Status-Code, 100–699. */
  readonly status: number
  /** The Reason-Phrase, possibly empty (§25.1 allows it). */
  readonly reason: string
  readonly headers: ReadonlyArray<Header>
  readonly body: Uint8Array
}

export type SipMessage = Request | Response

export const isRequest = (message: SipMessage): message is Request => message._tag === "Request"

export const isResponse = (message: SipMessage): message is Response => message._tag === "Response"
