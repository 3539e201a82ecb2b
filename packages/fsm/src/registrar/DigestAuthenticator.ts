/**
 * DigestAuthenticator — an `Authenticator` for one realm over the codec's HTTP Digest (RFC 3261 §22.4, RFC 7616)
 * and its stateless nonces (`makeNonce` / `checkAuthorization` of `@sipkit/codec/digest`).
 *
 * - `challenge(now, stale)`: `Digest realm="…", nonce="<HMAC nonce issued at now>", algorithm=…, qop="auth"`.
 * - `check(request, now)`: the Authorization value for this realm (a request may carry one per realm, §22.4);
 *   none, an unknown user, a wrong response or a nonce we did not issue → challenge again; a right response with an
 *   old nonce → challenge with `stale=true` (RFC 7616 §3.3); credentials that do not parse → 400.
 *
 * Nonce-count replay (RFC 7616 §3.4) needs a per-nonce counter map the registrar does not keep; a nonce is accepted
 * for `nonceMaxAge` ms. Never: clocks (time is an argument), randomness (nonces are MACs of the time).
 */
import { headerKey, type Request } from "@sipkit/codec"
import {
  checkAuthorization,
  makeChallenge,
  makeNonce,
  parseCredentials,
  type Secret,
  toAlgorithm,
} from "@sipkit/codec/digest"
import type { AuthCheck, Authenticator } from "./Authenticator.js"

export interface DigestAuthenticatorInit {
  readonly realm: string
  /** The key nonces are MACed with; every node that checks them must share it. */
  readonly nonceSecret: string | Uint8Array
  /** How long (ms) a nonce stays fresh; older ones get a stale challenge. Default 5 minutes. */
  readonly nonceMaxAge?: number
  /** The password or stored HA1 of a user in this realm, or undefined for an unknown user. */
  readonly lookup: (username: string, realm: string) => Secret | undefined
  /** Default MD5 (the algorithm every SIP client supports); SHA-256 per RFC 8760. */
  readonly algorithm?: string
}

export const makeDigestAuthenticator = (init: DigestAuthenticatorInit): Authenticator => {
  const maxAgeMs = init.nonceMaxAge ?? 300_000
  return {
    realm: init.realm,
    challenge: (now, stale) =>
      makeChallenge({
        realm: init.realm,
        nonce: makeNonce(init.nonceSecret, now),
        algorithm: init.algorithm ?? "MD5",
        stale,
      }),
    check: (request, now) => check(init, maxAgeMs, request, now),
  }
}

const check = (init: DigestAuthenticatorInit, maxAgeMs: number, request: Request, now: number): AuthCheck => {
  const challenged = toAlgorithm(init.algorithm ?? "MD5")
  const values = request.headers.filter((header) => headerKey(header.name) === "authorization")
  for (const { value } of values) {
    const parsed = parseCredentials(value)
    if (parsed._tag === "Err") return { _tag: "Reject", status: 400, reason: parsed.error.reason }
    const credentials = parsed.value
    if (credentials.realm !== init.realm) continue
    const secret = init.lookup(credentials.username, init.realm)
    if (secret === undefined) return { _tag: "Challenge", stale: false }
    const outcome = checkAuthorization({
      credentials,
      secret,
      method: request.method,
      uri: request.uri,
      body: request.body,
      realm: init.realm,
      nonceSecret: init.nonceSecret,
      nowMs: now,
      maxAgeMs,
      // Credentials for another algorithm than the one challenged are a downgrade (RFC 8760 §2.4): refused.
      ...(challenged === undefined ? {} : { algorithms: [challenged] }),
    })
    switch (outcome._tag) {
      case "Authorized":
        return { _tag: "Authenticated", username: credentials.username }
      case "Stale":
        return { _tag: "Challenge", stale: true }
      case "Unauthorized":
        return { _tag: "Challenge", stale: false }
    }
  }
  return { _tag: "Challenge", stale: false }
}
