/**
 * auth — answering a 401/407 digest challenge (RFC 3261 §22.2) through `@sipkit/codec/digest`.
 *
 * Gives the header to add (Authorization for a 401's WWW-Authenticate, Proxy-Authorization for a 407's
 * Proxy-Authenticate) and the challenge's identity (`realm nonce`), which the UAC core answers at most once.
 * The cnonce comes from the step's randomness (the event nonce).
 */
import { headerKey, isErr, type Request, type Response } from "@sipkit/codec"
import { chooseChallenge, authorize as digestAuthorize, parseChallenges } from "@sipkit/codec/digest"
import type { Credentials } from "./UaConfig.js"

export interface Authorized {
  readonly header: readonly [string, string]
  /** `realm nonce` of the challenge answered. */
  readonly challenge: string
}

/** Challenges hold commas, so each field is read whole (not split as a list). */
const fieldValues = (response: Response, name: string): ReadonlyArray<string> =>
  response.headers.filter((h) => headerKey(h.name) === headerKey(name)).map((h) => h.value)

/** §22.2: "the client SHOULD retry the request, this time including its credentials" — built for `request`. */
export const authorize = (
  response: Response,
  request: Request,
  credentials: Credentials,
  cnonce: string,
): Authorized | undefined => {
  const proxy = response.status === 407
  const values = fieldValues(response, proxy ? "Proxy-Authenticate" : "WWW-Authenticate")
  const challenges = parseChallenges(values)
  if (isErr(challenges)) return undefined
  const chosen = chooseChallenge(challenges.value)
  if (chosen === undefined) return undefined
  const value = digestAuthorize(chosen.challenge, credentials, {
    method: request.method,
    uri: request.uri,
    body: request.body,
    cnonce,
    nc: 1,
  })
  if (isErr(value)) return undefined
  return {
    header: [proxy ? "Proxy-Authorization" : "Authorization", value.value],
    challenge: `${chosen.challenge.realm} ${chosen.challenge.nonce}`,
  }
}
