/**
 * Aor — the canonical address-of-record of a REGISTER (RFC 3261 §10.3 step 5).
 *
 * "The registrar extracts the address-of-record from the To header field of the request. … the URI MUST then be
 * converted to a canonical form. To do that, all URI parameters MUST be removed (including the user-param), and any
 * escaped characters MUST be converted to their unescaped form. The result serves as an index into the list of
 * bindings." We also lower-case the host (hosts compare case-insensitively, §19.1.4) and keep the scheme and an
 * explicit port, so `sip:alice@example.com` and `sips:alice@example.com` stay distinct AORs, as §19.1.4 keeps them.
 *
 * Never: throws; a URI that is not sip/sips is an error value (the registrar answers 404, step 5).
 */
import { err, ok, parseUri, type Result, type SipUri } from "@sipkit/codec"

export interface AorError {
  readonly _tag: "AorError"
  readonly reason: string
  /** 400 when the URI does not parse, 404 when it is not a SIP or SIPS URI (§10.3 step 5). */
  readonly status: number
}

/** The canonical AOR text of a URI: `scheme:user@host[:port]`, parameters and headers gone, user unescaped. */
export const canonicalAor = (uriText: string): Result<string, AorError> => {
  const parsed = parseUri(uriText)
  if (parsed._tag === "Err") return err({ _tag: "AorError", reason: parsed.error.reason, status: 400 })
  const uri = parsed.value
  if (uri._tag !== "SipUri") {
    return err({ _tag: "AorError", reason: "the address-of-record is not a SIP or SIPS URI", status: 404 })
  }
  return ok(printAor(uri))
}

const printAor = (uri: SipUri): string => {
  const user = uri.user === undefined ? "" : `${unescapeUser(uri.user)}@`
  const port = uri.port === undefined ? "" : `:${uri.port}`
  return `${uri.scheme}:${user}${uri.host.toLowerCase()}${port}`
}

/**
 * `%XX` → the character it escapes (runs of escapes decoded together as UTF-8). A run that is not valid UTF-8 is
 * kept as written: network input never throws.
 */
const unescapeUser = (text: string): string =>
  text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run)
    } catch {
      return run
    }
  })
