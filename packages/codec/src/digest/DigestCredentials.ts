/**
 * Credentials: Authorization and Proxy-Authorization values (RFC 3261 §22.2, §25.1; RFC 7616 §3.4).
 *
 *   credentials = "Digest" LWS digest-response *(COMMA digest-response)
 *   digest-response = username / realm / nonce / digest-uri / dresponse / algorithm / cnonce / opaque
 *                     / message-qop / nonce-count / userhash / auth-param
 *
 * The nonce-count is kept as written (8 hex digits) because it is hashed as text.
 */
import { err, ok, type Result } from "../Result.js"
import { type AuthError, makeAuthError } from "./AuthError.js"
import { type AuthParam, paramValue, parseAuthItems, printAuthItem } from "./authParams.js"

export interface DigestCredentials {
  readonly _tag: "DigestCredentials"
  readonly username: string
  readonly realm: string
  readonly nonce: string
  readonly uri: string
  readonly response: string
  /** As written; undefined means MD5. */
  readonly algorithm: string | undefined
  readonly cnonce: string | undefined
  readonly opaque: string | undefined
  /** "auth" or "auth-int"; undefined for the RFC 2069 form. */
  readonly qop: string | undefined
  /** The nonce-count as written, e.g. "00000001". */
  readonly nc: string | undefined
  readonly userhash: boolean
  readonly extra: ReadonlyArray<AuthParam>
}

const KNOWN = [
  "username",
  "realm",
  "nonce",
  "uri",
  "response",
  "algorithm",
  "cnonce",
  "opaque",
  "qop",
  "nc",
  "userhash",
]

/**
 * Reads one Authorization / Proxy-Authorization value. RFC 7616 §3.4: with a qop, cnonce and nc are required;
 * without one (RFC 2069) they must be absent.
 */
export const parseCredentials = (value: string): Result<DigestCredentials, AuthError> => {
  const items = parseAuthItems(value)
  if (items._tag === "Err") return items
  const [item, ...rest] = items.value
  if (item === undefined || rest.length > 0)
    return err(makeAuthError("expected exactly one set of credentials"))
  if (item.scheme.toLowerCase() !== "digest")
    return err(makeAuthError(`not Digest credentials: ${item.scheme}`))
  const get = (name: string) => paramValue(item.params, name)
  for (const name of ["username", "realm", "nonce", "uri", "response"]) {
    if (get(name) === undefined) return err(makeAuthError(`Digest credentials without ${name}`))
  }
  const qop = get("qop")
  const nc = get("nc")
  if (qop !== undefined && (get("cnonce") === undefined || nc === undefined)) {
    return err(makeAuthError("qop given without cnonce and nc"))
  }
  if (nc !== undefined && !/^[0-9a-fA-F]{8}$/.test(nc)) return err(makeAuthError("nc must be 8 hex digits"))
  return ok({
    _tag: "DigestCredentials",
    username: get("username")!,
    realm: get("realm")!,
    nonce: get("nonce")!,
    uri: get("uri")!,
    response: get("response")!,
    algorithm: get("algorithm"),
    cnonce: get("cnonce"),
    opaque: get("opaque"),
    qop,
    nc,
    userhash: get("userhash")?.toLowerCase() === "true",
    extra: item.params.filter((p) => !KNOWN.includes(p.name.toLowerCase())),
  })
}

const param = (name: string, value: string | undefined, quoted: boolean): ReadonlyArray<AuthParam> =>
  value === undefined ? [] : [{ name, value, quoted }]

/** Writes credentials as a header value, in the order of RFC 7616 §3.9.1's example. */
export const printCredentials = (c: DigestCredentials): string =>
  printAuthItem({
    scheme: "Digest",
    token68: undefined,
    params: [
      ...param("username", c.username, true),
      ...param("realm", c.realm, true),
      ...param("uri", c.uri, true),
      ...param("algorithm", c.algorithm, false),
      ...param("nonce", c.nonce, true),
      ...param("nc", c.nc, false),
      ...param("cnonce", c.cnonce, true),
      ...param("qop", c.qop, false),
      ...param("response", c.response, true),
      ...param("opaque", c.opaque, true),
      ...param("userhash", c.userhash ? "true" : undefined, false),
      ...c.extra,
    ],
  })
