/**
 * Transaction — the vocabulary the four transaction machines share (RFC 3261 §17): their events, their outputs,
 * and the options a transaction is created with.
 *
 * Every machine is `step(state, event) → { state, outputs }`. Events come from three places: the wire
 * (`Receive`), the transaction user (`Respond`, server side only — the client's request is the `start` argument),
 * and the runtime (`TimerFired`, `TransportError`). Outputs are data, in the order the runtime must act on them:
 * a `Send` always comes before the `StartTimer` that will retransmit it, and `Terminated` is always last.
 *
 * Never: I/O, clocks, randomness, exceptions.
 */
import type { Request, Response, SipMessage } from "@sipkit/codec"
import { type ArmedTimer, defaultTimerConfig, type TimerConfig, type TimerName } from "./Timers.js"

// ---------------------------------------------------------------------------------------------------- events

/** A message from the transport layer that the transaction table routed to this transaction. */
export interface Receive<M extends SipMessage = SipMessage> {
  readonly _tag: "Receive"
  readonly message: M
}

/** A response from the transaction user, to be sent by a server transaction. */
export interface Respond {
  readonly _tag: "Respond"
  readonly response: Response
}

/** The runtime's timer facility reports a timer this transaction asked for with `StartTimer`. */
export interface TimerFired {
  readonly _tag: "TimerFired"
  readonly timer: TimerName
  /** The `id` of the `StartTimer` output; a firing whose id is not the armed one is stale and ignored. */
  readonly id: number
}

/** Sending a message of this transaction failed (§17.1.1.2, §17.2.1, §17.2.2: "Transport Err."). */
export interface TransportError {
  readonly _tag: "TransportError"
  readonly reason: string
}

/** Any event any transaction accepts; each machine narrows this to the ones it understands. */
export type TransactionEvent = Receive | Respond | TimerFired | TransportError

/** The events of a client transaction. */
export type ClientEvent = Receive<Response> | TimerFired | TransportError

/** The events of a server transaction. */
export type ServerEvent = Receive<Request> | Respond | TimerFired | TransportError

export const receive = <M extends SipMessage>(message: M): Receive<M> => ({ _tag: "Receive", message })
export const respond = (response: Response): Respond => ({ _tag: "Respond", response })
export const timerFired = (timer: TimerName, id: number): TimerFired => ({ _tag: "TimerFired", timer, id })
export const transportError = (reason: string): TransportError => ({ _tag: "TransportError", reason })

// ---------------------------------------------------------------------------------------------------- outputs

/** Hand this message to the transport layer (the runtime knows where this transaction sends). */
export interface Send {
  readonly _tag: "Send"
  readonly message: SipMessage
}

/** Pass this message up to the transaction user. */
export interface Deliver {
  readonly _tag: "Deliver"
  readonly message: SipMessage
}

/** Arm a timer: report `TimerFired { timer, id }` after `after` ms. Replaces nothing; stale firings are ignored. */
export interface StartTimer {
  readonly _tag: "StartTimer"
  readonly timer: TimerName
  readonly id: number
  readonly after: number
}

/** The timer `id` is no longer wanted; the runtime may forget it (firing it anyway is harmless). */
export interface StopTimer {
  readonly _tag: "StopTimer"
  readonly timer: TimerName
  readonly id: number
}

/**
 * Why a transaction ended. `Timeout` and `TransportError` are the "inform TU" arcs of Figures 5–8
 * (Timer B, F, H; a transport failure); `Normal` is every other path into Terminated.
 */
export type TerminationReason =
  | { readonly _tag: "Normal" }
  | { readonly _tag: "Timeout"; readonly timer: TimerName }
  | { readonly _tag: "TransportError"; readonly reason: string }

/** The transaction entered Terminated and must be destroyed (§17.1.1.2: "the instant it enters"). Always last. */
export interface Terminated {
  readonly _tag: "Terminated"
  readonly reason: TerminationReason
}

/**
 * Inform the TU that sending failed while the transaction stays where it is: RFC 6026 §8.8 rewrites §17.2.4 so a
 * server transaction "SHOULD inform the TU that a failure has occurred, and MUST remain in the current state".
 * (Client transactions end instead, with `Terminated { reason: TransportError }`, §17.1.4.)
 */
export interface TransportFailed {
  readonly _tag: "TransportFailed"
  readonly reason: string
}

export type Output = Send | Deliver | StartTimer | StopTimer | TransportFailed | Terminated

export const send = (message: SipMessage): Send => ({ _tag: "Send", message })
export const deliver = (message: SipMessage): Deliver => ({ _tag: "Deliver", message })
export const startTimer = (armed: ArmedTimer): StartTimer => ({
  _tag: "StartTimer",
  timer: armed.timer,
  id: armed.id,
  after: armed.after,
})
export const stopTimer = (armed: ArmedTimer): StopTimer => ({
  _tag: "StopTimer",
  timer: armed.timer,
  id: armed.id,
})
export const transportFailed = (reason: string): TransportFailed => ({ _tag: "TransportFailed", reason })
export const terminated = (reason: TerminationReason): Terminated => ({ _tag: "Terminated", reason })
export const normal: TerminationReason = { _tag: "Normal" }
export const timeout = (timer: TimerName): TerminationReason => ({ _tag: "Timeout", timer })
export const failed = (reason: string): TerminationReason => ({ _tag: "TransportError", reason })

/** What one step returns. */
export interface Step<S> {
  readonly state: S
  readonly outputs: ReadonlyArray<Output>
}

/**
 * What every state of a machine carries, whatever its RFC state: the machine's tag, whether the transport is
 * reliable, the timer values, and the id of the last timer armed (ids only grow, so a stale firing never matches).
 */
export interface CommonFields<M extends string> {
  readonly machine: M
  readonly reliable: boolean
  readonly config: TimerConfig
  readonly lastTimerId: number
}

/**
 * The request that created the transaction (the INVITE a client sends, or the request a server received), carried
 * by the states that may still send or answer from it: the client's Calling/Trying and Proceeding (retransmitted
 * on Timer A or E; the INVITE's non-2xx ACK is built from it, §17.1.1.3), the server's Trying and Proceeding (the
 * 100 Trying of §17.2.1 is built from it). A state that only absorbs retransmissions (client Completed and
 * Accepted, server Completed, Confirmed and Accepted) and Terminated do not carry it: they resend what they hold
 * of their own (the final response, the ACK) or nothing, and are found by the table's key, so the request — its
 * body, the bytes it was parsed from — is not held for the 64*T1 those states last.
 */
export interface WithRequest {
  readonly request: Request
}

/** The fields a state hands on to the next one (spread into it before the next state's own fields). */
export const commonFields = <M extends string>(state: CommonFields<M>): CommonFields<M> => ({
  machine: state.machine,
  reliable: state.reliable,
  config: state.config,
  lastTimerId: state.lastTimerId,
})

/** The step into a machine's "Terminated" state: `before`, then `Terminated` as the last output. */
export const terminate = <M extends string>(
  state: CommonFields<M>,
  reason: TerminationReason,
  before: ReadonlyArray<Output>,
): Step<CommonFields<M> & { readonly _tag: "Terminated"; readonly reason: TerminationReason }> => {
  // one array of the exact length: a spread of `before` into a literal leaves room to grow
  const outputs = new Array<Output>(before.length + 1)
  for (let i = 0; i < before.length; i++) outputs[i] = before[i] as Output
  outputs[before.length] = terminated(reason)
  const next = {
    _tag: "Terminated" as const,
    machine: state.machine,
    reliable: state.reliable,
    config: state.config,
    lastTimerId: state.lastTimerId,
    reason,
  }
  return { state: next, outputs }
}

/** Stop every timer in `armed` that is set (helper for leaving a state). A loop into an array of the exact length:
 * `flatMap` over one-element arrays cost more than the step it served, on every final response. */
export const stopAll = (...armed: ReadonlyArray<ArmedTimer | undefined>): ReadonlyArray<StopTimer> => {
  let n = 0
  for (const a of armed) if (a !== undefined) n++
  const stops = new Array<StopTimer>(n)
  let i = 0
  for (const a of armed) if (a !== undefined) stops[i++] = stopTimer(a)
  return stops
}

/** `StopTimer` for `armed` when it is set, then `first` and `second` (when given), as one array literal (no spread
 * of a list of stops, no rest array copied into another: an INVITE's 180 and 200 each pass here). */
export const stopThen = (armed: ArmedTimer | undefined, first: Output, second?: Output): Array<Output> => {
  if (armed === undefined) return second === undefined ? [first] : [first, second]
  return second === undefined ? [stopTimer(armed), first] : [stopTimer(armed), first, second]
}

// ---------------------------------------------------------------------------------------------------- options

/** How a transaction is created. */
export interface TransactionOptions {
  /** True for TCP, TLS, SCTP, WS, WSS: no retransmissions; D, I, J, K are zero (§17.1.1.2 ff., Table 4). */
  readonly reliable: boolean
  readonly timers?: Partial<TimerConfig>
}

/**
 * The timer values of a transaction. Every state carries them for as long as the transaction lives (64*T1 in the
 * absorbing states), so they are shared, not copied: no `timers` gives `defaultTimerConfig` itself, and a complete
 * `TimerConfig` (a runtime's, made once) is used as it is; only a partial one is completed into a new value.
 */
export const resolveTimers = (options: TransactionOptions): TimerConfig => {
  const timers = options.timers
  if (timers === undefined) return defaultTimerConfig
  return isComplete(timers) ? timers : { ...defaultTimerConfig, ...timers }
}

const isComplete = (timers: Partial<TimerConfig>): timers is TimerConfig =>
  typeof timers.t1 === "number" &&
  typeof timers.t2 === "number" &&
  typeof timers.t4 === "number" &&
  typeof timers.trying === "number" &&
  typeof timers.timerD === "number"

/**
 * True when the transport named in a Via (`UDP`, `TCP`, `TLS`, `SCTP`, `WS`, `WSS`) is reliable. Only UDP (and
 * DTLS-over-UDP) is not; an unknown transport is treated as unreliable, which only costs retransmissions.
 */
export const isReliableTransport = (transport: string): boolean => {
  const t = transport.toUpperCase()
  return t === "TCP" || t === "TLS" || t === "SCTP" || t === "TLS-SCTP" || t === "WS" || t === "WSS"
}
