/**
 * Authenticator — what the registrar needs from an authentication scheme (RFC 3261 §10.3 step 3, §22).
 *
 * "The registrar SHOULD authenticate the UAC" (§10.3 step 3); with HTTP Digest (§22.4) a request without valid
 * credentials is answered 401 carrying a WWW-Authenticate challenge for the realm. One authenticator per realm; the
 * registrar picks it by the domain of the Request-URI. `makeDigestAuthenticator` (DigestAuthenticator.ts) builds one
 * from the codec's digest functions and nonce scheme.
 *
 * Never: clocks (the time is an argument), I/O (credentials are looked up through a pure function).
 */
import type { Request } from "@sipkit/codec"

export type AuthCheck =
  /** Valid credentials for this realm: the authenticated user name. */
  | { readonly _tag: "Authenticated"; readonly username: string }
  /** No credentials for this realm, wrong ones, or a stale nonce: answer 401 with a fresh challenge. */
  | { readonly _tag: "Challenge"; readonly stale: boolean }
  /** Credentials that cannot be interpreted: answer with this status (400 for a malformed Authorization). */
  | { readonly _tag: "Reject"; readonly status: number; readonly reason: string }

export interface Authenticator {
  readonly realm: string
  /** Checks the request's Authorization header field(s) for this realm at `now` (ms). */
  readonly check: (request: Request, now: number) => AuthCheck
  /** A WWW-Authenticate value challenging for this realm at `now` (ms). */
  readonly challenge: (now: number, stale: boolean) => string
}
