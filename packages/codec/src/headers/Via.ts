/**
 * Via (RFC 3261 §20.42, §18.2.1; RFC 3581 rport):
 *   via-parm = sent-protocol LWS sent-by *( SEMI via-params )
 *   sent-protocol = protocol-name SLASH protocol-version SLASH transport   (LWS allowed around SLASH)
 *   sent-by = host [ COLON port ];  via-params = via-ttl / via-maddr / via-received / via-branch / response-port / via-extension
 * Example: `Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds;rport`
 */
import { HOST_TABLE, isWs, TOKEN_TABLE } from "../Chars.js"
import { nameMatches } from "../HeaderNames.js"
import { parseListRange } from "../Lists.js"
import type { SipMessage } from "../Message.js"
import {
  findParam,
  findPlainParam,
  getParam,
  type Param,
  parseParams,
  plainKey,
  printParams,
} from "../Params.js"
import { firstIndex, located, locateFirst, SLOT_VIA, stateOf, typedField } from "../Parsed.js"
import { type HeaderError, makeHeaderError } from "../ParseError.js"
import { err, ok, type Result } from "../Result.js"
import { isHost } from "../uri/Escapes.js"

// Bound in this module for the in-place path: V8 (13.6) compiles an immutable module-local binding to its value,
// while an imported binding is live, so each use re-reads and checks it (see Parser.ts).
const parsedState = stateOf
const okValue = ok
const TOKENS = TOKEN_TABLE
const HOSTS = HOST_TABLE
const plainParam = findPlainParam

export interface Via {
  /** `SIP/2.0` */
  readonly protocol: string
  /** Upper-case: UDP, TCP, TLS, SCTP, WS, WSS, or an extension token. */
  readonly transport: string
  /** Host name, IPv4 address, or IPv6 reference with brackets. */
  readonly host: string
  readonly port: number | undefined
  readonly params: ReadonlyArray<Param>
}

const fault = (reason: string): Result<never, HeaderError> => err(makeHeaderError("via", reason))

const token = (text: string, i: number, e: number): number => {
  while (i < e && TOKEN_TABLE[text.charCodeAt(i)] === 1) i++
  return i
}

const skip = (text: string, i: number, e: number): number => {
  while (i < e && isWs(text.charCodeAt(i))) i++
  return i
}

/** The upper-case transport name; the common ones are constants (no allocation). */
const transportName = (t: string, s: number, e: number): string => {
  const n = e - s
  const c0 = t.charCodeAt(s) & 0xdf
  const c1 = t.charCodeAt(s + 1) & 0xdf
  const c2 = t.charCodeAt(s + 2) & 0xdf
  if (n === 3) {
    if (c0 === 85 && c1 === 68 && c2 === 80) return "UDP"
    if (c0 === 84 && c1 === 67 && c2 === 80) return "TCP"
    if (c0 === 84 && c1 === 76 && c2 === 83) return "TLS"
    if (c0 === 87 && c1 === 83 && c2 === 83) return "WSS"
  } else if (n === 2 && c0 === 87 && c1 === 83) return "WS"
  return t.slice(s, e).toUpperCase()
}

/** Parses one via-parm (one element of a Via list). */
export const parseVia = (value: string): Result<Via, HeaderError> => parseViaRange(value, 0, value.length)

/**
 * Where the parts of the via-parm last scanned by `scanViaHead` lie (a reused record: read right after the call;
 * the codec is single-threaded and the scan calls nothing out).
 */
const head = {
  name: 0,
  nameEnd: 0,
  version: 0,
  versionEnd: 0,
  transport: 0,
  transportEnd: 0,
  host: 0,
  hostEnd: 0,
  port: -1,
  fault: "",
}

/**
 * Scans `sent-protocol LWS sent-by` of the via-parm in `t[s, e)` without building anything: answers where its
 * parameters start, or -1 (the reason in `head.fault`). `head.name` is -1 for the usual `SIP/2.0/`.
 */
const scanViaHead = (t: string, s: number, e: number): number => {
  let i = skip(t, s, e)
  if (i + 8 <= e && isSip20(t, i)) {
    head.name = -1
    i += 8
  } else {
    // sent-protocol with LWS around the slashes (RFC 4475 wsinv)
    head.name = i
    i = token(t, i, e)
    head.nameEnd = i
    i = skip(t, i, e)
    if (head.nameEnd === head.name || t.charCodeAt(i) !== 47) return scanFault("expected protocol-name/")
    i = skip(t, i + 1, e)
    head.version = i
    i = token(t, i, e)
    head.versionEnd = i
    i = skip(t, i, e)
    if (head.versionEnd === head.version || t.charCodeAt(i) !== 47)
      return scanFault("expected protocol-version/")
    i = skip(t, i + 1, e)
  }
  const c = i
  i = token(t, i, e)
  if (i === c) return scanFault("expected transport")
  head.transport = c
  head.transportEnd = i
  const ws = i
  i = skip(t, i, e)
  if (i === ws) return scanFault("expected LWS before sent-by")
  const h = i
  if (t.charCodeAt(i) === 91) {
    while (i < e && t.charCodeAt(i) !== 93) i++
    if (i >= e) return scanFault("unterminated IPv6 reference")
    i++
  } else while (i < e && HOST_TABLE[t.charCodeAt(i)] === 1) i++
  if (i === h) return scanFault("missing sent-by host")
  if (t.charCodeAt(h) === 91 && !isHost(t.slice(h, i)))
    return scanFault(`invalid sent-by host ${JSON.stringify(t.slice(h, i))}`)
  head.host = h
  head.hostEnd = i
  i = skip(t, i, e)
  head.port = -1
  if (t.charCodeAt(i) === 58) {
    i = skip(t, i + 1, e)
    const p = i
    let v = 0
    while (i < e) {
      const d = t.charCodeAt(i)
      if (d < 48 || d > 57) break
      v = v * 10 + d - 48
      i++
    }
    if (i === p || i - p > 5 || v > 65535) return scanFault("invalid sent-by port")
    head.port = v
  }
  return i
}

/** `SIP/2.0/` at `t[i…]`, as written by everyone. */
const isSip20 = (t: string, i: number): boolean =>
  t.charCodeAt(i) === 83 &&
  t.charCodeAt(i + 1) === 73 &&
  t.charCodeAt(i + 2) === 80 &&
  t.charCodeAt(i + 3) === 47 &&
  t.charCodeAt(i + 4) === 50 &&
  t.charCodeAt(i + 5) === 46 &&
  t.charCodeAt(i + 6) === 48 &&
  t.charCodeAt(i + 7) === 47

const scanFault = (reason: string): number => {
  head.fault = reason
  return -1
}

/** Parses the via-parm in `t[s, e)`. */
export const parseViaRange = (t: string, s: number, e: number): Result<Via, HeaderError> => {
  const at = scanViaHead(t, s, e)
  if (at < 0) return fault(head.fault)
  let protocol = "SIP/2.0"
  if (head.name >= 0) {
    const name = t.slice(head.name, head.nameEnd)
    const version = t.slice(head.version, head.versionEnd)
    if (name !== "SIP" || version !== "2.0") protocol = `${name}/${version}`
  }
  const transport = transportName(t, head.transport, head.transportEnd)
  const host = t.slice(head.host, head.hostEnd)
  const port = head.port < 0 ? undefined : head.port
  const params = parseParams(t, at, e)
  if (typeof params === "string") return fault(params)
  return ok({ protocol, transport, host, port, params })
}

export const printVia = (via: Via): string =>
  `${via.protocol}/${via.transport} ${via.host}${via.port === undefined ? "" : `:${via.port}`}${printParams(via.params)}`

export const viaBranch = (via: Via): string | undefined => getParam(via.params, "branch")
export const viaReceived = (via: Via): string | undefined => getParam(via.params, "received")
/** `""` when `;rport` is present without a value (a request asking for it, RFC 3581). */
export const viaRport = (via: Via): string | undefined => getParam(via.params, "rport")
export const viaMaddr = (via: Via): string | undefined => getParam(via.params, "maddr")
export const viaTtl = (via: Via): string | undefined => getParam(via.params, "ttl")

/** Parses every via-parm of one Via field value (a comma-separated list). */
export const parseViaList = (value: string): Result<ReadonlyArray<Via>, HeaderError> =>
  parseViaListRange(value, 0, value.length)

const parseViaListRange = (t: string, s: number, e: number): Result<ReadonlyArray<Via>, HeaderError> => {
  const comma = t.indexOf(",", s)
  if (comma < 0 || comma >= e) {
    const r = parseViaRange(t, s, e)
    return r._tag === "Ok" ? ok([r.value]) : r
  }
  const r = parseListRange(t, s, e, parseViaRange)
  return r._tag === "Ok" && r.value.length === 0 ? fault("empty Via") : r
}

/** Every Via of the message, top first (comma-joined fields split). */
export const getVias = (message: SipMessage): Result<ReadonlyArray<Via>, HeaderError> => {
  const out: Via[] = []
  const hs = message.headers
  for (let i = 0; i < hs.length; i++) {
    if (!nameMatches(hs[i]!.name, "via", "v")) continue
    const r = typedField(message, i, "via", parseViaListRange)
    if (r._tag === "Err") return r
    out.push(...r.value)
  }
  return ok(out)
}

/** The top Via (first element of the first Via field). */
export const getTopVia = (message: SipMessage): Result<Via, HeaderError> => {
  const i = firstIndex(message, SLOT_VIA)
  if (i < 0) return fault("missing Via")
  return typedField(message, i, "via-top", parseTopViaRange)
}

const BRANCH = plainKey("branch")

/**
 * The `branch` parameter of the top Via — `viaBranch(getTopVia(message))` without building the Via: what a
 * transaction layer reads to match a message to its transaction (§17.1.3, §17.2.3). Undefined when the top Via
 * has no branch; the same error as `getTopVia` when it does not parse.
 */
export const getTopViaBranch = (message: SipMessage): Result<string | undefined, HeaderError> =>
  topViaParam(message, "branch", BRANCH)

/**
 * A parameter of the top Via (lower-case name `key`, `plainKey(key)`), read in place; falls back to `getTopVia` for
 * its error.
 */
const topViaParam = (
  message: SipMessage,
  key: string,
  plain: Uint8Array,
): Result<string | undefined, HeaderError> => {
  const p = parsedState(message)
  if (p !== undefined && p.viaAt >= 0) {
    // The first Via value lies in the message bytes: a plain one is read there, whatever was read before.
    const s = p.viaAt
    const value = plainViaParam(p.bytes!, p.text, s, s + message.headers[p.via]!.value.length, plain)
    if (value !== null) return okValue(value)
  }
  const i = locateFirst(message, SLOT_VIA, "via-top")
  if (i < 0) return fault("missing Via")
  const known = located.known as Result<Via, HeaderError> | undefined
  if (known === undefined) {
    const t = located.text
    const e = located.end
    // A comma-joined field is read whole (its other elements must parse too): only one element is scanned here.
    if (message.headers[i]!.value.indexOf(",") < 0) {
      const at = scanViaHead(t, located.start, e)
      const value = at < 0 ? null : findParam(t, at, e, key)
      if (value !== null) return ok(value)
    }
  }
  const via = known ?? getTopVia(message)
  return via._tag === "Err" ? via : ok(getParam(via.value.params, key))
}

/**
 * The parameter `key` of the via-parm at `[s, e)` of a parsed message's ASCII `bytes` (and its `text`) when it is
 * written the way nearly everyone writes it — `SIP/2.0/` transport SP host [ ":" port ] then plain parameters
 * (`findPlainParam`), no LWS elsewhere, no IPv6 reference, no comma — in one pass; `null` for anything else (the
 * full scan decides). Whatever it answers, `viaBranch(getTopVia(m))` … would: every such text is a valid
 * single via-parm.
 */
const plainViaParam = (
  b: Uint8Array,
  t: string,
  s: number,
  e: number,
  key: Uint8Array,
): string | undefined | null => {
  if (s + 8 > e || b[s] !== 83 || b[s + 1] !== 73 || b[s + 2] !== 80 || b[s + 3] !== 47) return null
  if (b[s + 4] !== 50 || b[s + 5] !== 46 || b[s + 6] !== 48 || b[s + 7] !== 47) return null
  // `b[e]` is SP or a control character (the parser trims those off a value; a line ends in LF): no table loop
  // runs past `e`.
  let i = s + 8
  const ts = i
  while (TOKENS[b[i]!] === 1) i++
  if (i === ts || i >= e || b[i] !== 32) return null
  const h = ++i
  while (HOSTS[b[i]!] === 1) i++
  if (i === h) return null
  if (b[i] === 58) {
    const p = ++i
    let v = 0
    for (;;) {
      const d = b[i]!
      if (d < 48 || d > 57) break
      v = v * 10 + d - 48
      i++
    }
    if (i === p || i - p > 5 || v > 65535) return null
  }
  return plainParam(b, t, i, e, key)
}

/** The first via-parm of a Via field value (the rest of the list is not read). */
const parseTopViaRange = (t: string, s: number, e: number): Result<Via, HeaderError> => {
  const comma = t.indexOf(",", s)
  if (comma < 0 || comma >= e) return parseViaRange(t, s, e)
  const r = parseViaListRange(t, s, e)
  return r._tag === "Ok" ? ok(r.value[0]!) : r
}
