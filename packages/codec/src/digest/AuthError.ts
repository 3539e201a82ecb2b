/** An Authorization / WWW-Authenticate / Authentication-Info value that cannot be read. Status 400 (RFC 3261 §21.4.1). */
export interface AuthError {
  readonly _tag: "AuthError"
  readonly reason: string
  readonly status: 400
}

export const makeAuthError = (reason: string): AuthError => ({ _tag: "AuthError", reason, status: 400 })
