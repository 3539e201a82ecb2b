/**
 * NonInviteServerTransaction — the non-INVITE server transaction of RFC 3261 §17.2.2 (Figure 8). A transport
 * error informs the TU and leaves the state unchanged (RFC 6026 §8.8 rewrites §17.2.4 for every server
 * transaction; Figure 8's "Transport Err." arcs to Terminated predate it).
 *
 * ```
 * start(request) → Trying       request to TU
 * Trying         → Proceeding   1xx from TU sent
 * Trying/Proc.   → Completed    200-699 from TU sent; Timer J (reliable: straight to Terminated)
 * Completed      → Terminated   Timer J fires
 * ```
 *
 * Never: I/O, clocks, exceptions. A `TimerFired` whose id is not the armed one is ignored.
 */
import type { Request, Response } from "@sipkit/codec"
import { type ArmedTimer, armTimer, isFiringOf, timerDuration } from "./Timers.js"
import {
  type CommonFields,
  deliver,
  normal,
  type Output,
  resolveTimers,
  type ServerEvent,
  type Step,
  send,
  startTimer,
  type TerminationReason,
  type TransactionOptions,
  terminate,
  transportFailed,
  type WithRequest,
} from "./Transaction.js"
import { ignore, type MachineSpec, row } from "./Transition.js"

type Common = CommonFields<"NonInviteServer">

export interface Trying extends Common, WithRequest {
  readonly _tag: "Trying"
}

export interface Proceeding extends Common, WithRequest {
  readonly _tag: "Proceeding"
  /** The most recent provisional response, resent for each request retransmission. */
  readonly provisional: Response
}

export interface Completed extends Common {
  readonly _tag: "Completed"
  /** The final response, resent for each request retransmission. */
  readonly response: Response
  readonly timerJ: ArmedTimer
}

export interface Terminated extends Common {
  readonly _tag: "Terminated"
  readonly reason: TerminationReason
}

export type State = Trying | Proceeding | Completed | Terminated

export type Event = ServerEvent

/**
 * §17.2.2: "The state machine is initialized in the 'Trying' state and is passed a request other than INVITE or
 * ACK when initialized. This request is passed up to the TU."
 */
export const start = (request: Request, options: TransactionOptions): Step<State> => {
  const state: Trying = {
    _tag: "Trying",
    machine: "NonInviteServer",
    request,
    reliable: options.reliable,
    config: resolveTimers(options),
    lastTimerId: 0,
  }
  return { state, outputs: [deliver(request)] }
}

export const step = (state: State, event: Event): Step<State> => {
  switch (state._tag) {
    case "Trying":
      return trying(state, event)
    case "Proceeding":
      return proceeding(state, event)
    case "Completed":
      return completed(state, event)
    case "Terminated":
      return { state, outputs: [] }
  }
}

const unchanged = (state: State): Step<State> => ({ state, outputs: [] })

/** RFC 6026 §8.8: "inform the TU that a failure has occurred, and MUST remain in the current state". */
const informTu = (state: State, reason: string): Step<State> => ({
  state,
  outputs: [transportFailed(reason)],
})

const trying = (state: Trying, event: Event): Step<State> => {
  switch (event._tag) {
    case "Receive":
      /** §17.2.2: "Once in the 'Trying' state, any further request retransmissions are discarded." */
      return unchanged(state)
    case "Respond":
      return respond(state, event.response)
    case "TimerFired":
      return unchanged(state)
    case "TransportError":
      // Nothing has been sent yet.
      return unchanged(state)
  }
}

const proceeding = (state: Proceeding, event: Event): Step<State> => {
  switch (event._tag) {
    case "Receive":
      /** §17.2.2: "If a retransmission of the request is received while in the 'Proceeding' state, the most
       * recently sent provisional response MUST be passed to the transport layer for retransmission." */
      return { state, outputs: [send(state.provisional)] }
    case "Respond":
      return respond(state, event.response)
    case "TimerFired":
      return unchanged(state)
    case "TransportError":
      return informTu(state, event.reason)
  }
}

const respond = (state: Trying | Proceeding, response: Response): Step<State> => {
  /**
   * §17.2.2: "While in the 'Trying' state, if the TU passes a provisional response to the server transaction, the
   * server transaction MUST enter the 'Proceeding' state. The response MUST be passed to the transport layer for
   * transmission. Any further provisional responses that are received from the TU while in the 'Proceeding'
   * state MUST be passed to the transport layer for transmission."
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
    }
    return { state: next, outputs: [send(response)] }
  }
  /**
   * §17.2.2: "If the TU passes a final response (status codes 200-699) to the server while in the 'Proceeding'
   * state, the transaction MUST enter the 'Completed' state, and the response MUST be passed to the transport
   * layer for transmission." "When the server transaction enters the 'Completed' state, it MUST set Timer J to
   * fire in 64*T1 seconds for unreliable transports, and zero seconds for reliable transports."
   */
  const j = timerDuration("J", state.config, state.reliable) ?? 0
  if (j === 0) return end(state, normal, [send(response)])
  const timerJ = armTimer(state.lastTimerId, "J", j)
  // every field named (a spread of the common fields leaves this state, held 64·T1, an out-of-object property array)
  const next: Completed = {
    _tag: "Completed",
    machine: state.machine,
    reliable: state.reliable,
    config: state.config,
    lastTimerId: timerJ.id,
    response,
    timerJ,
  }
  return { state: next, outputs: [send(response), startTimer(timerJ)] }
}

const completed = (state: Completed, event: Event): Step<State> => {
  switch (event._tag) {
    case "Receive":
      /** §17.2.2: "While in the 'Completed' state, the server transaction MUST pass the final response to the
       * transport layer for retransmission whenever a retransmission of the request is received." */
      return { state, outputs: [send(state.response)] }
    case "Respond":
      /** §17.2.2: "Any other final responses passed by the TU to the server transaction MUST be discarded while
       * in the 'Completed' state." */
      return unchanged(state)
    case "TimerFired":
      /** §17.2.2: "The server transaction remains in this state until Timer J fires, at which point it MUST
       * transition to the 'Terminated' state." */
      return isFiringOf(state.timerJ, event.timer, event.id) ? end(state, normal, []) : unchanged(state)
    case "TransportError":
      return informTu(state, event.reason)
  }
}

/** §17.2.2: "The server transaction MUST be destroyed the instant it enters the 'Terminated' state." */
const end = (state: State, reason: TerminationReason, before: ReadonlyArray<Output>): Step<State> =>
  terminate(state, reason, before)

// ---------------------------------------------------------------------------------------------------- the table

export type StateName = State["_tag"]

export type EventClass = "Request" | "1xx from TU" | "200-699 from TU" | "Timer J" | "Transport Err"

/** Figure 8 (with RFC 6026 §8.8 for transport errors), row by row. */
export const spec: MachineSpec<StateName, EventClass> = {
  name: "Non-INVITE server transaction",
  figure: "RFC 3261 §17.2.2 Figure 8 (transport errors per RFC 6026 §8.8)",
  states: ["Trying", "Proceeding", "Completed", "Terminated"],
  events: ["Request", "1xx from TU", "200-699 from TU", "Timer J", "Transport Err"],
  entry: { on: "Request received", to: "Trying", does: "pass to TU" },
  transitions: [
    ignore("Trying", "Request"),
    row("Trying", "1xx from TU", "Proceeding", "send response"),
    row("Trying", "200-699 from TU", "Completed", "send response, start J", "Terminated"),
    ignore("Trying", "Timer J"),
    ignore("Trying", "Transport Err"),
    row("Proceeding", "Request", "Proceeding", "send last provisional response"),
    row("Proceeding", "1xx from TU", "Proceeding", "send response"),
    row("Proceeding", "200-699 from TU", "Completed", "send response, start J", "Terminated"),
    ignore("Proceeding", "Timer J"),
    row("Proceeding", "Transport Err", "Proceeding", "inform TU"),
    row("Completed", "Request", "Completed", "send response"),
    ignore("Completed", "1xx from TU"),
    ignore("Completed", "200-699 from TU"),
    row("Completed", "Timer J", "Terminated", "-"),
    row("Completed", "Transport Err", "Completed", "inform TU"),
    ignore("Terminated", "Request"),
    ignore("Terminated", "1xx from TU"),
    ignore("Terminated", "200-699 from TU"),
    ignore("Terminated", "Timer J"),
    ignore("Terminated", "Transport Err"),
  ],
}
