/**
 * Validate — the checks a UAS or proxy makes on a parsed request before acting on it (RFC 3261 §8.2, §16.3),
 * answering the status to send when it fails:
 * - the Request-URI parses (400), has a supported scheme (416, §8.2.2.1) and, for SIP/SIPS, no URI headers
 *   (§19.1.1 table: headers are not allowed in a Request-URI; RFC 4475 escruri → 400);
 * - the mandatory headers of §8.1.1 are present once and parse: To, From, CSeq, Call-ID, Via (400); Max-Forwards,
 *   when present, parses (400) — its absence is accepted, as RFC 3261 §16.3 and RFC 4475 inv2543 require of
 *   receivers (`requireMaxForwards: true` makes it mandatory);
 * - every Contact parses (400, RFC 4475 regbadct);
 * - the CSeq method equals the request method (400, §8.1.1.5; RFC 4475 mismatch01/02).
 * A response is checked for Via, From, To, Call-ID and CSeq (§8.1.3.3; a UAC discards failures silently).
 * Never throws.
 */
import { headerKey } from "./HeaderNames.js"
import { getCSeq } from "./headers/CSeq.js"
import { getContacts, getFrom, getTo } from "./headers/NameAddr.js"
import { getCallId, getMaxForwards } from "./headers/Scalars.js"
import { getVias } from "./headers/Via.js"
import type { Request, Response, SipMessage } from "./Message.js"
import { type HeaderError, makeHeaderError } from "./ParseError.js"
import { err, ok, type Result } from "./Result.js"
import { parseUri } from "./uri/Uri.js"

export interface ValidateOptions {
  /** URI schemes accepted in the Request-URI (lower-case). Default `sip`, `sips`, `tel`. */
  readonly schemes?: ReadonlyArray<string>
  /** Answer 400 when Max-Forwards is absent (default false: RFC 2543 peers omit it). */
  readonly requireMaxForwards?: boolean
}

const SINGLE = ["to", "from", "cseq", "call-id", "max-forwards"]

const duplicated = (message: SipMessage, keys: ReadonlyArray<string>): string | undefined => {
  const seen = new Set<string>()
  for (const h of message.headers) {
    const key = headerKey(h.name)
    if (!keys.includes(key)) continue
    if (seen.has(key)) return key
    seen.add(key)
  }
  return undefined
}

const common = (message: SipMessage): HeaderError | undefined => {
  const dup = duplicated(message, SINGLE)
  if (dup !== undefined) return makeHeaderError(dup, `more than one ${dup} header field`)
  const vias = getVias(message)
  if (vias._tag === "Err") return vias.error
  if (vias.value.length === 0) return makeHeaderError("via", "missing Via")
  for (const r of [getFrom(message), getTo(message), getCallId(message), getCSeq(message)])
    if (r._tag === "Err") return r.error
  return undefined
}

/** Checks a request; `Ok(request)` or the `HeaderError` whose `status` to answer. */
export const validateRequest = (
  request: Request,
  options: ValidateOptions = {},
): Result<Request, HeaderError> => {
  const uri = parseUri(request.uri)
  if (uri._tag === "Err") return uri
  const schemes = options.schemes ?? ["sip", "sips", "tel"]
  const scheme =
    uri.value._tag === "SipUri" ? uri.value.scheme : uri.value._tag === "TelUri" ? "tel" : uri.value.scheme
  if (!schemes.includes(scheme)) return err(makeHeaderError("uri", `unsupported URI scheme ${scheme}`, 416))
  if (uri.value._tag === "SipUri" && uri.value.headers.length > 0)
    return err(makeHeaderError("uri", "URI headers are not allowed in a Request-URI (§19.1.1)"))
  const fault = common(request)
  if (fault !== undefined) return err(fault)
  const mf = getMaxForwards(request)
  if (mf._tag === "Err") return mf
  if (mf.value === undefined && options.requireMaxForwards === true)
    return err(makeHeaderError("max-forwards", "missing Max-Forwards"))
  const contacts = getContacts(request)
  if (contacts._tag === "Err") return contacts
  const cseq = getCSeq(request)
  if (cseq._tag === "Ok" && cseq.value.method !== request.method)
    return err(makeHeaderError("cseq", `CSeq method ${cseq.value.method} does not match ${request.method}`))
  return ok(request)
}

/** Checks a response for the headers a UAC needs to match it. */
export const validateResponse = (response: Response): Result<Response, HeaderError> => {
  const fault = common(response)
  return fault === undefined ? ok(response) : err(fault)
}
