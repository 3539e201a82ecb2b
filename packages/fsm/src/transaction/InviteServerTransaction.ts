/**
 * InviteServerTransaction — the INVITE server transaction of RFC 3261 §17.2.1 (Figure 7), with RFC 6026 §7.1
 * applied: a 2xx from the TU moves it to Accepted, where INVITE retransmissions are absorbed, ACKs are passed up,
 * further 2xx from the TU (the UA core's retransmissions, §13.3.1.4) are sent, until Timer L fires. A transport
 * error informs the TU and leaves the state unchanged (RFC 6026 §8.8).
 *
 * ```
 * start(INVITE)  → Proceeding   INVITE to TU; 100 Trying after 200 ms unless the TU answers first
 * Proceeding     → Accepted     2xx from TU sent; Timer L
 * Proceeding     → Completed    300-699 from TU sent; Timer G (unreliable only), Timer H
 * Completed      → Confirmed    ACK; Timer I (reliable: straight to Terminated)
 * Completed      → Terminated   Timer H fires: inform TU
 * Confirmed      → Terminated   Timer I fires
 * Accepted       → Terminated   Timer L fires
 * ```
 *
 * Never: I/O, clocks, exceptions. A `TimerFired` whose id is not the armed one is ignored.
 */
import { makeResponse, type Request, type Response } from "@sipkit/codec"
import { type ArmedTimer, armTimer, isFiringOf, timerDuration } from "./Timers.js"
import {
  type CommonFields,
  commonFields,
  deliver,
  normal,
  type Output,
  resolveTimers,
  type ServerEvent,
  type Step,
  send,
  startTimer,
  stopAll,
  stopThen,
  type TerminationReason,
  type TransactionOptions,
  terminate,
  timeout,
  transportFailed,
  type WithRequest,
} from "./Transaction.js"
import { ignore, type MachineSpec, row } from "./Transition.js"

type Common = CommonFields<"InviteServer">

export interface Proceeding extends Common, WithRequest {
  readonly _tag: "Proceeding"
  /** The most recent provisional response sent, resent for each INVITE retransmission. */
  readonly provisional: Response | undefined
  /** The §17.2.1 200 ms timer; gone once any response has been sent. */
  readonly timer100: ArmedTimer | undefined
}

export interface Completed extends Common {
  readonly _tag: "Completed"
  /** The 300-699 response, retransmitted on Timer G and on each INVITE retransmission. */
  readonly response: Response
  readonly timerG: ArmedTimer | undefined
  readonly timerH: ArmedTimer
}

export interface Confirmed extends Common {
  readonly _tag: "Confirmed"
  readonly timerI: ArmedTimer
}

export interface Accepted extends Common {
  readonly _tag: "Accepted"
  readonly timerL: ArmedTimer
}

export interface Terminated extends Common {
  readonly _tag: "Terminated"
  readonly reason: TerminationReason
}

export type State = Proceeding | Completed | Confirmed | Accepted | Terminated

export type Event = ServerEvent

/**
 * §17.2.1: "When a server transaction is constructed for a request, it enters the 'Proceeding' state. The server
 * transaction MUST generate a 100 (Trying) response unless it knows that the TU will generate a provisional or
 * final response within 200 ms, in which case it MAY generate a 100 (Trying) response." The request is passed to
 * the TU (§17.2.1, Figure 7: "INVITE / pass INV to TU"); the 200 ms is `Trying100`, stopped by any TU response,
 * and started first (its `StartTimer` precedes the `Deliver`).
 */
export const start = (request: Request, options: TransactionOptions): Step<State> => {
  const config = resolveTimers(options)
  const timer100 = armTimer(0, "Trying100", timerDuration("Trying100", config, options.reliable) ?? 0)
  const state: Proceeding = {
    _tag: "Proceeding",
    machine: "InviteServer",
    request,
    reliable: options.reliable,
    config,
    lastTimerId: timer100.id,
    provisional: undefined,
    timer100,
  }
  // the 200 ms timer is armed before the INVITE goes up: a TU that answers while it is delivered (a runtime that
  // runs the TU at once) stops a timer that is armed already, rather than one armed after its answer (which then
  // runs its 200 ms and fires stale)
  return { state, outputs: [startTimer(timer100), deliver(request)] }
}

export const step = (state: State, event: Event): Step<State> => {
  switch (state._tag) {
    case "Proceeding":
      return proceeding(state, event)
    case "Completed":
      return completed(state, event)
    case "Confirmed":
      return confirmed(state, event)
    case "Accepted":
      return accepted(state, event)
    case "Terminated":
      return { state, outputs: [] }
  }
}

const unchanged = (state: State): Step<State> => ({ state, outputs: [] })

/** RFC 6026 §8.8: the server transaction "SHOULD inform the TU that a failure has occurred, and MUST remain in the
 * current state." */
const informTu = (state: State, reason: string): Step<State> => ({
  state,
  outputs: [transportFailed(reason)],
})

const proceeding = (state: Proceeding, event: Event): Step<State> => {
  switch (event._tag) {
    case "Receive":
      /**
       * §17.2.1: "If a request retransmission is received while in the 'Proceeding' state, the most recent
       * provisional response that was received from the TU MUST be passed to the transport layer for
       * retransmission." An ACK cannot belong here yet (no final response was sent) and is ignored.
       */
      if (event.message.method === "ACK" || state.provisional === undefined) return unchanged(state)
      return { state, outputs: [send(state.provisional)] }
    case "Respond":
      return respond(state, event.response)
    case "TimerFired":
      /** §17.2.1: "send 100 if TU won't in 200ms" (Figure 7). The timer is disarmed by any TU response. */
      if (isFiringOf(state.timer100, event.timer, event.id)) {
        const trying = makeTrying(state.request)
        return { state: { ...state, provisional: trying, timer100: undefined }, outputs: [send(trying)] }
      }
      return unchanged(state)
    case "TransportError":
      return informTu(state, event.reason)
  }
}

const respond = (state: Proceeding, response: Response): Step<State> => {
  /**
   * §17.2.1: "The TU passes any number of provisional responses to the server transaction. So long as the server
   * transaction is in the 'Proceeding' state, each of these MUST be passed to the transport layer for
   * transmission. They are not sent reliably by the transaction layer [...] and do not cause a change in the
   * state of the server transaction."
   */
  if (response.status < 200) {
    const next: Proceeding = {
      _tag: "Proceeding",
      machine: state.machine,
      request: state.request,
      reliable: state.reliable,
      config: state.config,
      lastTimerId: state.lastTimerId,
      provisional: response,
      timer100: undefined,
    }
    return { state: next, outputs: stopThen(state.timer100, send(response)) }
  }
  /**
   * RFC 6026 §8.5: "If, while in the 'Proceeding' state, the TU passes a 2xx response to the server transaction,
   * the server transaction MUST pass this response to the transport layer for transmission. It is not
   * retransmitted by the server transaction; retransmissions of 2xx responses are handled by the TU. The server
   * transaction MUST then transition to the 'Accepted' state." Timer L is 64*T1 (RFC 6026 §8.7).
   */
  if (response.status < 300) {
    const timerL = armTimer(state.lastTimerId, "L", timerDuration("L", state.config, state.reliable) ?? 0)
    // every field named (a spread of the common fields leaves this state, held 64·T1, an out-of-object property array)
    const next: Accepted = {
      _tag: "Accepted",
      machine: state.machine,
      reliable: state.reliable,
      config: state.config,
      lastTimerId: timerL.id,
      timerL,
    }
    return { state: next, outputs: stopThen(state.timer100, send(response), startTimer(timerL)) }
  }
  /**
   * §17.2.1: "While in the 'Proceeding' state, if the TU passes a response with status code from 300 to 699 to the
   * server transaction, the response MUST be passed to the transport layer for transmission, and the state
   * machine MUST enter the 'Completed' state. For unreliable transports, timer G is set to fire in T1 seconds,
   * and is not set to fire for reliable transports." "When the 'Completed' state is entered, timer H MUST be set
   * to fire in 64*T1 seconds for all transports."
   */
  const g = timerDuration("G", state.config, state.reliable)
  const timerG = g === undefined ? undefined : armTimer(state.lastTimerId, "G", g)
  const timerH = armTimer(
    timerG?.id ?? state.lastTimerId,
    "H",
    timerDuration("H", state.config, state.reliable) ?? 0,
  )
  const next: Completed = {
    ...commonFields(state),
    _tag: "Completed",
    response,
    timerG,
    timerH,
    lastTimerId: timerH.id,
  }
  const outputs: Array<Output> = [...stopAll(state.timer100), send(response)]
  if (timerG !== undefined) outputs.push(startTimer(timerG))
  outputs.push(startTimer(timerH))
  return { state: next, outputs }
}

const completed = (state: Completed, event: Event): Step<State> => {
  switch (event._tag) {
    case "Receive":
      if (event.message.method === "ACK") return confirm(state)
      /** §17.2.1: "while in the 'Completed' state, if a request retransmission is received, the server SHOULD
       * pass the response to the transport for retransmission." */
      return { state, outputs: [send(state.response)] }
    case "Respond":
      // Figure 7 has no TU arc out of Completed: the final response has been given.
      return unchanged(state)
    case "TimerFired":
      /**
       * §17.2.1: "If timer G fires, the response is passed to the transport layer once more for retransmission,
       * and timer G is set to fire in MIN(2*T1, T2) seconds. From then on, when timer G fires, the response is
       * passed to the transport again for transmission, and timer G is reset with a value that doubles, unless
       * that value exceeds T2, in which case it is reset with the value of T2."
       */
      if (isFiringOf(state.timerG, event.timer, event.id) && state.timerG !== undefined) {
        const timerG = armTimer(state.lastTimerId, "G", Math.min(2 * state.timerG.after, state.config.t2))
        return {
          state: { ...state, timerG, lastTimerId: timerG.id },
          outputs: [send(state.response), startTimer(timerG)],
        }
      }
      /**
       * §17.2.1: "If timer H fires while in the 'Completed' state, it implies that the ACK was never received. In
       * this case, the server transaction MUST transition to the 'Terminated' state, and MUST indicate to the TU
       * that a transaction failure has occurred."
       */
      if (isFiringOf(state.timerH, event.timer, event.id)) {
        return end(state, timeout("H"), [...stopAll(state.timerG)])
      }
      return unchanged(state)
    case "TransportError":
      return informTu(state, event.reason)
  }
}

/**
 * §17.2.1: "If an ACK is received while the server transaction is in the 'Completed' state, the server
 * transaction MUST transition to the 'Confirmed' state. As Timer G is ignored in this state, any retransmissions
 * of the response will cease." "When this state is entered, timer I is set to fire in T4 seconds for unreliable
 * transports, and zero seconds for reliable transports."
 */
const confirm = (state: Completed): Step<State> => {
  const stops = stopAll(state.timerG, state.timerH)
  const i = timerDuration("I", state.config, state.reliable) ?? 0
  if (i === 0) return end(state, normal, stops)
  const timerI = armTimer(state.lastTimerId, "I", i)
  const next: Confirmed = { ...commonFields(state), _tag: "Confirmed", timerI, lastTimerId: timerI.id }
  return { state: next, outputs: [...stops, startTimer(timerI)] }
}

const confirmed = (state: Confirmed, event: Event): Step<State> => {
  switch (event._tag) {
    case "Receive":
      /** §17.2.1: "The purpose of the 'Confirmed' state is to absorb any additional ACK messages that arrive,
       * triggered from retransmissions of the final response." */
      return unchanged(state)
    case "Respond":
      return unchanged(state)
    case "TimerFired":
      /** §17.2.1: "Once timer I fires, the server MUST transition to the 'Terminated' state." */
      return isFiringOf(state.timerI, event.timer, event.id) ? end(state, normal, []) : unchanged(state)
    case "TransportError":
      // Nothing is sent in Confirmed.
      return unchanged(state)
  }
}

const accepted = (state: Accepted, event: Event): Step<State> => {
  switch (event._tag) {
    case "Receive":
      /**
       * RFC 6026 §7.1: "While in the 'Accepted' state, any retransmissions of the INVITE received will match this
       * transaction state machine and will be absorbed by the machine without changing its state. These
       * retransmissions are not passed onto the TU." RFC 6026 §8.7: "Any ACKs received from the network while in
       * the 'Accepted' state MUST be passed directly to the TU and not absorbed."
       */
      return event.message.method === "ACK" ? { state, outputs: [deliver(event.message)] } : unchanged(state)
    case "Respond":
      /** RFC 6026 §8.7: "Any retransmission of the 2xx response passed from the TU to the transaction while in the
       * 'Accepted' state MUST be passed to the transport layer for transmission." Other responses are ignored. */
      return event.response.status >= 200 && event.response.status < 300
        ? { state, outputs: [send(event.response)] }
        : unchanged(state)
    case "TimerFired":
      /** RFC 6026 §7.1: "When Timer L fires and the state machine is in the 'Accepted' state, the machine MUST
       * transition to the 'Terminated' state." */
      return isFiringOf(state.timerL, event.timer, event.id) ? end(state, normal, []) : unchanged(state)
    case "TransportError":
      return informTu(state, event.reason)
  }
}

/**
 * §17.2.1's 100 (Trying), built from the INVITE: no To tag is added (§8.2.6.2 allows a 100 without one), and
 * `makeResponse` copies the Timestamp (§8.2.6.1: "When a 100 (Trying) response is generated, any Timestamp header
 * field present in the request MUST be copied into this 100 (Trying) response.").
 */
const makeTrying = (request: Request): Response => makeResponse(request, 100)

/** §17.2.1: "Once the transaction is in the 'Terminated' state, it MUST be destroyed immediately." */
const end = (state: State, reason: TerminationReason, before: ReadonlyArray<Output>): Step<State> =>
  terminate(state, reason, before)

// ---------------------------------------------------------------------------------------------------- the table

export type StateName = State["_tag"]

export type EventClass =
  | "INVITE"
  | "ACK"
  | "1xx from TU"
  | "2xx from TU"
  | "300-699 from TU"
  | "Timer Trying100"
  | "Timer G"
  | "Timer H"
  | "Timer I"
  | "Timer L"
  | "Transport Err"

/** Figure 7 with RFC 6026, row by row; `test/transaction/transitions.test.ts` checks `step` against it. */
export const spec: MachineSpec<StateName, EventClass> = {
  name: "INVITE server transaction",
  figure: "RFC 3261 §17.2.1 Figure 7, as updated by RFC 6026 §7.1 / §8.5–8.8",
  states: ["Proceeding", "Completed", "Confirmed", "Accepted", "Terminated"],
  events: [
    "INVITE",
    "ACK",
    "1xx from TU",
    "2xx from TU",
    "300-699 from TU",
    "Timer Trying100",
    "Timer G",
    "Timer H",
    "Timer I",
    "Timer L",
    "Transport Err",
  ],
  entry: { on: "INVITE", to: "Proceeding", does: "pass INV to TU, start Trying100 (200 ms)" },
  transitions: [
    row("Proceeding", "INVITE", "Proceeding", "send last provisional response, if any"),
    ignore("Proceeding", "ACK"),
    row("Proceeding", "1xx from TU", "Proceeding", "send response"),
    row("Proceeding", "2xx from TU", "Accepted", "send response, start L"),
    row("Proceeding", "300-699 from TU", "Completed", "send response, start G (unreliable) and H"),
    row("Proceeding", "Timer Trying100", "Proceeding", "send 100 Trying"),
    ignore("Proceeding", "Timer G"),
    ignore("Proceeding", "Timer H"),
    ignore("Proceeding", "Timer I"),
    ignore("Proceeding", "Timer L"),
    row("Proceeding", "Transport Err", "Proceeding", "inform TU"),
    row("Completed", "INVITE", "Completed", "send response"),
    row("Completed", "ACK", "Confirmed", "start I", "Terminated"),
    ignore("Completed", "1xx from TU"),
    ignore("Completed", "2xx from TU"),
    ignore("Completed", "300-699 from TU"),
    ignore("Completed", "Timer Trying100"),
    row("Completed", "Timer G", "Completed", "send response, G = min(2G, T2)"),
    row("Completed", "Timer H", "Terminated", "inform TU (timeout)"),
    ignore("Completed", "Timer I"),
    ignore("Completed", "Timer L"),
    row("Completed", "Transport Err", "Completed", "inform TU"),
    ignore("Confirmed", "INVITE"),
    ignore("Confirmed", "ACK"),
    ignore("Confirmed", "1xx from TU"),
    ignore("Confirmed", "2xx from TU"),
    ignore("Confirmed", "300-699 from TU"),
    ignore("Confirmed", "Timer Trying100"),
    ignore("Confirmed", "Timer G"),
    ignore("Confirmed", "Timer H"),
    row("Confirmed", "Timer I", "Terminated", "-"),
    ignore("Confirmed", "Timer L"),
    ignore("Confirmed", "Transport Err"),
    ignore("Accepted", "INVITE"),
    row("Accepted", "ACK", "Accepted", "ACK to TU"),
    ignore("Accepted", "1xx from TU"),
    row("Accepted", "2xx from TU", "Accepted", "send response"),
    ignore("Accepted", "300-699 from TU"),
    ignore("Accepted", "Timer Trying100"),
    ignore("Accepted", "Timer G"),
    ignore("Accepted", "Timer H"),
    ignore("Accepted", "Timer I"),
    row("Accepted", "Timer L", "Terminated", "-"),
    row("Accepted", "Transport Err", "Accepted", "inform TU"),
    ignore("Terminated", "INVITE"),
    ignore("Terminated", "ACK"),
    ignore("Terminated", "1xx from TU"),
    ignore("Terminated", "2xx from TU"),
    ignore("Terminated", "300-699 from TU"),
    ignore("Terminated", "Timer Trying100"),
    ignore("Terminated", "Timer G"),
    ignore("Terminated", "Timer H"),
    ignore("Terminated", "Timer I"),
    ignore("Terminated", "Timer L"),
    ignore("Terminated", "Transport Err"),
  ],
}
