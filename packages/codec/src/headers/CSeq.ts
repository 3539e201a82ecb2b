/**
 * CSeq (RFC 3261 §20.16, §8.1.1.5):  CSeq = "CSeq" HCOLON 1*DIGIT LWS Method
 * The number is a 32-bit unsigned integer (a UAC chooses it below 2**31). Example: `CSeq: 4711 INVITE`
 */
import { isToken, isWs, parseDigits } from "../Chars.js"
import { findHeaderIndex } from "../Headers.js"
import type { SipMessage } from "../Message.js"
import { type HeaderError, makeHeaderError } from "../ParseError.js"
import { err, ok, type Result } from "../Result.js"

export interface CSeq {
  readonly seq: number
  readonly method: string
}

const fault = (reason: string): Result<never, HeaderError> => err(makeHeaderError("cseq", reason))

export const parseCSeq = (value: string): Result<CSeq, HeaderError> => {
  let i = 0
  const n = value.length
  while (i < n && isWs(value.charCodeAt(i))) i++
  const s = i
  while (i < n && !isWs(value.charCodeAt(i))) i++
  const seq = parseDigits(value.slice(s, i), 0xffffffff)
  if (seq === undefined) return fault("CSeq number is not a 32-bit unsigned integer")
  const ws = i
  while (i < n && isWs(value.charCodeAt(i))) i++
  if (i === ws) return fault("CSeq without a method")
  let e = n
  while (e > i && isWs(value.charCodeAt(e - 1))) e--
  const method = value.slice(i, e)
  if (!isToken(method)) return fault("CSeq method is not a token")
  return ok({ seq, method })
}

export const printCSeq = (cseq: CSeq): string => `${cseq.seq} ${cseq.method}`

export const getCSeq = (message: SipMessage): Result<CSeq, HeaderError> => {
  const i = findHeaderIndex(message.headers, "cseq", undefined)
  return i < 0 ? fault("missing CSeq") : parseCSeq(message.headers[i]!.value)
}
