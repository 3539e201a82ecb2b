/**
 * RequestChecks — the §8.2 checks of a request's header fields that neither the transport layer nor the UA core
 * makes, run by the runtime before a handler sees the request (RFC 3261 §8.1.1, §8.2, §19.1.1; RFC 4475):
 * a Request-URI with headers (escruri), a single-valued header field given twice (multi01), a Via list, a
 * Max-Forwards or a Contact that does not parse (badinv01, regbadct) → 400 with the fault in a Warning.
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
import { getContacts, getMaxForwards, type HeaderError, type Request, validateRequest } from "@sipkit/codec"

/** What one header name is, for the checks: the single-valued fields (§8.1.1, §20), Via and Contact. */
const Field = { Other: 0, Via: 1, Contact: 2, To: 3, From: 4, CallId: 5, CSeq: 6, MaxForwards: 7 } as const
type Field = (typeof Field)[keyof typeof Field]

/** The field a header name is (compact forms too), looked at only when its length can be one of ours; the usual
 * spellings are matched before any lower-casing. */
const fieldOf = (name: string): Field => {
  const usual = usualFields.get(name)
  if (usual !== undefined) return usual
  switch (name.length) {
    case 1:
      switch (name.charCodeAt(0) | 0x20) {
        case 0x76: // v
          return Field.Via
        case 0x6d: // m
          return Field.Contact
        case 0x74: // t
          return Field.To
        case 0x66: // f
          return Field.From
        case 0x69: // i
          return Field.CallId
        default:
          return Field.Other
      }
    case 2:
      return name.toLowerCase() === "to" ? Field.To : Field.Other
    case 3:
      return name.toLowerCase() === "via" ? Field.Via : Field.Other
    case 4: {
      const lower = name.toLowerCase()
      return lower === "from" ? Field.From : lower === "cseq" ? Field.CSeq : Field.Other
    }
    case 7: {
      const lower = name.toLowerCase()
      return lower === "call-id" ? Field.CallId : lower === "contact" ? Field.Contact : Field.Other
    }
    case 12:
      return name.toLowerCase() === "max-forwards" ? Field.MaxForwards : Field.Other
    default:
      return Field.Other
  }
}

const usualFields = new Map<string, Field>([
  ["Via", Field.Via],
  ["Contact", Field.Contact],
  ["To", Field.To],
  ["From", Field.From],
  ["Call-ID", Field.CallId],
  ["CSeq", Field.CSeq],
  ["Max-Forwards", Field.MaxForwards],
  ["Content-Type", Field.Other],
  ["Content-Length", Field.Other],
  ["Subject", Field.Other],
  ["User-Agent", Field.Other],
  ["Allow", Field.Other],
  ["Supported", Field.Other],
])

/** Whether `validateRequest` could find a fault the earlier checks let through. */
const suspicious = (request: Request): boolean => {
  // §19.1.1: headers are not allowed in a Request-URI — in a SIP URI a `?` can only start them
  if (request.uri.includes("?")) return true
  let seen = 0
  let vias = 0
  let contact = false
  let maxForwards = false
  for (const h of request.headers) {
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
  return contact && getContacts(request)._tag === "Err"
}

/** The fault that should refuse `request` before its handler runs (its `status` to answer), or undefined. */
export const requestFault = (request: Request): HeaderError | undefined => {
  if (!suspicious(request)) return undefined
  const valid = validateRequest(request)
  return valid._tag === "Err" ? valid.error : undefined
}
