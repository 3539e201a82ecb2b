/**
 * ParseError and HeaderError — what the codec answers instead of throwing.
 *
 * A `ParseError` says why a message (or a byte stream) could not be framed/parsed, where (the byte offset into the
 * input), and which status a server should answer (RFC 3261 §21): 400 malformed, 505 version not supported,
 * 513 message too large, 413 body too large, 416 unsupported URI scheme. A `HeaderError` says the same of one
 * header value, read lazily by a typed accessor: the message still parses, a proxy can still forward it.
 */

export interface ParseError {
  readonly _tag: "ParseError"
  readonly reason: string
  /** Byte offset into the input where the fault was detected (0 for whole-message faults). */
  readonly offset: number
  /** The status a server should answer (400, 413, 416, 505, 513 …). */
  readonly status: number
}

export interface HeaderError {
  readonly _tag: "HeaderError"
  /** The header's canonical lower-case name (`via`, `cseq` …) or `uri`. */
  readonly header: string
  readonly reason: string
  /** The status a server should answer when this header is needed (400, 416 …). */
  readonly status: number
}

export const makeParseError = (reason: string, offset: number, status = 400): ParseError => ({
  _tag: "ParseError",
  reason,
  offset,
  status,
})

export const makeHeaderError = (header: string, reason: string, status = 400): HeaderError => ({
  _tag: "HeaderError",
  header,
  reason,
  status,
})
