/**
 * register — the UAC side of registration (RFC 3261 §10.2) as pure functions: the REGISTER request and the expiry
 * the registrar granted. A runtime sends the request, retries a challenge with `retryWithCredentials`, and
 * refreshes before the granted expiry runs out.
 *
 * REGISTER creates no dialog and no call, so the UA core's `step` keeps nothing for it.
 *
 * Never: I/O, clocks, randomness — Call-ID, tag and branch come from the caller.
 */
import { getContacts, getExpires, getParam, isErr, type Request, type Response } from "@sipkit/codec"
import { uriOf } from "./readers.js"
import { makeOutOfDialogRequest } from "./requests.js"
import type { UaConfig } from "./UaConfig.js"

export interface RegisterInit {
  /** The registrar's URI, e.g. `sip:example.com` (§10.2: "The Request-URI names the domain of the location
   * service"). */
  readonly registrar: string
  /** The address-of-record (§10.2: To, and From for a first-party registration). */
  readonly aor: string
  /** The Contact to bind (default `config.contact`). */
  readonly contact?: string
  /** Seconds (§10.2.1.1); 0 removes the binding (§10.2.2). */
  readonly expires: number
  /** §10.2: "A UA SHOULD use the same Call-ID for all registrations during a single boot cycle", and the same
   * From tag; the CSeq "MUST increment" from one REGISTER to the next. */
  readonly callId: string
  readonly fromTag: string
  readonly seq: number
  /** §8.1.2: a preloaded route set (an outbound proxy). */
  readonly route?: ReadonlyArray<string>
  readonly headers?: ReadonlyArray<readonly [string, string]>
}

/** §10.2: a REGISTER for `aor` binding `contact` for `expires` seconds. */
export const makeRegister = (config: UaConfig, init: RegisterInit, nonce: string): Request => {
  const aor = init.aor.startsWith("<") ? init.aor : `<${init.aor}>`
  return makeOutOfDialogRequest(
    config,
    {
      method: "REGISTER",
      uri: init.registrar,
      from: aor,
      to: aor,
      callId: init.callId,
      fromTag: init.fromTag,
      seq: init.seq,
      contact: init.contact ?? config.contact,
      ...(init.route === undefined ? {} : { route: init.route }),
      headers: [["Expires", String(init.expires)], ...(init.headers ?? [])],
    },
    nonce,
  )
}

/** §10.2.4: "The response contains a Contact header field with the bindings … an 'expires' parameter … indicates
 * its expiration interval chosen by the registrar", else the Expires header, else what was asked. */
export const grantedExpiry = (response: Response, contact: string, asked: number): number => {
  const contacts = getContacts(response)
  if (!isErr(contacts) && contacts.value !== "*") {
    const uri = uriOf(contact.startsWith("<") ? contact : `<${contact}>`)
    const mine = contacts.value.find((c) => c.uri === uri) ?? contacts.value[0]
    const value = mine === undefined ? undefined : getParam(mine.params, "expires")
    if (value !== undefined && /^\d+$/.test(value)) return Number(value)
  }
  const header = getExpires(response)
  return !isErr(header) && header.value !== undefined ? header.value : asked
}
