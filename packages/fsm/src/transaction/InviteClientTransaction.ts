/**
 * InviteClientTransaction — the INVITE client transaction of RFC 3261 §17.1.1 (Figure 5), with RFC 6026 §7.2
 * applied: a 2xx moves the transaction to Accepted, where every further 2xx is passed up until Timer M fires.
 *
 * ```
 * start(INVITE)  → Calling      INVITE sent; Timer A (unreliable only), Timer B
 * Calling        → Proceeding   1xx to TU
 * Calling/Proc.  → Accepted     2xx to TU; Timer M
 * Calling/Proc.  → Completed    ACK sent, 300-699 to TU; Timer D (reliable: straight to Terminated)
 * Calling        → Terminated   Timer B fires or transport error: inform TU
 * Completed      → Terminated   Timer D fires, or transport error
 * Accepted       → Terminated   Timer M fires
 * ```
 *
 * Never: I/O, clocks, exceptions. A `TimerFired` whose id is not the armed one is ignored.
 */
import type { Request, Response } from "@sipkit/codec"
import { makeNonTwoXxAck } from "./Ack.js"
import { type ArmedTimer, armTimer, isFiringOf, timerDuration } from "./Timers.js"
import {
  type ClientEvent,
  type CommonFields,
  commonFields,
  deliver,
  failed,
  normal,
  type Output,
  resolveTimers,
  type Step,
  send,
  startTimer,
  stopAll,
  type TerminationReason,
  type TransactionOptions,
  terminate,
  timeout,
  type WithRequest,
} from "./Transaction.js"
import { ignore, type MachineSpec, row } from "./Transition.js"

type Common = CommonFields<"InviteClient">

export interface Calling extends Common, WithRequest {
  readonly _tag: "Calling"
  /** Timer A, the retransmit interval; absent on a reliable transport. */
  readonly timerA: ArmedTimer | undefined
  readonly timerB: ArmedTimer
}

export interface Proceeding extends Common, WithRequest {
  readonly _tag: "Proceeding"
}

export interface Completed extends Common {
  readonly _tag: "Completed"
  /** The ACK sent for the final response, resent for each retransmission of it. */
  readonly ack: Request
  readonly timerD: ArmedTimer
}

export interface Accepted extends Common {
  readonly _tag: "Accepted"
  readonly timerM: ArmedTimer
}

export interface Terminated extends Common {
  readonly _tag: "Terminated"
  readonly reason: TerminationReason
}

export type State = Calling | Proceeding | Completed | Accepted | Terminated

export type Event = ClientEvent

/**
 * §17.1.1.2: "The initial state, 'calling', MUST be entered when the TU initiates a new client transaction with
 * an INVITE request. The client transaction MUST pass the request to the transport layer for transmission. If an
 * unreliable transport is being used, the client transaction MUST start timer A with a value of T1. [...] For any
 * transport, the client transaction MUST start timer B with a value of 64*T1 seconds."
 */
export const start = (request: Request, options: TransactionOptions): Step<State> => {
  const config = resolveTimers(options)
  const a = timerDuration("A", config, options.reliable)
  const timerA = a === undefined ? undefined : armTimer(0, "A", a)
  const timerB = armTimer(timerA?.id ?? 0, "B", timerDuration("B", config, options.reliable) ?? 0)
  const state: Calling = {
    _tag: "Calling",
    machine: "InviteClient",
    request,
    reliable: options.reliable,
    config,
    lastTimerId: timerB.id,
    timerA,
    timerB,
  }
  const outputs: Array<Output> = [send(request)]
  if (timerA !== undefined) outputs.push(startTimer(timerA))
  outputs.push(startTimer(timerB))
  return { state, outputs }
}

export const step = (state: State, event: Event): Step<State> => {
  switch (state._tag) {
    case "Calling":
      return calling(state, event)
    case "Proceeding":
      return proceeding(state, event)
    case "Completed":
      return completed(state, event)
    case "Accepted":
      return accepted(state, event)
    case "Terminated":
      return { state, outputs: [] }
  }
}

const unchanged = (state: State): Step<State> => ({ state, outputs: [] })

const calling = (state: Calling, event: Event): Step<State> => {
  switch (event._tag) {
    case "Receive":
      return response(state, event.message, [...stopAll(state.timerA, state.timerB)])
    case "TimerFired":
      /**
       * §17.1.1.2: "When timer A fires, the client transaction MUST retransmit the request by passing it to the
       * transport layer, and MUST reset the timer with a value of 2*T1. [...] When timer A fires 2*T1 seconds
       * later, the request MUST be retransmitted again (assuming the client transaction is still in this state).
       * This process MUST continue so that the request is retransmitted with intervals that double after each
       * transmission."
       */
      if (isFiringOf(state.timerA, event.timer, event.id) && state.timerA !== undefined) {
        const timerA = armTimer(state.lastTimerId, "A", 2 * state.timerA.after)
        return {
          state: { ...state, timerA, lastTimerId: timerA.id },
          outputs: [send(state.request), startTimer(timerA)],
        }
      }
      /**
       * §17.1.1.2: "If the client transaction is still in the 'Calling' state when timer B fires, the client
       * transaction SHOULD inform the TU that a timeout has occurred. The client transaction MUST NOT generate an
       * ACK."
       */
      if (isFiringOf(state.timerB, event.timer, event.id)) {
        return end(state, timeout("B"), [...stopAll(state.timerA)])
      }
      return unchanged(state)
    case "TransportError":
      /** §17.1.1.2 (Figure 5): "Timer B fires or Transport Err. / inform TU" → Terminated. */
      return end(state, failed(event.reason), [...stopAll(state.timerA, state.timerB)])
  }
}

const proceeding = (state: Proceeding, event: Event): Step<State> => {
  switch (event._tag) {
    case "Receive":
      return response(state, event.message, [])
    case "TimerFired":
      return unchanged(state)
    case "TransportError":
      // Figure 5 has no transport-error arc out of Proceeding: nothing is sent in this state.
      return unchanged(state)
  }
}

/** The response arcs shared by Calling and Proceeding; `stops` are the timers the state leaves behind. */
const response = (
  state: Calling | Proceeding,
  message: Response,
  stops: ReadonlyArray<Output>,
): Step<State> => {
  const status = message.status
  /**
   * §17.1.1.2: "If the client transaction receives a provisional response while in the 'Calling' state, it
   * transitions to the 'Proceeding' state. In the 'Proceeding' state, the client transaction SHOULD NOT
   * retransmit the request any longer. Furthermore, the provisional response MUST be passed to the TU. Any
   * further provisional responses MUST be passed up to the TU while in the 'Proceeding' state."
   */
  if (status < 200) {
    const next: Proceeding = { ...commonFields(state), _tag: "Proceeding", request: state.request }
    return { state: next, outputs: [...stops, deliver(message)] }
  }
  /**
   * RFC 6026 §8.4: "When a 2xx response is received while in either the 'Calling' or 'Proceeding' states, the
   * client transaction MUST transition to the 'Accepted' state [...]. The 2xx response MUST be passed up to the
   * TU. The client transaction MUST NOT generate an ACK to the 2xx response -- its handling is delegated to the
   * TU." Timer M (64*T1, the row RFC 6026 §8.11 adds to Table 4) starts here.
   */
  if (status < 300) {
    const timerM = armTimer(state.lastTimerId, "M", timerDuration("M", state.config, state.reliable) ?? 0)
    const next: Accepted = { ...commonFields(state), _tag: "Accepted", timerM, lastTimerId: timerM.id }
    return { state: next, outputs: [...stops, deliver(message), startTimer(timerM)] }
  }
  /**
   * §17.1.1.2: "When in either the 'Calling' or 'Proceeding' states, reception of a response with status code
   * from 300-699 MUST cause the client transaction to transition to 'Completed'. The client transaction MUST
   * pass the received response up to the TU, and the client transaction MUST generate an ACK request, even if
   * the transport is reliable [...]. The client transaction SHOULD start timer D when it enters the 'Completed'
   * state, with a value of at least 32 seconds for unreliable transports, and a value of zero seconds for
   * reliable transports."
   */
  const ack = makeNonTwoXxAck(state.request, message)
  const d = timerDuration("D", state.config, state.reliable) ?? 0
  if (d === 0) return end(state, normal, [...stops, send(ack), deliver(message)])
  const timerD = armTimer(state.lastTimerId, "D", d)
  const next: Completed = { ...commonFields(state), _tag: "Completed", ack, timerD, lastTimerId: timerD.id }
  return { state: next, outputs: [...stops, send(ack), deliver(message), startTimer(timerD)] }
}

const completed = (state: Completed, event: Event): Step<State> => {
  switch (event._tag) {
    case "Receive":
      /**
       * §17.1.1.2: "Any retransmissions of the final response that are received while in the 'Completed' state
       * MUST cause the ACK to be re-passed to the transport layer for retransmission, but the newly received
       * response MUST NOT be passed up to the TU." Provisional and 2xx responses here are absorbed.
       */
      return event.message.status >= 300 ? { state, outputs: [send(state.ack)] } : unchanged(state)
    case "TimerFired":
      /** §17.1.1.2: "If timer D fires while the client transaction is in the 'Completed' state, the client
       * transaction MUST move to the terminated state." */
      return isFiringOf(state.timerD, event.timer, event.id) ? end(state, normal, []) : unchanged(state)
    case "TransportError":
      /** Figure 5: "Transport Err. / Inform TU" from Completed → Terminated. */
      return end(state, failed(event.reason), [...stopAll(state.timerD)])
  }
}

const accepted = (state: Accepted, event: Event): Step<State> => {
  switch (event._tag) {
    case "Receive":
      /**
       * RFC 6026 §8.4: "Any 2xx responses that match this client transaction and that are received while in the
       * 'Accepted' state MUST be passed up to the TU. The client transaction MUST NOT generate an ACK to the 2xx
       * response. The client transaction takes no further action." Other responses are absorbed.
       */
      return event.message.status >= 200 && event.message.status < 300
        ? { state, outputs: [deliver(event.message)] }
        : unchanged(state)
    case "TimerFired":
      /** RFC 6026 §8.4: "If Timer M fires while the client transaction is in the 'Accepted' state, the client
       * transaction MUST move to the 'Terminated' state." */
      return isFiringOf(state.timerM, event.timer, event.id) ? end(state, normal, []) : unchanged(state)
    case "TransportError":
      // RFC 6026 Figure 5 has no transport-error arc out of Accepted: the ACK for a 2xx is the TU's to send.
      return unchanged(state)
  }
}

/**
 * §17.1.1.2: "The client transaction MUST be destroyed the instant it enters the 'Terminated' state."
 * `Terminated` is the last output.
 */
const end = (state: State, reason: TerminationReason, before: ReadonlyArray<Output>): Step<State> =>
  terminate(state, reason, before)

// ---------------------------------------------------------------------------------------------------- the table

export type StateName = State["_tag"]

/** The event classes of Figure 5: what a response's status class or a timer's name means to this machine. */
export type EventClass =
  | "1xx"
  | "2xx"
  | "300-699"
  | "Timer A"
  | "Timer B"
  | "Timer D"
  | "Timer M"
  | "Transport Err"

/** Figure 5 with RFC 6026, row by row; `test/transaction/transitions.test.ts` checks `step` against it. */
export const spec: MachineSpec<StateName, EventClass> = {
  name: "INVITE client transaction",
  figure: "RFC 3261 §17.1.1.2 Figure 5, as updated by RFC 6026 §7.2 / §8.4",
  states: ["Calling", "Proceeding", "Completed", "Accepted", "Terminated"],
  events: ["1xx", "2xx", "300-699", "Timer A", "Timer B", "Timer D", "Timer M", "Transport Err"],
  entry: { on: "INVITE from TU", to: "Calling", does: "INVITE sent, start A (unreliable) and B" },
  transitions: [
    row("Calling", "1xx", "Proceeding", "1xx to TU"),
    row("Calling", "2xx", "Accepted", "2xx to TU, start M"),
    row("Calling", "300-699", "Completed", "ACK sent, resp. to TU, start D", "Terminated"),
    row("Calling", "Timer A", "Calling", "INVITE sent, A doubled"),
    row("Calling", "Timer B", "Terminated", "inform TU (timeout)"),
    ignore("Calling", "Timer D"),
    ignore("Calling", "Timer M"),
    row("Calling", "Transport Err", "Terminated", "inform TU"),
    row("Proceeding", "1xx", "Proceeding", "1xx to TU"),
    row("Proceeding", "2xx", "Accepted", "2xx to TU, start M"),
    row("Proceeding", "300-699", "Completed", "ACK sent, resp. to TU, start D", "Terminated"),
    ignore("Proceeding", "Timer A"),
    ignore("Proceeding", "Timer B"),
    ignore("Proceeding", "Timer D"),
    ignore("Proceeding", "Timer M"),
    ignore("Proceeding", "Transport Err"),
    ignore("Completed", "1xx"),
    ignore("Completed", "2xx"),
    row("Completed", "300-699", "Completed", "ACK sent"),
    ignore("Completed", "Timer A"),
    ignore("Completed", "Timer B"),
    row("Completed", "Timer D", "Terminated", "-"),
    ignore("Completed", "Timer M"),
    row("Completed", "Transport Err", "Terminated", "inform TU"),
    ignore("Accepted", "1xx"),
    row("Accepted", "2xx", "Accepted", "2xx to TU"),
    ignore("Accepted", "300-699"),
    ignore("Accepted", "Timer A"),
    ignore("Accepted", "Timer B"),
    ignore("Accepted", "Timer D"),
    row("Accepted", "Timer M", "Terminated", "-"),
    ignore("Accepted", "Transport Err"),
    ignore("Terminated", "1xx"),
    ignore("Terminated", "2xx"),
    ignore("Terminated", "300-699"),
    ignore("Terminated", "Timer A"),
    ignore("Terminated", "Timer B"),
    ignore("Terminated", "Timer D"),
    ignore("Terminated", "Timer M"),
    ignore("Terminated", "Transport Err"),
  ],
}
