/**
 * RAck (RFC 3262 §7.2):  RAck = "RAck" HCOLON response-num LWS CSeq-num LWS Method
 * response-num and CSeq-num are 1*DIGIT, 32-bit. Example: `RAck: 776656 1 INVITE`
 */
import { isToken, parseDigits } from "../Chars.js"
import type { SipMessage } from "../Message.js"
import { type HeaderError, makeHeaderError } from "../ParseError.js"
import { err, ok, type Result } from "../Result.js"
import { optionalHeader } from "./ValueParams.js"

export interface RAck {
  readonly rseq: number
  readonly cseq: number
  readonly method: string
}

export const parseRAck = (value: string): Result<RAck, HeaderError> => {
  const parts = value.trim().split(/[ \t]+/)
  const rseq = parseDigits(parts[0] ?? "", 0xffffffff)
  const cseq = parseDigits(parts[1] ?? "", 0xffffffff)
  const method = parts[2] ?? ""
  if (parts.length !== 3 || rseq === undefined || cseq === undefined || !isToken(method))
    return err(makeHeaderError("rack", "expected response-num LWS CSeq-num LWS Method"))
  return ok({ rseq, cseq, method })
}

export const printRAck = (r: RAck): string => `${r.rseq} ${r.cseq} ${r.method}`

export const getRAck = (message: SipMessage): Result<RAck | undefined, HeaderError> =>
  optionalHeader(message, "rack", parseRAck)
