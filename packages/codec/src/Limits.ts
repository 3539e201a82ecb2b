/**
 * Limits — bounds against hostile input, for `parseMessage` and the stream framer.
 *
 * Every limit is checked before the work it bounds. Exceeding one yields a `ParseError` with status 513
 * (Message Too Large, RFC 3261 §21.5.14), or 413 (Request Entity Too Large, §21.4.11) for a body.
 */
export interface Limits {
  /** Whole message (start line + headers + body), bytes. Default 65535 (the largest UDP datagram). */
  readonly maxMessageBytes: number
  /** Start line + header section including the empty line, bytes (framer). Default 32768. */
  readonly maxHeaderBytes: number
  /** Body, bytes (the Content-Length a framer accepts). Default 65535. */
  readonly maxBodyBytes: number
  /** Header fields (lines after folding). Default 256. */
  readonly maxHeaderCount: number
  /** One line (start line or a header field with its continuation lines), bytes. Default 8192. */
  readonly maxLineLength: number
  /** Via header fields. Default 64. */
  readonly maxVias: number
}

export const defaultLimits: Limits = {
  maxMessageBytes: 65535,
  maxHeaderBytes: 32768,
  maxBodyBytes: 65535,
  maxHeaderCount: 256,
  maxLineLength: 8192,
  maxVias: 64,
}

export const resolveLimits = (limits: Partial<Limits> | undefined): Limits =>
  limits === undefined ? defaultLimits : { ...defaultLimits, ...limits }
