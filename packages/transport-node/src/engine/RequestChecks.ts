/**
 * RequestChecks — the §8.2 checks of a request's header fields that neither the transport layer nor the UA core
 * makes, run by the runtime before a handler sees the request (RFC 3261 §8.1.1, §8.2, §19.1.1; RFC 4475):
 * a Request-URI with headers (escruri), a single-valued header field given twice (multi01), a Via list, a
 * Max-Forwards or a Contact that does not parse (badinv01, regbadct) → 400 with the fault in a Warning.
 *
 * The Contact of a BYE or a CANCEL is not read: RFC 3261 §20 Table 3 marks Contact "-" (not applicable) for both,
 * so whatever one carries (SIPp's BYE has one) is not theirs to be refused for, and parsing it for every BYE cost
 * ~2.5 µs per call under load. Every other method's Contact is checked.
 *
 * The rest is checked before: the Via's sent-by and the dialog identity (To, From, Call-ID) by the runtime as the
 * request arrives (Endpoint.ts), the version, method, Request-URI scheme, CSeq, Require and body by the UA core
 * (@sipkit/fsm/ua's uasChecks). So a request is validated once.
 *
 * Cheap for the common case: one pass over the header names finds what could fail; only then does
 * `validateRequest` of @sipkit/codec run, for the exact fault it names.
 *
 * Never: answers anything itself (the caller does), or rejects what `validateRequest` accepts.
 */
import {
  getContacts,
  getMaxForwards,
  type HeaderError,
  headerKey,
  type Request,
  validateRequest,
} from "@sipkit/codec"

/** What one header name is, for the checks: the single-valued fields (§8.1.1, §20), Via and Contact. */
const Field = { Other: 0, Via: 1, Contact: 2, To: 3, From: 4, CallId: 5, CSeq: 6, MaxForwards: 7 } as const
type Field = (typeof Field)[keyof typeof Field]

/** The fields the pass looks at, by the codec's canonical key. */
const byKey = new Map<string, Field>([
  ["via", Field.Via],
  ["contact", Field.Contact],
  ["to", Field.To],
  ["from", Field.From],
  ["call-id", Field.CallId],
  ["cseq", Field.CSeq],
  ["max-forwards", Field.MaxForwards],
])

/** The field a header name is, compact forms and any case too (`headerKey` answers the usual spellings at once). */
const fieldOf = (name: string): Field => byKey.get(headerKey(name)) ?? Field.Other

/** RFC 3261 §20 Table 3: Contact is "-" (not applicable) in BYE and CANCEL. */
const contactApplies = (method: string): boolean => method !== "BYE" && method !== "CANCEL"

/** Whether `validateRequest` could find a fault the earlier checks let through. */
const suspicious = (request: Request): boolean => {
  // §19.1.1: headers are not allowed in a Request-URI — in a SIP URI a `?` can only start them
  if (request.uri.includes("?")) return true
  let seen = 0
  let vias = 0
  let contact = false
  let maxForwards = false
  const headers = request.headers
  // an indexed loop: the array iterator's result objects showed in allocation profiles
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i] as (typeof headers)[number]
    const field = fieldOf(h.name)
    switch (field) {
      case Field.Other:
        break
      case Field.Via:
        // one Via field with one value was read whole when it arrived (Routing.stampReceived)
        vias += 1
        if (vias > 1 || h.value.includes(",")) return true
        break
      case Field.Contact:
        contact = true
        break
      default: {
        const bit = 1 << field
        if ((seen & bit) !== 0) return true
        seen |= bit
        if (field === Field.MaxForwards) maxForwards = true
      }
    }
  }
  if (vias === 0) return true
  if (maxForwards && getMaxForwards(request)._tag === "Err") return true
  return contact && contactApplies(request.method) && getContacts(request)._tag === "Err"
}

/** The fault that should refuse `request` before its handler runs (its `status` to answer), or undefined. */
export const requestFault = (request: Request): HeaderError | undefined => {
  if (!suspicious(request)) return undefined
  const valid = validateRequest(request)
  if (valid._tag === "Ok") return undefined
  // a BYE or CANCEL checked for another reason: its Contact is still not its fault (`contactApplies`)
  return valid.error.header === "contact" && !contactApplies(request.method) ? undefined : valid.error
}
