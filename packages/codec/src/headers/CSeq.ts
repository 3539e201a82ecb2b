/**
 * CSeq (RFC 3261 §20.16, §8.1.1.5):  CSeq = "CSeq" HCOLON 1*DIGIT LWS Method
 * The number is a 32-bit unsigned integer (a UAC chooses it below 2**31). Example: `CSeq: 4711 INVITE`
 */
import { isWs, TOKEN_TABLE } from "../Chars.js"
import type { SipMessage } from "../Message.js"
import { firstIndex, SLOT_CSEQ } from "../Parsed.js"
import { type HeaderError, makeHeaderError } from "../ParseError.js"
import { err, ok, type Result } from "../Result.js"

// Bound in this module for the read: V8 (13.6) compiles an immutable module-local binding to its value, while an
// imported binding is live, so each use re-reads and checks it (see Parser.ts).
const CSEQ = SLOT_CSEQ
const firstField = firstIndex
const okValue = ok
const TOKENS = TOKEN_TABLE
const isSpace = isWs

export interface CSeq {
  readonly seq: number
  readonly method: string
}

const fault = (reason: string): Result<never, HeaderError> => err(makeHeaderError("cseq", reason))

export const parseCSeq = (value: string): Result<CSeq, HeaderError> => parseCSeqRange(value, 0, value.length)

const parseCSeqRange = (t: string, s: number, e: number): Result<CSeq, HeaderError> => {
  let i = s
  while (i < e && isSpace(t.charCodeAt(i))) i++
  const d = i
  let seq = 0
  while (i < e) {
    const c = t.charCodeAt(i)
    if (c < 48 || c > 57) break
    seq = seq * 10 + c - 48
    i++
  }
  if (i === d || i - d > 10 || seq > 0xffffffff) return fault("CSeq number is not a 32-bit unsigned integer")
  const ws = i
  while (i < e && isSpace(t.charCodeAt(i))) i++
  if (i === ws) return fault("CSeq without a method")
  const m = i
  while (i < e && TOKENS[t.charCodeAt(i)] === 1) i++
  let j = i
  while (j < e && isSpace(t.charCodeAt(j))) j++
  if (i === m || j !== e) return fault("CSeq method is not a token")
  return okValue({ seq, method: t.slice(m, i) })
}

export const printCSeq = (cseq: CSeq): string => `${cseq.seq} ${cseq.method}`

/** The first CSeq field. Parsed on every read: a number and a word cost less to parse than to remember. */
export const getCSeq = (message: SipMessage): Result<CSeq, HeaderError> => {
  const i = firstField(message, CSEQ)
  if (i < 0) return fault("missing CSeq")
  const value = message.headers[i]!.value
  return parseCSeqRange(value, 0, value.length)
}
