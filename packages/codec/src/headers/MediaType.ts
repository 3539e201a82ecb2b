/**
 * MediaType — Content-Type and Accept (RFC 3261 §20.15, §20.1):
 *   media-type = m-type SLASH m-subtype *(SEMI m-parameter);  m-parameter = m-attribute EQUAL m-value
 *   Accept = [ accept-range *(COMMA accept-range) ];  accept-range = media-range *(SEMI accept-param)
 *   media-range = ( "*&#47;*" / ( m-type SLASH "*" ) / ( m-type SLASH m-subtype ) ) *( SEMI m-parameter )
 * Examples: `Content-Type: multipart/mixed;boundary=7a9cbec02ceef655`, `Accept: application/sdp, text/*;q=0.5`
 * Type and subtype are kept as written and compare case-insensitively (`isMediaType`).
 */
import { isTokenChar, isWs } from "../Chars.js"
import { findHeaders } from "../Headers.js"
import { splitList } from "../Lists.js"
import type { SipMessage } from "../Message.js"
import { type Param, parseParams, printParams } from "../Params.js"
import { type HeaderError, makeHeaderError } from "../ParseError.js"
import { err, ok, type Result } from "../Result.js"
import { optionalHeader } from "./ValueParams.js"

export interface MediaType {
  readonly type: string
  readonly subtype: string
  readonly params: ReadonlyArray<Param>
}

const token = (t: string, i: number): number => {
  while (i < t.length && isTokenChar(t.charCodeAt(i))) i++
  return i
}

export const parseMediaType = (value: string, header = "content-type"): Result<MediaType, HeaderError> => {
  let i = 0
  while (i < value.length && isWs(value.charCodeAt(i))) i++
  const a = i
  i = token(value, i)
  const type = value.slice(a, i)
  while (i < value.length && isWs(value.charCodeAt(i))) i++
  if (type.length === 0 || value.charCodeAt(i) !== 47)
    return err(makeHeaderError(header, "expected type/subtype"))
  i++
  while (i < value.length && isWs(value.charCodeAt(i))) i++
  const b = i
  i = token(value, i)
  const subtype = value.slice(b, i)
  if (subtype.length === 0) return err(makeHeaderError(header, "expected a subtype"))
  const params = parseParams(value, i)
  if (typeof params === "string") return err(makeHeaderError(header, params))
  return ok({ type, subtype, params })
}

export const printMediaType = (m: MediaType): string => `${m.type}/${m.subtype}${printParams(m.params)}`

/** Case-insensitive type/subtype test: `isMediaType(ct, "application", "sdp")`. */
export const isMediaType = (m: MediaType, type: string, subtype: string): boolean =>
  m.type.toLowerCase() === type.toLowerCase() && m.subtype.toLowerCase() === subtype.toLowerCase()

/** Content-Type, or undefined when absent. */
export const getContentType = (message: SipMessage): Result<MediaType | undefined, HeaderError> =>
  optionalHeader(message, "content-type", (v) => parseMediaType(v))

/** Every Accept media range in order (empty when absent or empty). */
export const getAccept = (message: SipMessage): Result<ReadonlyArray<MediaType>, HeaderError> => {
  const out: MediaType[] = []
  for (const h of findHeaders(message.headers, "accept", undefined))
    for (const item of splitList(h.value)) {
      const r = parseMediaType(item, "accept")
      if (r._tag === "Err") return r
      out.push(r.value)
    }
  return ok(out)
}
