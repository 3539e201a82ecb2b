/**
 * The server side in one call (RFC 3261 §22.3, §22.4; RFC 7616 §3.3–§3.4): realm, algorithm, nonce, response
 * and nonce-count checked in that order, for a registrar or proxy to map onto 401/407 (with stale=true) or success.
 */

import { type DigestAlgorithm, toAlgorithm } from "./algorithms.js"
import type { DigestCredentials } from "./DigestCredentials.js"
import { checkNonce, checkNonceCount, type NonceCounts, type NonceOptions } from "./nonce.js"
import { type Secret, verifyCredentials } from "./response.js"

export interface AuthorizationCheck {
  readonly credentials: DigestCredentials
  /** The user's password or stored HA1 (look it up by `credentials.username`). */
  readonly secret: Secret
  readonly method: string
  readonly body?: string | Uint8Array
  /** The Request-URI, to compare with the credentials' uri. */
  readonly uri?: string
  /** Our realm; credentials for another realm are not ours to check. */
  readonly realm: string
  /** The key that `makeNonce` used. */
  readonly nonceSecret: string | Uint8Array
  readonly nowMs: number
  readonly maxAgeMs: number
  readonly nonceOptions?: Pick<NonceOptions, "bind">
  /** When given, the nonce-count is checked against replay and the updated map is returned. */
  readonly counts?: NonceCounts
  /** The algorithms we challenged with; credentials using another (a downgrade) are refused. Default: any. */
  readonly algorithms?: ReadonlyArray<DigestAlgorithm>
}

export type AuthorizationOutcome =
  /** Good credentials. `counts` is the updated map when one was given. */
  | { readonly _tag: "Authorized"; readonly counts: NonceCounts | undefined }
  /** Right password, old nonce: challenge again with stale=true and a fresh nonce (RFC 7616 §3.3). */
  | { readonly _tag: "Stale" }
  /** Challenge again (401/407), or 403 after repeated failures. */
  | {
      readonly _tag: "Unauthorized"
      readonly reason: "realm" | "algorithm" | "nonce" | "response" | "replay"
    }

export const checkAuthorization = (check: AuthorizationCheck): AuthorizationOutcome => {
  const { credentials } = check
  if (credentials.realm !== check.realm) return { _tag: "Unauthorized", reason: "realm" }
  const algorithm = toAlgorithm(credentials.algorithm)
  if (algorithm === undefined || (check.algorithms !== undefined && !check.algorithms.includes(algorithm))) {
    return { _tag: "Unauthorized", reason: "algorithm" }
  }
  const nonce = checkNonce(
    check.nonceSecret,
    credentials.nonce,
    check.nowMs,
    check.maxAgeMs,
    check.nonceOptions,
  )
  if (nonce === "invalid") return { _tag: "Unauthorized", reason: "nonce" }
  const request = {
    method: check.method,
    ...(check.body === undefined ? {} : { body: check.body }),
    ...(check.uri === undefined ? {} : { uri: check.uri }),
  }
  if (!verifyCredentials(credentials, check.secret, request))
    return { _tag: "Unauthorized", reason: "response" }
  if (nonce === "stale") return { _tag: "Stale" }
  if (check.counts === undefined || credentials.nc === undefined)
    return { _tag: "Authorized", counts: check.counts }
  const counted = checkNonceCount(check.counts, credentials.nonce, credentials.nc)
  if (counted._tag === "Err") return { _tag: "Unauthorized", reason: "replay" }
  return { _tag: "Authorized", counts: counted.value }
}
