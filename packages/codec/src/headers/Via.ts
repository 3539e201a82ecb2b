/**
 * Via (RFC 3261 §20.42, §18.2.1; RFC 3581 rport):
 *   via-parm = sent-protocol LWS sent-by *( SEMI via-params )
 *   sent-protocol = protocol-name SLASH protocol-version SLASH transport   (LWS allowed around SLASH)
 *   sent-by = host [ COLON port ];  via-params = via-ttl / via-maddr / via-received / via-branch / response-port / via-extension
 * Example: `Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds;rport`
 */
import { isTokenChar, isWs, parseDigits } from "../Chars.js"
import { findHeaderIndex, findHeaders } from "../Headers.js"
import { firstListItem, splitList } from "../Lists.js"
import type { SipMessage } from "../Message.js"
import { getParam, type Param, parseParams, printParams } from "../Params.js"
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

const token = (text: string, i: number): number => {
  while (i < text.length && isTokenChar(text.charCodeAt(i))) i++
  return i
}

const skip = (text: string, i: number): number => {
  while (i < text.length && isWs(text.charCodeAt(i))) i++
  return i
}

/** Parses one via-parm (one element of a Via list). */
export const parseVia = (value: string): Result<Via, HeaderError> => {
  const n = value.length
  let i = skip(value, 0)
  const a = i
  i = token(value, i)
  const name = value.slice(a, i)
  i = skip(value, i)
  if (name.length === 0 || value.charCodeAt(i) !== 47) return fault("expected protocol-name/")
  i = skip(value, i + 1)
  const b = i
  i = token(value, i)
  const version = value.slice(b, i)
  i = skip(value, i)
  if (version.length === 0 || value.charCodeAt(i) !== 47) return fault("expected protocol-version/")
  i = skip(value, i + 1)
  const c = i
  i = token(value, i)
  const transport = value.slice(c, i)
  if (transport.length === 0) return fault("expected transport")
  const ws = i
  i = skip(value, i)
  if (i === ws) return fault("expected LWS before sent-by")
  const h = i
  if (value.charCodeAt(i) === 91) {
    const close = value.indexOf("]", i)
    if (close < 0) return fault("unterminated IPv6 reference")
    i = close + 1
  } else
    while (i < n) {
      const ch = value.charCodeAt(i)
      if (ch === 58 || ch === 59 || isWs(ch)) break
      i++
    }
  const host = value.slice(h, i)
  if (!isHost(host)) return fault(`invalid sent-by host ${JSON.stringify(host)}`)
  i = skip(value, i)
  let port: number | undefined
  if (value.charCodeAt(i) === 58) {
    i = skip(value, i + 1)
    const p = i
    while (i < n && value.charCodeAt(i) >= 48 && value.charCodeAt(i) <= 57) i++
    port = parseDigits(value.slice(p, i), 65535)
    if (port === undefined) return fault("invalid sent-by port")
  }
  const params = parseParams(value, i)
  if (typeof params === "string") return fault(params)
  const protocol = name === "SIP" && version === "2.0" ? "SIP/2.0" : `${name}/${version}`
  return ok({ protocol, transport: transport.toUpperCase(), host, port, params })
}

export const printVia = (via: Via): string =>
  `${via.protocol}/${via.transport} ${via.host}${via.port === undefined ? "" : `:${via.port}`}${printParams(via.params)}`

export const viaBranch = (via: Via): string | undefined => getParam(via.params, "branch")
export const viaReceived = (via: Via): string | undefined => getParam(via.params, "received")
/** `""` when `;rport` is present without a value (a request asking for it, RFC 3581). */
export const viaRport = (via: Via): string | undefined => getParam(via.params, "rport")
export const viaMaddr = (via: Via): string | undefined => getParam(via.params, "maddr")
export const viaTtl = (via: Via): string | undefined => getParam(via.params, "ttl")

/** Every Via of the message, top first (comma-joined fields split). */
export const getVias = (message: SipMessage): Result<ReadonlyArray<Via>, HeaderError> => {
  const out: Via[] = []
  for (const h of findHeaders(message.headers, "via", "v"))
    for (const item of splitList(h.value)) {
      const r = parseVia(item)
      if (r._tag === "Err") return r
      out.push(r.value)
    }
  return ok(out)
}

/** The top Via (first element of the first Via field). */
export const getTopVia = (message: SipMessage): Result<Via, HeaderError> => {
  const i = findHeaderIndex(message.headers, "via", "v")
  if (i < 0) return fault("missing Via")
  return parseVia(firstListItem(message.headers[i]!.value))
}
