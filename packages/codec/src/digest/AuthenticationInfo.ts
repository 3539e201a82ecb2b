/**
 * Authentication-Info (RFC 3261 §20.6, RFC 7615 §3, RFC 7616 §3.5): the server's answer to good credentials —
 * the next nonce to use, and `rspauth`, which proves the server knows the secret too (mutual authentication).
 *
 *   rspauth = the request-digest computed with an empty method: A2 = ":" request-uri [":" H(entity-body)]
 */
import { ok, type Result } from "../Result.js"
import type { AuthError } from "./AuthError.js"
import { type AuthParam, paramValue, parseAuthParams, printParams } from "./authParams.js"
import { constantTimeEqual } from "./constantTime.js"
import type { DigestCredentials } from "./DigestCredentials.js"
import { computeResponse, credentialsInput, type Secret } from "./response.js"

export interface AuthenticationInfo {
  readonly nextnonce: string | undefined
  readonly qop: string | undefined
  readonly rspauth: string | undefined
  readonly cnonce: string | undefined
  readonly nc: string | undefined
  readonly extra: ReadonlyArray<AuthParam>
}

const KNOWN = ["nextnonce", "qop", "rspauth", "cnonce", "nc"]

export const parseAuthenticationInfo = (value: string): Result<AuthenticationInfo, AuthError> => {
  const params = parseAuthParams(value)
  if (params._tag === "Err") return params
  const get = (name: string) => paramValue(params.value, name)
  return ok({
    nextnonce: get("nextnonce"),
    qop: get("qop"),
    rspauth: get("rspauth"),
    cnonce: get("cnonce"),
    nc: get("nc"),
    extra: params.value.filter((p) => !KNOWN.includes(p.name.toLowerCase())),
  })
}

const param = (name: string, value: string | undefined, quoted: boolean): ReadonlyArray<AuthParam> =>
  value === undefined ? [] : [{ name, value, quoted }]

export const printAuthenticationInfo = (info: AuthenticationInfo): string =>
  printParams([
    ...param("nextnonce", info.nextnonce, true),
    ...param("qop", info.qop, false),
    ...param("rspauth", info.rspauth, true),
    ...param("cnonce", info.cnonce, true),
    ...param("nc", info.nc, false),
    ...info.extra,
  ])

const rspauth = (
  credentials: DigestCredentials,
  secret: Secret,
  body?: string | Uint8Array,
): string | undefined => {
  const input = credentialsInput(credentials, { method: "", ...(body === undefined ? {} : { body }) })
  return input === undefined ? undefined : computeResponse(input, secret)
}

/** The Authentication-Info value a server sends with its 2xx after `verifyCredentials` accepted `credentials`. */
export const makeAuthenticationInfo = (
  credentials: DigestCredentials,
  secret: Secret,
  options: { readonly body?: string | Uint8Array; readonly nextnonce?: string } = {},
): string =>
  printAuthenticationInfo({
    nextnonce: options.nextnonce,
    qop: credentials.qop,
    rspauth: credentials.qop === undefined ? undefined : rspauth(credentials, secret, options.body),
    cnonce: credentials.cnonce,
    nc: credentials.nc,
    extra: [],
  })

/** The client's check of the server's rspauth (constant-time). False when it is missing or wrong. */
export const verifyAuthenticationInfo = (
  info: AuthenticationInfo,
  credentials: DigestCredentials,
  secret: Secret,
  body?: string | Uint8Array,
): boolean => {
  const expected = rspauth(credentials, secret, body)
  return (
    info.rspauth !== undefined &&
    expected !== undefined &&
    constantTimeEqual(expected, info.rspauth.toLowerCase())
  )
}
