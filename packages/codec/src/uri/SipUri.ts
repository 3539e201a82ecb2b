/**
 * SipUri — `sip:` and `sips:` URIs (RFC 3261 §19.1.1, §25.1):
 *   SIP-URI = "sip:" [ userinfo ] hostport uri-parameters [ headers ]
 *   userinfo = ( user / telephone-subscriber ) [ ":" password ] "@"
 *   hostport = host [ ":" port ];  uri-parameters = *( ";" uri-parameter );  headers = "?" header *( "&" header )
 * Components are kept as written; escapes are checked, not resolved.
 */
import { parseDigits } from "../Chars.js"
import type { Param } from "../Params.js"
import { type HeaderError, makeHeaderError } from "../ParseError.js"
import { err, ok, type Result } from "../Result.js"
import { HEADER_EXTRA, isEscapedText, isHost, PARAM_EXTRA, PASSWORD_EXTRA, USER_EXTRA } from "./Escapes.js"
import type { SipUri } from "./Uri.js"

const fault = (reason: string): Result<never, HeaderError> => err(makeHeaderError("uri", reason))

/** Parses what follows `sip:` / `sips:`. */
export const parseSipUri = (scheme: "sip" | "sips", rest: string): Result<SipUri, HeaderError> => {
  // '@' never appears unescaped in host, params or headers, while the user part may hold '?', ';' and '/'.
  const at = rest.indexOf("@")
  const q = rest.indexOf("?", at + 1)
  const main = q < 0 ? rest : rest.slice(0, q)
  let user: string | undefined
  let password: string | undefined
  if (at >= 0) {
    const userinfo = main.slice(0, at)
    const colon = userinfo.indexOf(":")
    user = colon < 0 ? userinfo : userinfo.slice(0, colon)
    if (!isEscapedText(user, USER_EXTRA)) return fault(`invalid user part ${JSON.stringify(user)}`)
    if (colon >= 0) {
      password = userinfo.slice(colon + 1)
      if (!isEscapedText(password, PASSWORD_EXTRA, true)) return fault("invalid password")
    }
  }
  const afterUser = main.slice(at + 1)
  const semi = afterUser.indexOf(";")
  const hostport = semi < 0 ? afterUser : afterUser.slice(0, semi)
  const hp = parseHostPort(hostport)
  if (typeof hp === "string") return fault(hp)
  const params = semi < 0 ? [] : parseUriParams(afterUser.slice(semi + 1))
  if (typeof params === "string") return fault(params)
  const headers = q < 0 ? [] : parseUriHeaders(rest.slice(q + 1))
  if (typeof headers === "string") return fault(headers)
  return ok({
    _tag: "SipUri",
    scheme,
    ...(user === undefined ? {} : { user }),
    ...(password === undefined ? {} : { password }),
    host: hp.host,
    ...(hp.port === undefined ? {} : { port: hp.port }),
    params,
    headers,
  })
}

/** `host [ ":" port ]`; the error is a reason string. */
export const parseHostPort = (text: string): { host: string; port: number | undefined } | string => {
  const close = text.charCodeAt(0) === 91 ? text.indexOf("]") : -1
  const colon = text.indexOf(":", close < 0 ? 0 : close)
  const host = colon < 0 ? text : text.slice(0, colon)
  if (!isHost(host)) return `invalid host ${JSON.stringify(host)}`
  if (colon < 0) return { host, port: undefined }
  const port = parseDigits(text.slice(colon + 1), 65535)
  if (port === undefined) return `invalid port in ${JSON.stringify(text)}`
  return { host, port }
}

const parseUriParams = (text: string): Param[] | string => {
  const out: Param[] = []
  for (const part of text.split(";")) {
    const eq = part.indexOf("=")
    const name = eq < 0 ? part : part.slice(0, eq)
    if (!isEscapedText(name, PARAM_EXTRA)) return `invalid URI parameter ${JSON.stringify(part)}`
    if (eq < 0) out.push({ name, value: undefined })
    else {
      const value = part.slice(eq + 1)
      if (!isEscapedText(value, PARAM_EXTRA)) return `invalid URI parameter value ${JSON.stringify(part)}`
      out.push({ name, value })
    }
  }
  return out
}

const parseUriHeaders = (text: string): Param[] | string => {
  const out: Param[] = []
  for (const part of text.split("&")) {
    const eq = part.indexOf("=")
    if (eq < 0) return `URI header without "=": ${JSON.stringify(part)}`
    const name = part.slice(0, eq)
    const value = part.slice(eq + 1)
    if (!isEscapedText(name, HEADER_EXTRA) || !isEscapedText(value, HEADER_EXTRA, true))
      return `invalid URI header ${JSON.stringify(part)}`
    out.push({ name, value })
  }
  return out
}

export const printSipUri = (uri: SipUri): string => {
  let out = `${uri.scheme}:`
  if (uri.user !== undefined)
    out += uri.password === undefined ? `${uri.user}@` : `${uri.user}:${uri.password}@`
  out += uri.host
  if (uri.port !== undefined) out += `:${uri.port}`
  for (const p of uri.params) out += p.value === undefined ? `;${p.name}` : `;${p.name}=${p.value}`
  if (uri.headers.length > 0) out += `?${uri.headers.map((h) => `${h.name}=${h.value ?? ""}`).join("&")}`
  return out
}
