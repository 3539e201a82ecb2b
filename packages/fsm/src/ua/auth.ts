/**
 * auth — answering a 401/407 digest challenge (RFC 3261 §22.2) through `@sipkit/codec/digest`.
 *
 * Gives the header to add (Authorization for 401, Proxy-Authorization for 407) and the challenge's identity
 * (`realm nonce`), which the UAC core answers at most once.
 */
import type { Request, Response } from "@sipkit/codec"
import type { Credentials } from "./UaConfig.js"

export interface Authorized {
  readonly header: readonly [string, string]
  readonly challenge: string
}

export const authorize = (
  _response: Response,
  _request: Request,
  _credentials: Credentials,
  _cnonce: string,
): Authorized | undefined => undefined
