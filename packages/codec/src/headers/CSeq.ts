/**
 * CSeq (RFC 3261 §20.16, §8.1.1.5):  CSeq = "CSeq" HCOLON 1*DIGIT LWS Method
 * The number is a 32-bit unsigned integer (a UAC chooses it below 2**31). Example: `CSeq: 4711 INVITE`
 */
import { isWs, TOKEN_TABLE } from "../Chars.js"
import type { SipMessage } from "../Message.js"
import { firstIndex, SLOT_CSEQ, stateOf } from "../Parsed.js"
import { type HeaderError, makeHeaderError } from "../ParseError.js"
import { err, ok, type Result } from "../Result.js"

// Bound in this module for the read: V8 (13.6) compiles an immutable module-local binding to its value, while an
// imported binding is live, so each use re-reads and checks it (see Parser.ts).
const CSEQ = SLOT_CSEQ
const firstField = firstIndex
const okValue = ok
const TOKENS = TOKEN_TABLE
const isSpace = isWs
const parsedState = stateOf

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

/**
 * The first CSeq field. A plain value of a parsed message (`plainCSeq`) is read off its bytes and kept from that
 * first read (`ParsedState.cseqRead`): a runtime reads one request's CSeq several times, and each read made a
 * result, a record and a method string.
 */
export const getCSeq = (message: SipMessage): Result<CSeq, HeaderError> => {
  const p = parsedState(message)
  if (p !== undefined && p.cseqAt >= 0) {
    const known = p.cseqRead
    if (known !== undefined) return known
    const s = p.cseqAt
    const plain = plainCSeq(p.bytes!, p.text, s, s + message.headers[p.cseq]!.value.length)
    if (plain !== undefined) return (p.cseqRead = plain)
  }
  const i = firstField(message, CSEQ)
  if (i < 0) return fault("missing CSeq")
  const value = message.headers[i]!.value
  return parseCSeqRange(value, 0, value.length)
}

/**
 * The CSeq value at `[s, e)` of a parsed message's ASCII `bytes` (and its `text`) when it is written as nearly
 * everyone writes it — `1*10DIGIT SP token` — read in one pass; undefined for anything else (`parseCSeqRange`
 * decides). Whatever it answers, `parseCSeqRange` would.
 */
const plainCSeq = (b: Uint8Array, t: string, s: number, e: number): Result<CSeq, HeaderError> | undefined => {
  let i = s
  let seq = 0
  for (;;) {
    const d = b[i]!
    if (!(d >= 48 && d <= 57)) break
    seq = seq * 10 + d - 48
    i++
  }
  if (i === s || i - s > 10 || seq > 0xffffffff || b[i] !== 32) return undefined
  const m = ++i
  while (TOKENS[b[i]!] === 1) i++
  return i === m || i !== e ? undefined : okValue({ seq, method: t.slice(m, i) })
}
