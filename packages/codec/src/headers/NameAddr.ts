/**
 * NameAddr — the From/To/Contact/Route/Record-Route/Reply-To/Refer-To family (RFC 3261 §20.10, §20.20,
 * §20.39, §20.30, §20.34, §25.1):
 *   ( name-addr / addr-spec ) *( SEMI generic-param )
 *   name-addr = [ display-name ] LAQUOT addr-spec RAQUOT;  display-name = *(token LWS) / quoted-string
 * In the addr-spec form (no `<>`) the parameters after `;` belong to the header, not the URI (§20).
 * Example: `From: "Bob \"B\" Smith" <sip:bob@biloxi.com>;tag=a6c85cf`
 */
import { isSchemeChar, isTokenChar, isWs } from "../Chars.js"
import { nameMatches } from "../HeaderNames.js"
import { findHeaderIndex, findHeaders } from "../Headers.js"
import { parseListRange, splitList } from "../Lists.js"
import type { SipMessage } from "../Message.js"
import { getParam, type Param, parseParams, printParams, quote, quotedEnd, unquote } from "../Params.js"
import { typedField } from "../Parsed.js"
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

/** `scheme ":" 1*(non-space)` in `t[s, e)` (values hold no CR/LF: the parser ends lines there). */
const isUriRange = (t: string, s: number, e: number): boolean => {
  let i = s
  while (i < e && isSchemeChar(t.charCodeAt(i))) i++
  if (i === s || i + 1 >= e || t.charCodeAt(i) !== 58) return false
  const sp = t.indexOf(" ", i)
  if (sp >= 0 && sp < e) return false
  const tab = t.indexOf("\t", i)
  return tab < 0 || tab >= e
}

const fault = (header: string, reason: string): Result<never, HeaderError> =>
  err(makeHeaderError(header, reason))

/** Parses one name-addr / addr-spec with its parameters; `header` names the header in errors. */
export const parseNameAddr = (value: string, header = "name-addr"): Result<NameAddr, HeaderError> =>
  parseNameAddrRange(value, 0, value.length, header)

/** Parses the name-addr / addr-spec in `t[s, e)`. */
export const parseNameAddrRange = (
  t: string,
  s: number,
  e: number,
  header: string,
): Result<NameAddr, HeaderError> => {
  let i = s
  while (i < e && isWs(t.charCodeAt(i))) i++
  let displayName: string | undefined
  let lt = -1
  if (t.charCodeAt(i) === 34) {
    const end = quotedEnd(t, i)
    if (end < 0 || end > e) return fault(header, "unterminated quoted display name")
    displayName = unquote(t.slice(i, end))
    i = end
    while (i < e && isWs(t.charCodeAt(i))) i++
    if (t.charCodeAt(i) !== 60) return fault(header, 'expected "<" after the display name')
    lt = i
  } else {
    let j = i
    while (j < e) {
      const c = t.charCodeAt(j)
      if (c !== 32 && c !== 9 && !isTokenChar(c)) break
      j++
    }
    if (j < e && t.charCodeAt(j) === 60) {
      lt = j
      while (j > i && isWs(t.charCodeAt(j - 1))) j--
      if (j > i) displayName = t.slice(i, j)
    }
  }
  if (lt >= 0) {
    const gt = t.indexOf(">", lt + 1)
    if (gt < 0 || gt >= e) return fault(header, 'expected ">"')
    if (!isUriRange(t, lt + 1, gt)) return fault(header, `invalid URI ${JSON.stringify(t.slice(lt + 1, gt))}`)
    const params = parseParams(t, gt + 1, e)
    if (typeof params === "string") return fault(header, params)
    return ok({ displayName, uri: t.slice(lt + 1, gt), bracketed: true, params })
  }
  let semi = i
  while (semi < e && t.charCodeAt(semi) !== 59) semi++
  let ue = semi
  while (ue > i && isWs(t.charCodeAt(ue - 1))) ue--
  if (!isUriRange(t, i, ue)) return fault(header, `invalid URI ${JSON.stringify(t.slice(i, ue))}`)
  const uri = t.slice(i, ue)
  // §20: a URI holding ",", "?" or ";" must be in name-addr form (RFC 4475 regbadct).
  if (uri.includes("?") || uri.includes(","))
    return fault(header, `URI with "?" or "," must be enclosed in <>`)
  const params = parseParams(t, semi, e)
  if (typeof params === "string") return fault(header, params)
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

/** Parses every element of a name-addr list field (Contact, Route, Record-Route …). */
export const parseNameAddrList = (
  value: string,
  header = "name-addr",
): Result<ReadonlyArray<NameAddr>, HeaderError> => parseNameAddrListRange(value, 0, value.length, header)

const parseNameAddrListRange = (
  t: string,
  s: number,
  e: number,
  header: string,
): Result<ReadonlyArray<NameAddr>, HeaderError> => {
  const r = parseListRange(t, s, e, (t2, s2, e2) => parseNameAddrRange(t2, s2, e2, header))
  return r._tag === "Ok" && r.value.length === 0 ? fault(header, `empty ${header}`) : r
}

interface Kind {
  readonly single: (t: string, s: number, e: number) => Result<NameAddr, HeaderError>
  readonly list: (t: string, s: number, e: number) => Result<ReadonlyArray<NameAddr>, HeaderError>
  readonly listKind: string
}

const kinds = new Map<string, Kind>()
const kindOf = (key: string): Kind => {
  let k = kinds.get(key)
  if (k === undefined) {
    k = {
      single: (t, s, e) => parseNameAddrRange(t, s, e, key),
      list: (t, s, e) => parseNameAddrListRange(t, s, e, key),
      listKind: `${key}*`,
    }
    kinds.set(key, k)
  }
  return k
}
const FROM = kindOf("from")
const TO = kindOf("to")

const single = (
  message: SipMessage,
  key: string,
  compact: string | undefined,
  kind: Kind,
): Result<NameAddr, HeaderError> => {
  const i = findHeaderIndex(message.headers, key, compact)
  return i < 0 ? fault(key, `missing ${key}`) : typedField(message, i, key, kind.single)
}

const many = (
  message: SipMessage,
  key: string,
  compact?: string,
): Result<ReadonlyArray<NameAddr>, HeaderError> => {
  const kind = kindOf(key)
  const out: NameAddr[] = []
  const hs = message.headers
  for (let i = 0; i < hs.length; i++) {
    if (!nameMatches(hs[i]!.name, key, compact)) continue
    const r = typedField(message, i, kind.listKind, kind.list)
    if (r._tag === "Err") return r
    out.push(...r.value)
  }
  return ok(out)
}

export const getFrom = (message: SipMessage): Result<NameAddr, HeaderError> =>
  single(message, "from", "f", FROM)
export const getTo = (message: SipMessage): Result<NameAddr, HeaderError> => single(message, "to", "t", TO)
/** Reply-To (§20.31); an error when absent. */
export const getReplyTo = (message: SipMessage): Result<NameAddr, HeaderError> =>
  single(message, "reply-to", undefined, kindOf("reply-to"))

/** Refer-To (RFC 3515 §2.1, compact `r`): the refer target; an error when absent. */
export const getReferTo = (message: SipMessage): Result<NameAddr, HeaderError> =>
  single(message, "refer-to", "r", kindOf("refer-to"))
/** Referred-By (RFC 3892 §3, compact `b`): the referrer; an error when absent. */
export const getReferredBy = (message: SipMessage): Result<NameAddr, HeaderError> =>
  single(message, "referred-by", "b", kindOf("referred-by"))

/** The Contact values in order, or `"*"` (§10.2.2, REGISTER "remove all bindings"). Empty when absent. */
export const getContacts = (message: SipMessage): Result<ReadonlyArray<NameAddr> | "*", HeaderError> => {
  const fields = findHeaders(message.headers, "contact", "m")
  if (fields.length === 1 && fields[0]!.value.trim() === "*") return ok("*")
  for (const f of fields)
    if (splitList(f.value).includes("*"))
      return err(makeHeaderError("contact", '"*" mixed with other contacts'))
  return many(message, "contact", "m")
}

/** Route values in order (empty when absent). */
export const getRoutes = (message: SipMessage): Result<ReadonlyArray<NameAddr>, HeaderError> =>
  many(message, "route")
/** Record-Route values in order (empty when absent). */
export const getRecordRoutes = (message: SipMessage): Result<ReadonlyArray<NameAddr>, HeaderError> =>
  many(message, "record-route")
