/**
 * Binding — one contact address bound to an address-of-record (RFC 3261 §10, RFC 5626 §6).
 *
 * A binding is plain immutable data: the contact URI, the absolute time at which it lapses, its `q` preference,
 * and the Call-ID/CSeq of the REGISTER that last wrote it (the ordering rule of §10.3 step 7). When the contact
 * carried both `+sip.instance` and `reg-id` (RFC 5626), the binding is identified by that pair rather than by its URI.
 *
 * Never: clocks. Every time is an argument, in milliseconds on the caller's clock.
 */

export interface Binding {
  /** The contact URI as text (without the `<>` of the Contact header field). */
  readonly uri: string
  /** Absolute time (ms) at which the binding lapses; a binding with `expiresAt <= now` is gone. */
  readonly expiresAt: number
  /** The `q` parameter, 0..1, when the contact carried one. */
  readonly q: number | undefined
  /** Call-ID of the REGISTER that created or last refreshed this binding (§10.3 step 7). */
  readonly callId: string
  /** CSeq number of that REGISTER (§10.3 step 7). */
  readonly cseq: number
  /** RFC 5626 `+sip.instance` value (quotes kept off: `<urn:uuid:…>`), when present. */
  readonly instance: string | undefined
  /** RFC 5626 `reg-id`, when present. */
  readonly regId: number | undefined
}

/** Whether a binding is still in force at `now` (ms). */
export const isLive = (binding: Binding, now: number): boolean => binding.expiresAt > now

/** The whole seconds left before the binding lapses, as the `expires` parameter of a 200 lists it (§10.3 step 8). */
export const remainingSeconds = (binding: Binding, now: number): number =>
  Math.max(0, Math.ceil((binding.expiresAt - now) / 1000))

/**
 * Whether a binding is flow-identified (RFC 5626 §6): both `+sip.instance` and `reg-id` present. Such bindings are
 * matched by (instance, reg-id) instead of by contact URI.
 */
export const isOutboundBinding = (binding: Pick<Binding, "instance" | "regId">): boolean =>
  binding.instance !== undefined && binding.regId !== undefined
