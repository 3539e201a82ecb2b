/**
 * NameAddr — the From/To/Contact/Route/Record-Route/Reply-To/Refer-To family (RFC 3261 §20.10, §20.20,
 * §20.39, §20.30, §20.34, §25.1):
 *   ( name-addr / addr-spec ) *( SEMI generic-param )
 *   name-addr = [ display-name ] LAQUOT addr-spec RAQUOT;  display-name = *(token LWS) / quoted-string
 * In the addr-spec form (no `<>`) the parameters after `;` belong to the header, not the URI (§20).
 * Example: `From: "Bob \"B\" Smith" <sip:bob@biloxi.com>;tag=a6c85cf`
 */
import { isSchemeChar, isTokenChar, isWs } from "../Chars.js"
import { findHeaderIndex, findHeaders } from "../Headers.js"
import { splitList } from "../Lists.js"
import type { SipMessage } from "../Message.js"
import { getParam, type Param, parseParams, printParams, quote, quotedEnd, unquote } from "../Params.js"
import { type HeaderError, makeHeaderError } from "../ParseError.js"
import { err, ok, type Result } from "../Result.js"

export interface NameAddr {
  /** The display name: a quoted-string's content (quoted-pairs resolved) or the token words as written. */
  readonly displayName: string | undefined
  /** The URI as written (without `<>`); `parseUri` gives its typed form. */
  readonly uri: string
  /** Whether the URI stood in `<>` (name-addr form). */
  readonly bracketed: boolean
  readonly params: ReadonlyArray<Param>
}

const isTokenWords = (text: string): boolean => {
  if (text.length === 0 || text.charCodeAt(0) === 32 || text.charCodeAt(text.length - 1) === 32) return false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c !== 32 && !isTokenChar(c)) return false
  }
  return true
}

const isUriText = (uri: string): boolean => {
  const colon = uri.indexOf(":")
  if (colon < 1) return false
  for (let i = 0; i < colon; i++) if (!isSchemeChar(uri.charCodeAt(i))) return false
  for (let i = colon + 1; i < uri.length; i++) if (uri.charCodeAt(i) <= 32) return false
  return colon + 1 < uri.length
}

/** Parses one name-addr / addr-spec with its parameters; `header` names the header in errors. */
export const parseNameAddr = (value: string, header = "name-addr"): Result<NameAddr, HeaderError> => {
  const fault = (reason: string) => err(makeHeaderError(header, reason))
  const n = value.length
  let i = 0
  while (i < n && isWs(value.charCodeAt(i))) i++
  let displayName: string | undefined
  let lt = -1
  if (value.charCodeAt(i) === 34) {
    const end = quotedEnd(value, i)
    if (end < 0) return fault("unterminated quoted display name")
    displayName = unquote(value.slice(i, end))
    i = end
    while (i < n && isWs(value.charCodeAt(i))) i++
    if (value.charCodeAt(i) !== 60) return fault('expected "<" after the display name')
    lt = i
  } else {
    let j = i
    while (j < n) {
      const c = value.charCodeAt(j)
      if (c !== 32 && c !== 9 && !isTokenChar(c)) break
      j++
    }
    if (value.charCodeAt(j) === 60) {
      lt = j
      const words = value.slice(i, j).trim()
      if (words.length > 0) displayName = words
    }
  }
  if (lt >= 0) {
    const gt = value.indexOf(">", lt)
    if (gt < 0) return fault('expected ">"')
    const uri = value.slice(lt + 1, gt)
    if (!isUriText(uri)) return fault(`invalid URI ${JSON.stringify(uri)}`)
    const params = parseParams(value, gt + 1)
    if (typeof params === "string") return fault(params)
    return ok({ displayName, uri, bracketed: true, params })
  }
  let semi = value.indexOf(";", i)
  if (semi < 0) semi = n
  const uri = value.slice(i, semi).trim()
  if (!isUriText(uri)) return fault(`invalid URI ${JSON.stringify(uri)}`)
  const params = parseParams(value, semi)
  if (typeof params === "string") return fault(params)
  return ok({ displayName: undefined, uri, bracketed: false, params })
}

const needsBrackets = (uri: string): boolean => /[;,?]/.test(uri)

export const printNameAddr = (na: NameAddr): string => {
  let out = ""
  const dn = na.displayName
  if (dn !== undefined) out += `${isTokenWords(dn) ? dn : quote(dn)} `
  out += dn !== undefined || na.bracketed || needsBrackets(na.uri) ? `<${na.uri}>` : na.uri
  return out + printParams(na.params)
}

export const getTag = (na: NameAddr): string | undefined => getParam(na.params, "tag")

const single = (
  message: SipMessage,
  key: string,
  compact: string | undefined,
): Result<NameAddr, HeaderError> => {
  const i = findHeaderIndex(message.headers, key, compact)
  return i < 0 ? err(makeHeaderError(key, `missing ${key}`)) : parseNameAddr(message.headers[i]!.value, key)
}

const many = (message: SipMessage, key: string): Result<ReadonlyArray<NameAddr>, HeaderError> => {
  const out: NameAddr[] = []
  for (const h of findHeaders(message.headers, key, key === "contact" ? "m" : undefined))
    for (const item of splitList(h.value)) {
      const r = parseNameAddr(item, key)
      if (r._tag === "Err") return r
      out.push(r.value)
    }
  return ok(out)
}

export const getFrom = (message: SipMessage): Result<NameAddr, HeaderError> => single(message, "from", "f")
export const getTo = (message: SipMessage): Result<NameAddr, HeaderError> => single(message, "to", "t")
/** Reply-To (§20.31); an error when absent. */
export const getReplyTo = (message: SipMessage): Result<NameAddr, HeaderError> =>
  single(message, "reply-to", undefined)

/** The Contact values in order, or `"*"` (§10.2.2, REGISTER "remove all bindings"). Empty when absent. */
export const getContacts = (message: SipMessage): Result<ReadonlyArray<NameAddr> | "*", HeaderError> => {
  const fields = findHeaders(message.headers, "contact", "m")
  if (fields.length === 1 && fields[0]!.value.trim() === "*") return ok("*")
  for (const f of fields)
    if (splitList(f.value).includes("*"))
      return err(makeHeaderError("contact", '"*" mixed with other contacts'))
  return many(message, "contact")
}

/** Route values in order (empty when absent). */
export const getRoutes = (message: SipMessage): Result<ReadonlyArray<NameAddr>, HeaderError> =>
  many(message, "route")
/** Record-Route values in order (empty when absent). */
export const getRecordRoutes = (message: SipMessage): Result<ReadonlyArray<NameAddr>, HeaderError> =>
  many(message, "record-route")
