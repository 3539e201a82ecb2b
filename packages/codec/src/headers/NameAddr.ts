/**
 * NameAddr — the From/To/Contact/Route/Record-Route/Reply-To/Refer-To family (RFC 3261 §20.10, §20.20,
 * §20.39, §20.30, §20.34, §25.1):
 *   ( name-addr / addr-spec ) *( SEMI generic-param )
 *   name-addr = [ display-name ] LAQUOT addr-spec RAQUOT;  display-name = *(token LWS) / quoted-string
 * In the addr-spec form (no `<>`) the parameters after `;` belong to the header, not the URI (§20).
 * Example: `From: "Bob \"B\" Smith" <sip:bob@biloxi.com>;tag=a6c85cf`
 */
import { isTokenChar, isWs, SCHEME_TABLE, TOKEN_TABLE, WORDS_TABLE } from "../Chars.js"
import { nameMatches } from "../HeaderNames.js"
import { findHeaderIndex } from "../Headers.js"
import { parseListRange, splitList } from "../Lists.js"
import type { SipMessage } from "../Message.js"
import {
  findParam,
  findPlainParam,
  getParam,
  type Param,
  parseParams,
  plainKey,
  printParams,
  quote,
  quotedEnd,
  unquote,
} from "../Params.js"
import { firstIndex, located, locateFirst, SLOT_FROM, SLOT_TO, stateOf, typedField } from "../Parsed.js"
import { type HeaderError, makeHeaderError } from "../ParseError.js"
import { err, type Ok, ok, type Result } from "../Result.js"

// Bound in this module for the in-place path: V8 (13.6) compiles an immutable module-local binding to its value,
// while an imported binding is live, so each use re-reads and checks it (see Parser.ts).
const parsedState = stateOf
const okValue = ok
const FROM_SLOT = SLOT_FROM
const TO_SLOT = SLOT_TO
const WORDS = WORDS_TABLE
const SCHEME = SCHEME_TABLE
const plainParam = findPlainParam

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
  while (i < e && SCHEME_TABLE[t.charCodeAt(i)] === 1) i++
  if (i === s || i + 1 >= e || t.charCodeAt(i) !== 58) return false
  // Native searches beat a character loop here, even when the tab search runs on to the end of the text.
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

/**
 * Where the parts of the name-addr last scanned by `scanNameAddr` lie (a reused record: read right after the call;
 * the codec is single-threaded and the scan calls nothing out). `dn` is -1 without a display name; `quoted` says
 * whether it is a quoted-string.
 */
const scan = { dn: -1, dnEnd: 0, quoted: false, uri: 0, uriEnd: 0, bracketed: false, fault: "" }

/**
 * Scans the name-addr / addr-spec in `t[s, e)` without building anything: answers where its parameters start, or
 * -1 (the reason in `scan.fault`).
 */
const scanNameAddr = (t: string, s: number, e: number): number => {
  let i = s
  while (i < e && isWs(t.charCodeAt(i))) i++
  scan.dn = -1
  scan.quoted = false
  let lt = -1
  if (t.charCodeAt(i) === 34) {
    const end = quotedEnd(t, i, e)
    if (end < 0 || end > e) return scanFault("unterminated quoted display name")
    scan.dn = i
    scan.dnEnd = end
    scan.quoted = true
    i = end
    while (i < e && isWs(t.charCodeAt(i))) i++
    if (t.charCodeAt(i) !== 60) return scanFault('expected "<" after the display name')
    lt = i
  } else {
    let j = i
    while (j < e) {
      const c = t.charCodeAt(j)
      if (c !== 32 && c !== 9 && TOKEN_TABLE[c] !== 1) break
      j++
    }
    if (j < e && t.charCodeAt(j) === 60) {
      lt = j
      while (j > i && isWs(t.charCodeAt(j - 1))) j--
      if (j > i) {
        scan.dn = i
        scan.dnEnd = j
      }
    }
  }
  if (lt >= 0) {
    const gt = t.indexOf(">", lt + 1)
    if (gt < 0 || gt >= e) return scanFault('expected ">"')
    if (!isUriRange(t, lt + 1, gt)) return scanFault(`invalid URI ${JSON.stringify(t.slice(lt + 1, gt))}`)
    scan.uri = lt + 1
    scan.uriEnd = gt
    scan.bracketed = true
    return gt + 1
  }
  let semi = i
  while (semi < e && t.charCodeAt(semi) !== 59) semi++
  let ue = semi
  while (ue > i && isWs(t.charCodeAt(ue - 1))) ue--
  if (!isUriRange(t, i, ue)) return scanFault(`invalid URI ${JSON.stringify(t.slice(i, ue))}`)
  // §20: a URI holding ",", "?" or ";" must be in name-addr form (RFC 4475 regbadct).
  for (let k = i; k < ue; k++) {
    const c = t.charCodeAt(k)
    if (c === 63 || c === 44) return scanFault(`URI with "?" or "," must be enclosed in <>`)
  }
  scan.uri = i
  scan.uriEnd = ue
  scan.bracketed = false
  return semi
}

const scanFault = (reason: string): number => {
  scan.fault = reason
  return -1
}

/** Parses the name-addr / addr-spec in `t[s, e)`. */
export const parseNameAddrRange = (
  t: string,
  s: number,
  e: number,
  header: string,
): Result<NameAddr, HeaderError> => {
  const at = scanNameAddr(t, s, e)
  if (at < 0) return fault(header, scan.fault)
  const displayName =
    scan.dn < 0
      ? undefined
      : scan.quoted
        ? unquote(t.slice(scan.dn, scan.dnEnd))
        : t.slice(scan.dn, scan.dnEnd)
  const uri = t.slice(scan.uri, scan.uriEnd)
  const bracketed = scan.bracketed
  const params = parseParams(t, at, e)
  if (typeof params === "string") return fault(header, params)
  return ok({ displayName, uri, bracketed, params })
}

/**
 * The `tag` parameter of the single name-addr header `key` (From, To) — `getTag(getFrom(message))` without
 * building the name-addr; the same error as the full accessor when the header is missing or does not parse.
 * A plain tag of a parsed message is kept from its first read (`ParsedState.fromTag`, `toTag`): later reads make
 * nothing.
 */
const tagOf = (
  message: SipMessage,
  slot: number,
  key: string,
  kind: Kind,
): Result<string | undefined, HeaderError> => {
  const p = parsedState(message)
  if (p !== undefined) {
    const known = slot === FROM_SLOT ? p.fromTag : p.toTag
    if (known !== undefined) return known
    // The first From/To value lies in the message bytes: a plain one is read there, whatever was read before.
    const s = slot === FROM_SLOT ? p.fromAt : p.toAt
    if (s >= 0) {
      const e = s + message.headers[slot === FROM_SLOT ? p.from : p.to]!.value.length
      const plain = plainTag(p.bytes!, p.text, s, e)
      if (plain !== null) {
        const tag = okValue(plain)
        if (slot === FROM_SLOT) p.fromTag = tag
        else p.toTag = tag
        return tag
      }
    }
  }
  const i = locateFirst(message, slot, key)
  if (i < 0) return fault(key, `missing ${key}`)
  const known = located.known as Result<NameAddr, HeaderError> | undefined
  if (known === undefined) {
    const t = located.text
    const at = scanNameAddr(t, located.start, located.end)
    const tag = at < 0 ? null : findParam(t, at, located.end, "tag")
    if (tag !== null) return ok(tag)
  }
  const na = known ?? typedField(message, i, key, kind.single)
  return na._tag === "Err" ? na : ok(getTag(na.value))
}

const TAG = plainKey("tag")

/**
 * The tag of the name-addr at `[s, e)` of a parsed message's ASCII `bytes` (and its `text`) when it is written
 * the way nearly everyone writes it — an optional display name (token words and single spaces, or a quoted-string
 * without quoted-pairs or control characters, and one space), `<` URI `>`, then plain parameters (`findPlainParam`)
 * — in one pass; `null` for anything else (the full scan decides). Whatever it answers, `getTag(getFrom(m))` … would: every such text is
 * a valid name-addr.
 */
const plainTag = (b: Uint8Array, t: string, s: number, e: number): string | undefined | null => {
  // No loop tests `e` on every byte: `b[e]` is SP or a control character and the line ends in LF (the parser trims
  // those off a value), each loop stops at a control character, and what lies past `e` fails the tests against it.
  let i = s
  let c = b[i]!
  if (c === 34) {
    i++
    while ((c = b[i]!) !== 34) {
      if (c === 92 || c < 32) return null
      i++
    }
    if (i >= e) return null
    if (b[++i] === 32) i++
  } else {
    // Token words and spaces by one table read a byte (testing SP first made V8 reload the token table each byte).
    while (WORDS[b[i]!] === 1) i++
  }
  if (i >= e || b[i] !== 60) return null
  // addr-spec = scheme ":" 1*(a character but SP, HTAB and ">"), then ">" (a control character: the full scan decides)
  const u = ++i
  while (SCHEME[b[i]!] === 1) i++
  if (i === u || i >= e || b[i] !== 58) return null
  const r = ++i
  while ((c = b[i]!) !== 62) {
    if (c <= 32) return null
    i++
  }
  if (i === r || i >= e) return null
  return plainParam(b, t, i + 1, e, TAG)
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
  // One field (the usual case) answers its remembered list as it is: the values are immutable.
  let only: Ok<ReadonlyArray<NameAddr>> | undefined
  let out: NameAddr[] | undefined
  const hs = message.headers
  for (let i = 0; i < hs.length; i++) {
    if (!nameMatches(hs[i]!.name, key, compact)) continue
    const r = typedField(message, i, kind.listKind, kind.list)
    if (r._tag === "Err") return r
    if (only === undefined) only = r
    else {
      if (out === undefined) out = [...only.value]
      out.push(...r.value)
    }
  }
  return out !== undefined ? ok(out) : (only ?? ok(NONE))
}

const NONE: ReadonlyArray<NameAddr> = []

export const getFrom = (message: SipMessage): Result<NameAddr, HeaderError> => {
  const i = firstIndex(message, SLOT_FROM)
  return i < 0 ? fault("from", "missing from") : typedField(message, i, "from", FROM.single)
}
export const getTo = (message: SipMessage): Result<NameAddr, HeaderError> => {
  const i = firstIndex(message, SLOT_TO)
  return i < 0 ? fault("to", "missing to") : typedField(message, i, "to", TO.single)
}

/**
 * The From tag (§8.1.1.3): `getTag(getFrom(message))` read in place, without building the name-addr — what a
 * dialog or transaction layer reads. Undefined when From has no tag; `getFrom`'s error when From is missing or
 * does not parse.
 */
export const getFromTag = (message: SipMessage): Result<string | undefined, HeaderError> =>
  tagOf(message, FROM_SLOT, "from", FROM)
/** The To tag (§8.2.6.2, §12): `getTag(getTo(message))` read in place; `getTo`'s error when To is unusable. */
export const getToTag = (message: SipMessage): Result<string | undefined, HeaderError> =>
  tagOf(message, TO_SLOT, "to", TO)
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
  // One pass counts the Contact fields and notes a "*" anywhere (no list of the fields is made).
  const hs = message.headers
  let fields = 0
  let first = ""
  let star = false
  for (let i = 0; i < hs.length; i++) {
    const h = hs[i]!
    if (!nameMatches(h.name, "contact", "m")) continue
    if (fields++ === 0) first = h.value
    if (h.value.includes("*")) star = true
  }
  if (star) {
    if (fields === 1 && first.trim() === "*") return ALL
    for (let i = 0; i < hs.length; i++) {
      const h = hs[i]!
      if (nameMatches(h.name, "contact", "m") && h.value.includes("*") && splitList(h.value).includes("*"))
        return err(makeHeaderError("contact", '"*" mixed with other contacts'))
    }
  }
  return many(message, "contact", "m")
}

const ALL: Result<"*", HeaderError> = ok("*")

/** Route values in order (empty when absent). */
export const getRoutes = (message: SipMessage): Result<ReadonlyArray<NameAddr>, HeaderError> =>
  many(message, "route")
/** Record-Route values in order (empty when absent). */
export const getRecordRoutes = (message: SipMessage): Result<ReadonlyArray<NameAddr>, HeaderError> =>
  many(message, "record-route")
