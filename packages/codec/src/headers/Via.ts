/**
 * Via (RFC 3261 §20.42, §18.2.1; RFC 3581 rport):
 *   via-parm = sent-protocol LWS sent-by *( SEMI via-params )
 *   sent-protocol = protocol-name SLASH protocol-version SLASH transport   (LWS allowed around SLASH)
 *   sent-by = host [ COLON port ];  via-params = via-ttl / via-maddr / via-received / via-branch / response-port / via-extension
 * Example: `Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds;rport`
 */
import { isHostChar, isTokenChar, isWs } from "../Chars.js"
import { nameMatches } from "../HeaderNames.js"
import { findHeaderIndex } from "../Headers.js"
import { parseListRange } from "../Lists.js"
import type { SipMessage } from "../Message.js"
import { getParam, type Param, parseParams, printParams } from "../Params.js"
import { typedField } from "../Parsed.js"
import { type HeaderError, makeHeaderError } from "../ParseError.js"
import { err, ok, type Result } from "../Result.js"
import { isHost } from "../uri/Escapes.js"

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
  while (i < e && isTokenChar(text.charCodeAt(i))) i++
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

/** Parses the via-parm in `t[s, e)`. */
export const parseViaRange = (t: string, s: number, e: number): Result<Via, HeaderError> => {
  let i = skip(t, s, e)
  let protocol = "SIP/2.0"
  if (t.startsWith("SIP/2.0/", i) && i + 8 <= e) i += 8
  else {
    // sent-protocol with LWS around the slashes (RFC 4475 wsinv)
    const a = i
    i = token(t, i, e)
    const name = t.slice(a, i)
    i = skip(t, i, e)
    if (name.length === 0 || t.charCodeAt(i) !== 47) return fault("expected protocol-name/")
    i = skip(t, i + 1, e)
    const b = i
    i = token(t, i, e)
    const version = t.slice(b, i)
    i = skip(t, i, e)
    if (version.length === 0 || t.charCodeAt(i) !== 47) return fault("expected protocol-version/")
    i = skip(t, i + 1, e)
    if (name !== "SIP" || version !== "2.0") protocol = `${name}/${version}`
  }
  const c = i
  i = token(t, i, e)
  if (i === c) return fault("expected transport")
  const transport = transportName(t, c, i)
  const ws = i
  i = skip(t, i, e)
  if (i === ws) return fault("expected LWS before sent-by")
  const h = i
  if (t.charCodeAt(i) === 91) {
    while (i < e && t.charCodeAt(i) !== 93) i++
    if (i >= e) return fault("unterminated IPv6 reference")
    i++
  } else while (i < e && isHostChar(t.charCodeAt(i))) i++
  if (i === h) return fault("missing sent-by host")
  const host = t.slice(h, i)
  if (t.charCodeAt(h) === 91 && !isHost(host)) return fault(`invalid sent-by host ${JSON.stringify(host)}`)
  i = skip(t, i, e)
  let port: number | undefined
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
    if (i === p || i - p > 5 || v > 65535) return fault("invalid sent-by port")
    port = v
  }
  const params = parseParams(t, i, e)
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
  const i = findHeaderIndex(message.headers, "via", "v")
  if (i < 0) return fault("missing Via")
  return typedField(message, i, "via-top", parseTopViaRange)
}

/** The first via-parm of a Via field value (the rest of the list is not read). */
const parseTopViaRange = (t: string, s: number, e: number): Result<Via, HeaderError> => {
  const comma = t.indexOf(",", s)
  if (comma < 0 || comma >= e) return parseViaRange(t, s, e)
  const r = parseViaListRange(t, s, e)
  return r._tag === "Ok" ? ok(r.value[0]!) : r
}
