/**
 * Scalars — the single-number and single-word headers (RFC 3261 §20):
 *   Call-ID = callid = word [ "@" word ]                   e.g. `i: a84b4c76e66710@pc33.atlanta.com`
 *   Max-Forwards = 1*DIGIT                                 e.g. `Max-Forwards: 70` (0–255 in practice; §8.1.1.6)
 *   Expires / Min-Expires = delta-seconds = 1*DIGIT        e.g. `Expires: 7200` (values above 2**32-1 are capped, §20.19)
 *   Content-Length = 1*DIGIT                               e.g. `l: 0`
 *   RSeq = 1*DIGIT (RFC 3262 §7.1)                         e.g. `RSeq: 988789`
 * Getters answer `undefined` when the header is absent.
 */
import { parseDigits, trimLws } from "../Chars.js"
import { compactOf } from "../HeaderNames.js"
import { findHeaderIndex } from "../Headers.js"
import type { SipMessage } from "../Message.js"
import { firstIndex, SLOT_CALL_ID, stateOf } from "../Parsed.js"
import { type HeaderError, makeHeaderError } from "../ParseError.js"
import { err, ok, type Result } from "../Result.js"

// Bound in this module for the read: V8 (13.6) compiles an immutable module-local binding to its value, while an
// imported binding is live, so each use re-reads and checks it (see Parser.ts).
const CALL_ID = SLOT_CALL_ID
const firstField = firstIndex
const okValue = ok
const trimmed = trimLws
const parsedState = stateOf

const MAX32 = 0xffffffff

const raw = (message: SipMessage, key: string): string | undefined => {
  const i = findHeaderIndex(message.headers, key, compactOf(key))
  return i < 0 ? undefined : message.headers[i]!.value
}

const numeric = (
  key: string,
  value: string | undefined,
  max: number,
): Result<number | undefined, HeaderError> => {
  if (value === undefined) return ok(undefined)
  const n = parseDigits(value.trim(), max)
  return n === undefined ? err(makeHeaderError(key, `${key} is not an integer in 0..${max}`)) : ok(n)
}

/** delta-seconds: digits; a value beyond 2**32-1 is read as 2**32-1 (RFC 3261 §20.19 / §10.2.1.1). */
export const parseDeltaSeconds = (key: string, value: string): Result<number, HeaderError> => {
  const v = value.trim()
  if (!/^[0-9]+$/.test(v)) return err(makeHeaderError(key, `${key} is not delta-seconds`))
  return ok(v.length > 10 ? MAX32 : Math.min(Number(v), MAX32))
}

const delta = (key: string, value: string | undefined): Result<number | undefined, HeaderError> =>
  value === undefined ? ok(undefined) : parseDeltaSeconds(key, value)

/** The Call-ID (§20.8). A parsed message keeps a good one from its first read (`ParsedState.callIdRead`). */
export const getCallId = (message: SipMessage): Result<string, HeaderError> => {
  const p = parsedState(message)
  let i: number
  if (p !== undefined) {
    const known = p.callIdRead
    if (known !== undefined) return known
    i = p.callId
  } else i = firstField(message, CALL_ID)
  const v = i < 0 ? undefined : message.headers[i]!.value
  if (v === undefined) return err(makeHeaderError("call-id", "missing Call-ID"))
  const id = trimmed(v)
  if (id.length === 0) return err(makeHeaderError("call-id", "empty Call-ID"))
  if (id.indexOf(" ") >= 0 || id.indexOf("\t") >= 0) return err(makeHeaderError("call-id", "invalid Call-ID"))
  const good = okValue(id)
  if (p !== undefined) p.callIdRead = good
  return good
}

export const getMaxForwards = (message: SipMessage): Result<number | undefined, HeaderError> =>
  numeric("max-forwards", raw(message, "max-forwards"), 255)
export const getExpires = (message: SipMessage): Result<number | undefined, HeaderError> =>
  delta("expires", raw(message, "expires"))
export const getMinExpires = (message: SipMessage): Result<number | undefined, HeaderError> =>
  delta("min-expires", raw(message, "min-expires"))
export const getContentLength = (message: SipMessage): Result<number | undefined, HeaderError> =>
  numeric("content-length", raw(message, "content-length"), MAX32)
export const getRSeq = (message: SipMessage): Result<number | undefined, HeaderError> =>
  numeric("rseq", raw(message, "rseq"), MAX32)
