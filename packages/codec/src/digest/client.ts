/**
 * The client side (RFC 3261 §22.2, RFC 8760 §2.4): pick the strongest challenge a 401/407 offers and answer it.
 *
 * RFC 8760 §2.4: the UAC "SHOULD use the topmost header field that it supports unless a local policy dictates
 * otherwise". Our policy is strength — SHA-512-256 > SHA-256 > MD5, the first of equal strength — because a
 * challenge is not integrity-protected: an on-path attacker could put MD5 on top (the downgrade RFC 8760 §3
 * warns of), and a client that follows the order would comply.
 * The cnonce and the nonce-count come in from the caller: the core has no randomness and keeps no state.
 */
import { err, ok, type Result } from "../Result.js"
import { type AuthError, makeAuthError } from "./AuthError.js"
import { type DigestAlgorithm, strength, toAlgorithm } from "./algorithms.js"
import type { Challenge, DigestChallenge } from "./DigestChallenge.js"
import { type DigestCredentials, printCredentials } from "./DigestCredentials.js"
import { computeResponse } from "./response.js"

export interface UserCredentials {
  readonly username: string
  readonly password: string
}

export interface AuthorizeRequest {
  readonly method: string
  /** The Request-URI, exactly as it will be sent. */
  readonly uri: string
  readonly body?: string | Uint8Array
  /** A fresh client nonce (from the shell's randomness). */
  readonly cnonce: string
  /** How many requests this nonce has been used for, this one included (1 for the first). */
  readonly nc: number
  /** Preferred qop when the challenge offers both; default "auth". */
  readonly qop?: "auth" | "auth-int"
}

/** nonce-count = 8LHEX (RFC 7616 §3.4). */
export const formatNonceCount = (nc: number): string => (nc >>> 0).toString(16).padStart(8, "0")

const usableQop = (challenge: DigestChallenge, preferred: "auth" | "auth-int"): string | undefined | null => {
  if (challenge.qop.length === 0) return undefined
  const offered = challenge.qop.map((q) => q.toLowerCase())
  if (offered.includes(preferred)) return preferred
  return offered.find((q) => q === "auth" || q === "auth-int") ?? null
}

/** The strongest Digest challenge with an algorithm and qop we support, or undefined. */
export const chooseChallenge = (
  challenges: ReadonlyArray<Challenge>,
): { readonly challenge: DigestChallenge; readonly algorithm: DigestAlgorithm } | undefined => {
  let best: { challenge: DigestChallenge; algorithm: DigestAlgorithm } | undefined
  for (const challenge of challenges) {
    if (challenge._tag !== "DigestChallenge") continue
    const algorithm = toAlgorithm(challenge.algorithm)
    if (algorithm === undefined || usableQop(challenge, "auth") === null) continue
    if (best === undefined || strength(algorithm) > strength(best.algorithm)) best = { challenge, algorithm }
  }
  return best
}

/** The credentials answering the strongest usable challenge. */
export const makeCredentials = (
  challenges: DigestChallenge | ReadonlyArray<Challenge>,
  user: UserCredentials,
  request: AuthorizeRequest,
): Result<DigestCredentials, AuthError> => {
  const chosen = chooseChallenge("_tag" in challenges ? [challenges] : challenges)
  if (chosen === undefined)
    return err(makeAuthError("no Digest challenge with a supported algorithm and qop"))
  const { challenge, algorithm } = chosen
  const qop = usableQop(challenge, request.qop ?? "auth") ?? undefined
  const nc = qop === undefined ? undefined : formatNonceCount(request.nc)
  const cnonce = qop === undefined && !algorithm.endsWith("-sess") ? undefined : request.cnonce
  const input = {
    algorithm,
    username: user.username,
    realm: challenge.realm,
    nonce: challenge.nonce,
    uri: request.uri,
    method: request.method,
    qop,
    cnonce,
    nc,
    ...(request.body === undefined ? {} : { body: request.body }),
  }
  return ok({
    _tag: "DigestCredentials",
    username: user.username,
    realm: challenge.realm,
    nonce: challenge.nonce,
    uri: request.uri,
    response: computeResponse(input, { password: user.password }),
    algorithm: challenge.algorithm,
    cnonce,
    opaque: challenge.opaque,
    qop,
    nc,
    userhash: false,
    extra: [],
  })
}

/**
 * The Authorization / Proxy-Authorization value answering a challenge (or the strongest of several), e.g.
 * `Digest username="alice", realm="atlanta.com", uri="sip:bob@biloxi.com", algorithm=SHA-256, …`.
 */
export const authorize = (
  challenges: DigestChallenge | ReadonlyArray<Challenge>,
  user: UserCredentials,
  request: AuthorizeRequest,
): Result<string, AuthError> => {
  const credentials = makeCredentials(challenges, user, request)
  return credentials._tag === "Err" ? credentials : ok(printCredentials(credentials.value))
}
