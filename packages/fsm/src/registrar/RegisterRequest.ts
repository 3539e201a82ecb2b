/**
 * RegisterRequest — reads what a REGISTER asks (RFC 3261 §10.2, §10.3 steps 6 and 7) into a `RegisterOperation`.
 *
 * - no Contact header field: fetch (§10.2.3);
 * - `Contact: *`: remove all, valid only alone and with `Expires: 0`, else 400 (§10.3 step 6);
 * - otherwise one update per contact, its interval resolved as §10.3 step 7 says: the `expires` parameter, else the
 *   Expires header field, else the registrar's default; shortened to the registrar's maximum; refused with 423 and
 *   Min-Expires when it is above zero, below one hour and below the registrar's minimum.
 * - RFC 5626: `+sip.instance` (quotes removed) and `reg-id` are kept on the contact.
 *
 * Never: throws; every fault is a `RegisterFault` value naming the status to answer.
 */
import {
  err,
  getCallId,
  getContacts,
  getCSeq,
  getExpires,
  getParam,
  type NameAddr,
  ok,
  type Request,
  type Result,
} from "@sipkit/codec"
import type { ContactUpdate, RegisterOperation } from "./Registration.js"

export interface ExpiryPolicy {
  /** Seconds; intervals above zero and below this (and below one hour) are refused with 423 (§10.3 step 7). */
  readonly minExpires: number
  /** Seconds; longer requested intervals are shortened to this ("The registrar MAY choose an expiration less than the requested expiration interval"). */
  readonly maxExpires: number
  /** Seconds; used when neither the contact nor the request gives an interval ("a locally-configured default value"). */
  readonly defaultExpires: number
}

export type RegisterFault =
  | { readonly _tag: "BadRequest"; readonly reason: string }
  | { readonly _tag: "IntervalTooBrief"; readonly minExpires: number }

/** The largest delta-seconds value §20.19 admits: "2**32-1". */
const maxDeltaSeconds = 4_294_967_295
/** §20.19: "Malformed values SHOULD be treated as equivalent to 3600." */
const malformedExpires = 3600

/** The Call-ID and CSeq of a REGISTER, with the operation it asks. */
export const readOperation = (
  request: Request,
  policy: ExpiryPolicy,
): Result<RegisterOperation, RegisterFault> => {
  const callId = getCallId(request)
  if (callId._tag === "Err") return badRequest(callId.error.reason)
  const cseq = getCSeq(request)
  if (cseq._tag === "Err") return badRequest(cseq.error.reason)
  const contacts = getContacts(request)
  if (contacts._tag === "Err") return badRequest(contacts.error.reason)
  const header = getExpires(request)
  const requestExpires = header._tag === "Ok" ? header.value : malformedExpires
  if (contacts.value === "*") {
    // §10.3 step 6: "If the request has additional Contact fields or an expiration time other than zero, the
    // request is invalid, and the server MUST return a 400 (Invalid Request)".
    if (header._tag === "Err" || requestExpires !== 0) return badRequest("Contact: * requires Expires: 0")
    return ok({ _tag: "RemoveAll", callId: callId.value, cseq: cseq.value.seq })
  }
  if (contacts.value.length === 0) return ok({ _tag: "Fetch" })
  const updates: Array<ContactUpdate> = []
  for (const contact of contacts.value) {
    const update = readContact(contact, requestExpires, policy)
    if (update._tag === "Err") return update
    updates.push(update.value)
  }
  return ok({ _tag: "Update", callId: callId.value, cseq: cseq.value.seq, contacts: updates })
}

const readContact = (
  contact: NameAddr,
  requestExpires: number | undefined,
  policy: ExpiryPolicy,
): Result<ContactUpdate, RegisterFault> => {
  const q = readQ(getParam(contact.params, "q"))
  if (q === "malformed") return badRequest(`malformed q parameter on ${contact.uri}`)
  const regId = readRegId(getParam(contact.params, "reg-id"))
  if (regId === "malformed") return badRequest(`malformed reg-id parameter on ${contact.uri}`)
  const expires = resolveExpires(getParam(contact.params, "expires"), requestExpires, policy)
  if (expires._tag === "Err") return expires
  return ok({
    uri: contact.uri,
    expires: expires.value,
    q,
    instance: unquote(getParam(contact.params, "+sip.instance")),
    regId,
  })
}

/**
 * §10.3 step 7: "If the field value contains an 'expires' parameter, that value MUST be taken as the requested
 * expiration. If there is no such parameter, but the request has an Expires header field, that value MUST be taken
 * as the requested expiration. If there is neither, the registrar SHOULD take a locally-configured default value".
 * "If and only if the expiration interval is greater than zero AND smaller than one hour AND less than a
 * registrar-configured minimum, the registrar MAY reject the registration with a response of 423".
 */
const resolveExpires = (
  param: string | undefined,
  requestExpires: number | undefined,
  policy: ExpiryPolicy,
): Result<number, RegisterFault> => {
  const requested = param !== undefined ? readDeltaSeconds(param) : (requestExpires ?? policy.defaultExpires)
  if (requested > 0 && requested < 3600 && requested < policy.minExpires) {
    return err({ _tag: "IntervalTooBrief", minExpires: policy.minExpires })
  }
  return ok(Math.min(requested, policy.maxExpires))
}

const readDeltaSeconds = (text: string): number =>
  /^[0-9]+$/.test(text) ? Math.min(Number(text), maxDeltaSeconds) : malformedExpires

/** `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )` (§25.1). */
const readQ = (text: string | undefined): number | undefined | "malformed" => {
  if (text === undefined) return undefined
  return /^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$/.test(text) ? Number(text) : "malformed"
}

/** RFC 5626 §13: `reg-id = "reg-id" EQUAL 1*DIGIT ; 1 to (2^31 - 1)`. */
const readRegId = (text: string | undefined): number | undefined | "malformed" => {
  if (text === undefined) return undefined
  const value = Number(text)
  return /^[0-9]+$/.test(text) && value >= 1 && value <= 2_147_483_647 ? value : "malformed"
}

const unquote = (text: string | undefined): string | undefined =>
  text !== undefined && text.length >= 2 && text.startsWith('"') && text.endsWith('"')
    ? text.slice(1, -1)
    : text

const badRequest = (reason: string): Result<never, RegisterFault> => err({ _tag: "BadRequest", reason })
