/**
 * Registration — the binding updates of RFC 3261 §10.3 steps 6 and 7, over the bindings of one address-of-record.
 *
 * Input: the live bindings of the AOR, what the REGISTER asks (fetch, remove all, or update a list of contacts with
 * their resolved expiration intervals), its Call-ID and CSeq, and the time. Output: the next bindings, or the refusal
 * that aborts the whole request (all tentative changes dropped: "The binding updates MUST be committed … if and only
 * if all binding updates and additions succeed", §10.3 step 7).
 *
 * Never: parsing (see RegisterRequest.ts), clocks, I/O.
 */
import { type Binding, isLive, isOutboundBinding } from "./Binding.js"

/** One contact of a REGISTER, its expiration interval already resolved in seconds (§10.3 step 7). */
export interface ContactUpdate {
  readonly uri: string
  /** Seconds; 0 removes the binding (§10.2.2). */
  readonly expires: number
  readonly q: number | undefined
  readonly instance: string | undefined
  readonly regId: number | undefined
}

/** What a REGISTER asks of the bindings of its AOR. */
export type RegisterOperation =
  /** No Contact header field: "the list of bindings is left unchanged" (§10.2.3). */
  | { readonly _tag: "Fetch" }
  /** `Contact: *` with `Expires: 0` (§10.2.2, §10.3 step 6). */
  | { readonly _tag: "RemoveAll"; readonly callId: string; readonly cseq: number }
  | {
      readonly _tag: "Update"
      readonly callId: string
      readonly cseq: number
      readonly contacts: ReadonlyArray<ContactUpdate>
    }

/** Why the bindings were left untouched: an out-of-order (or replayed) REGISTER from the same Call-ID. */
export interface OutOfOrder {
  readonly _tag: "OutOfOrder"
  /** The contact whose stored CSeq is not lower than the request's. */
  readonly uri: string
  readonly storedCSeq: number
  readonly requestCSeq: number
}

export type RegistrationResult =
  | { readonly _tag: "Applied"; readonly bindings: ReadonlyArray<Binding> }
  | { readonly _tag: "Refused"; readonly reason: OutOfOrder }

/** Compares two contact URIs (RFC 3261 §19.1.4); handed in so this module stays independent of the URI codec. */
export type SameUri = (a: string, b: string) => boolean

/**
 * Whether a stored binding and a requested contact name the same binding: by (instance, reg-id) when both carry the
 * pair (RFC 5626 §6), otherwise by contact URI when neither does (RFC 3261 §10.3 step 7).
 */
export const sameBinding = (
  stored: Binding,
  contact: Pick<ContactUpdate, "uri" | "instance" | "regId">,
  sameUri: SameUri,
): boolean => {
  if (isOutboundBinding(stored) || isOutboundBinding(contact)) {
    return stored.instance === contact.instance && stored.regId === contact.regId
  }
  return sameUri(stored.uri, contact.uri)
}

/**
 * Applies a REGISTER's operation to the live bindings of its AOR at `now` (ms). Lapsed bindings are dropped first.
 */
export const applyRegistration = (
  current: ReadonlyArray<Binding>,
  operation: RegisterOperation,
  now: number,
  sameUri: SameUri,
): RegistrationResult => {
  const live = current.filter((binding) => isLive(binding, now))
  switch (operation._tag) {
    case "Fetch":
      return { _tag: "Applied", bindings: live }
    case "RemoveAll":
      return removeAll(live, operation.callId, operation.cseq)
    case "Update":
      return update(live, operation, now, sameUri)
  }
}

/**
 * §10.3 step 6: "the registrar checks whether the Call-ID agrees with the value stored for each binding. If not, it
 * MUST remove the binding. If it does agree, it MUST remove the binding only if the CSeq in the request is higher
 * than the value stored for that binding. Otherwise, the update MUST be aborted and the request fails."
 */
const removeAll = (live: ReadonlyArray<Binding>, callId: string, cseq: number): RegistrationResult => {
  const stale = live.find((binding) => binding.callId === callId && cseq <= binding.cseq)
  if (stale !== undefined) return refused(stale, cseq)
  return { _tag: "Applied", bindings: [] }
}

/**
 * §10.3 step 7: "If the binding does not exist, it is tentatively added. If the binding does exist, the registrar
 * checks the Call-ID value. If the Call-ID value in the existing binding differs from the Call-ID value in the
 * request, the binding MUST be removed if the expiration time is zero and updated otherwise. If they are the same,
 * the registrar compares the CSeq value. If the value is higher than that of the existing binding, it MUST update or
 * remove the binding as above. If not, the update MUST be aborted and the request fails."
 *
 * The ordering check is made against the bindings as they stood before this request, so two Contact values of one
 * REGISTER naming the same binding do not refuse each other.
 */
const update = (
  live: ReadonlyArray<Binding>,
  operation: Extract<RegisterOperation, { _tag: "Update" }>,
  now: number,
  sameUri: SameUri,
): RegistrationResult => {
  let next: ReadonlyArray<Binding> = live
  for (const contact of operation.contacts) {
    const before = live.find((binding) => sameBinding(binding, contact, sameUri))
    if (before !== undefined && before.callId === operation.callId && operation.cseq <= before.cseq) {
      return refused(before, operation.cseq)
    }
    next =
      contact.expires === 0
        ? without(next, contact, sameUri)
        : put(next, toBinding(contact, operation, now), sameUri)
  }
  return { _tag: "Applied", bindings: next }
}

const without = (bindings: ReadonlyArray<Binding>, contact: ContactUpdate, sameUri: SameUri) =>
  bindings.filter((binding) => !sameBinding(binding, contact, sameUri))

/** Replaces the binding in place (a refresh keeps its position), or appends a new one. */
const put = (bindings: ReadonlyArray<Binding>, fresh: Binding, sameUri: SameUri): ReadonlyArray<Binding> => {
  const index = bindings.findIndex((binding) => sameBinding(binding, fresh, sameUri))
  return index === -1 ? [...bindings, fresh] : bindings.map((binding, i) => (i === index ? fresh : binding))
}

const toBinding = (
  contact: ContactUpdate,
  operation: { readonly callId: string; readonly cseq: number },
  now: number,
): Binding => ({
  uri: contact.uri,
  expiresAt: now + contact.expires * 1000,
  q: contact.q,
  callId: operation.callId,
  cseq: operation.cseq,
  instance: contact.instance,
  regId: contact.regId,
})

const refused = (binding: Binding, requestCSeq: number): RegistrationResult => ({
  _tag: "Refused",
  reason: { _tag: "OutOfOrder", uri: binding.uri, storedCSeq: binding.cseq, requestCSeq },
})
