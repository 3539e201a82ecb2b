/**
 * The digest computation (RFC 7616 §3.4.1–§3.4.3; RFC 2617 §3.2.2; RFC 2069 without qop) and its server-side
 * check.
 *
 *   A1 = username ":" realm ":" passwd                     (and for -sess: H(A1) ":" nonce ":" cnonce)
 *   A2 = Method ":" request-uri                            (qop auth, or no qop)
 *   A2 = Method ":" request-uri ":" H(entity-body)        (qop auth-int)
 *   response = H( H(A1) ":" nonce ":" nc ":" cnonce ":" qop ":" H(A2) )    with a qop
 *   response = H( H(A1) ":" nonce ":" H(A2) )                                 RFC 2069, no qop
 */
import { type DigestAlgorithm, hashHex, isSession, toAlgorithm } from "./algorithms.js"
import { constantTimeEqual } from "./constantTime.js"
import type { DigestCredentials } from "./DigestCredentials.js"

/** What the server (or the client) knows: the password, or H(username ":" realm ":" password) in the algorithm's hash. */
export type Secret = { readonly password: string } | { readonly ha1: string }

export interface DigestInput {
  readonly algorithm: DigestAlgorithm
  readonly username: string
  readonly realm: string
  readonly nonce: string
  readonly uri: string
  readonly method: string
  readonly qop: string | undefined
  readonly cnonce: string | undefined
  readonly nc: string | undefined
  /** The message body, for qop=auth-int; absent means empty. */
  readonly body?: string | Uint8Array
}

/** H(username ":" realm ":" password) — what a registrar may store instead of the password. */
export const computeHA1 = (
  algorithm: DigestAlgorithm,
  username: string,
  realm: string,
  password: string,
): string => hashHex(algorithm, `${username}:${realm}:${password}`)

const sessionKey = (input: DigestInput, secret: Secret): string => {
  const ha1 =
    "ha1" in secret
      ? secret.ha1.toLowerCase()
      : computeHA1(input.algorithm, input.username, input.realm, secret.password)
  return isSession(input.algorithm)
    ? hashHex(input.algorithm, `${ha1}:${input.nonce}:${input.cnonce ?? ""}`)
    : ha1
}

const ha2 = (input: DigestInput): string => {
  const a2 =
    input.qop === "auth-int"
      ? `${input.method}:${input.uri}:${hashHex(input.algorithm, input.body ?? "")}`
      : `${input.method}:${input.uri}`
  return hashHex(input.algorithm, a2)
}

/** The request-digest (the `response` parameter) for these inputs. */
export const computeResponse = (input: DigestInput, secret: Secret): string => {
  const key = sessionKey(input, secret)
  const tail =
    input.qop === undefined
      ? `${input.nonce}:${ha2(input)}`
      : `${input.nonce}:${input.nc ?? ""}:${input.cnonce ?? ""}:${input.qop}:${ha2(input)}`
  return hashHex(input.algorithm, `${key}:${tail}`)
}

/** The digest inputs that credentials carry, completed by the request's method (and body). */
export const credentialsInput = (
  credentials: DigestCredentials,
  request: { readonly method: string; readonly body?: string | Uint8Array },
): DigestInput | undefined => {
  const algorithm = toAlgorithm(credentials.algorithm)
  if (algorithm === undefined) return undefined
  return {
    algorithm,
    username: credentials.username,
    realm: credentials.realm,
    nonce: credentials.nonce,
    uri: credentials.uri,
    method: request.method,
    qop: credentials.qop,
    cnonce: credentials.cnonce,
    nc: credentials.nc,
    ...(request.body === undefined ? {} : { body: request.body }),
  }
}

export interface VerifyRequest {
  readonly method: string
  /** The body, needed when the credentials use qop=auth-int. */
  readonly body?: string | Uint8Array
  /** When given, the credentials' uri must equal it (RFC 7616 §3.4.6: the server checks the request-target). */
  readonly uri?: string
}

/**
 * Whether the credentials' response is right for this password (or HA1) and request. The comparison is
 * constant-time. It does not judge the nonce: use `checkNonce` (freshness) and `checkNonceCount` (replay), or
 * `checkAuthorization` for all three.
 */
export const verifyCredentials = (
  credentials: DigestCredentials,
  secret: Secret,
  request: VerifyRequest,
): boolean => {
  if (request.uri !== undefined && request.uri !== credentials.uri) return false
  if (credentials.qop !== undefined && credentials.qop !== "auth" && credentials.qop !== "auth-int")
    return false
  const input = credentialsInput(credentials, request)
  if (input === undefined) return false
  return constantTimeEqual(computeResponse(input, secret), credentials.response.toLowerCase())
}
