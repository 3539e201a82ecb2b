/**
 * NonInviteClientTransaction — the non-INVITE client transaction of RFC 3261 §17.1.2 (Figure 6).
 *
 * ```
 * start(request) → Trying       request sent; Timer E (unreliable only), Timer F
 * Trying         → Proceeding   1xx to TU
 * Trying/Proc.   → Completed    200-699 to TU; Timer K (reliable: straight to Terminated)
 * Trying/Proc.   → Terminated   Timer F fires or transport error: inform TU
 * Completed      → Terminated   Timer K fires
 * ```
 *
 * Retransmissions: E starts at T1 and doubles up to T2 in Trying; in Proceeding it is reset to T2. Never: I/O,
 * clocks, exceptions. A `TimerFired` whose id is not the armed one is ignored.
 */
import type { Request, Response } from "@sipkit/codec"
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

type Common = CommonFields<"NonInviteClient">

export interface Trying extends Common, WithRequest {
  readonly _tag: "Trying"
  /** Timer E, the retransmit interval; absent on a reliable transport. */
  readonly timerE: ArmedTimer | undefined
  readonly timerF: ArmedTimer
}

export interface Proceeding extends Common, WithRequest {
  readonly _tag: "Proceeding"
  readonly timerE: ArmedTimer | undefined
  readonly timerF: ArmedTimer
}

export interface Completed extends Common {
  readonly _tag: "Completed"
  readonly timerK: ArmedTimer
}

export interface Terminated extends Common {
  readonly _tag: "Terminated"
  readonly reason: TerminationReason
}

export type State = Trying | Proceeding | Completed | Terminated

export type Event = ClientEvent

/**
 * §17.1.2.2: "The 'Trying' state is entered when the TU initiates a new client transaction with a request. When
 * entering this state, the client transaction SHOULD set timer F to fire in 64*T1 seconds. The request MUST be
 * passed to the transport layer for transmission. If an unreliable transport is in use, the client transaction
 * MUST set timer E to fire in T1 seconds."
 */
export const start = (request: Request, options: TransactionOptions): Step<State> => {
  const config = resolveTimers(options)
  const e = timerDuration("E", config, options.reliable)
  const timerE = e === undefined ? undefined : armTimer(0, "E", e)
  const timerF = armTimer(timerE?.id ?? 0, "F", timerDuration("F", config, options.reliable) ?? 0)
  const state: Trying = {
    _tag: "Trying",
    machine: "NonInviteClient",
    request,
    reliable: options.reliable,
    config,
    lastTimerId: timerF.id,
    timerE,
    timerF,
  }
  const outputs: Array<Output> = [send(request)]
  if (timerE !== undefined) outputs.push(startTimer(timerE))
  outputs.push(startTimer(timerF))
  return { state, outputs }
}

export const step = (state: State, event: Event): Step<State> => {
  switch (state._tag) {
    case "Trying":
    case "Proceeding":
      return waiting(state, event)
    case "Completed":
      return completed(state, event)
    case "Terminated":
      return { state, outputs: [] }
  }
}

const unchanged = (state: State): Step<State> => ({ state, outputs: [] })

/** Trying and Proceeding share every arc but the length of Timer E. */
const waiting = (state: Trying | Proceeding, event: Event): Step<State> => {
  switch (event._tag) {
    case "Receive":
      return response(state, event.message)
    case "TimerFired":
      if (isFiringOf(state.timerE, event.timer, event.id) && state.timerE !== undefined) {
        return retransmit(state, state.timerE)
      }
      /**
       * §17.1.2.2: "If Timer F fires while the client transaction is still in the 'Trying' state, the client
       * transaction SHOULD inform the TU about the timeout, and then it SHOULD enter the 'Terminated' state."
       * (The same holds in Proceeding.)
       */
      if (isFiringOf(state.timerF, event.timer, event.id)) {
        return end(state, timeout("F"), [...stopAll(state.timerE)])
      }
      return unchanged(state)
    case "TransportError":
      /** §17.1.4 and Figure 6: "Timer F fires or Transport Err. / inform TU" → Terminated. */
      return end(state, failed(event.reason), [...stopAll(state.timerE, state.timerF)])
  }
}

/**
 * §17.1.2.2 (Trying): "If timer E fires while still in this state, the timer is reset, but this time with a value
 * of MIN(2*T1, T2). When the timer fires again, it is reset to a MIN(4*T1, T2). This process continues so that
 * retransmissions occur with an exponentially increasing interval that caps at T2."
 * (Proceeding): "If Timer E fires while in the 'Proceeding' state, the request MUST be passed to the transport
 * layer for retransmission, and Timer E MUST be reset with a value of T2 seconds."
 */
const retransmit = (state: Trying | Proceeding, fired: ArmedTimer): Step<State> => {
  const interval = state._tag === "Trying" ? Math.min(2 * fired.after, state.config.t2) : state.config.t2
  const timerE = armTimer(state.lastTimerId, "E", interval)
  return {
    state: { ...state, timerE, lastTimerId: timerE.id },
    outputs: [send(state.request), startTimer(timerE)],
  }
}

const response = (state: Trying | Proceeding, message: Response): Step<State> => {
  /**
   * §17.1.2.2: "If a provisional response is received while in the 'Trying' state, the response MUST be passed to
   * the TU, and then the client transaction SHOULD move to the 'Proceeding' state." (In Proceeding, further
   * provisional responses are passed up too, Figure 6.)
   */
  if (message.status < 200) {
    const next: Proceeding = { ...state, _tag: "Proceeding" }
    return { state: next, outputs: [deliver(message)] }
  }
  /**
   * §17.1.2.2: "If a final response (status codes 200-699) is received while in the 'Trying' state, the response
   * MUST be passed to the TU, and the client transaction MUST transition to the 'Completed' state." [...] "Once
   * the client transaction enters the 'Completed' state, it MUST set Timer K to fire in T4 seconds for unreliable
   * transports, and zero seconds for reliable transports."
   */
  const stops = stopAll(state.timerE, state.timerF)
  const k = timerDuration("K", state.config, state.reliable) ?? 0
  if (k === 0) return end(state, normal, [...stops, deliver(message)])
  const timerK = armTimer(state.lastTimerId, "K", k)
  const next: Completed = { ...commonFields(state), _tag: "Completed", timerK, lastTimerId: timerK.id }
  return { state: next, outputs: [...stops, deliver(message), startTimer(timerK)] }
}

const completed = (state: Completed, event: Event): Step<State> => {
  switch (event._tag) {
    case "Receive":
      /** §17.1.2.2: "The 'Completed' state exists to buffer any additional response retransmissions that may be
       * received (which is why the client transaction remains there only for unreliable transports)." */
      return unchanged(state)
    case "TimerFired":
      /** §17.1.2.2: "If Timer K fires while in this state, the client transaction MUST transition to the
       * 'Terminated' state." */
      return isFiringOf(state.timerK, event.timer, event.id) ? end(state, normal, []) : unchanged(state)
    case "TransportError":
      // Nothing is sent in Completed; Figure 6 has no transport-error arc out of it.
      return unchanged(state)
  }
}

/** §17.1.2.2: "Once the transaction is in the terminated state, it MUST be destroyed immediately." */
const end = (state: State, reason: TerminationReason, before: ReadonlyArray<Output>): Step<State> =>
  terminate(state, reason, before)

// ---------------------------------------------------------------------------------------------------- the table

export type StateName = State["_tag"]

export type EventClass = "1xx" | "200-699" | "Timer E" | "Timer F" | "Timer K" | "Transport Err"

/** Figure 6, row by row; `test/transaction/transitions.test.ts` checks `step` against it. */
export const spec: MachineSpec<StateName, EventClass> = {
  name: "Non-INVITE client transaction",
  figure: "RFC 3261 §17.1.2.2 Figure 6",
  states: ["Trying", "Proceeding", "Completed", "Terminated"],
  events: ["1xx", "200-699", "Timer E", "Timer F", "Timer K", "Transport Err"],
  entry: { on: "Request from TU", to: "Trying", does: "request sent, start E (unreliable) and F" },
  transitions: [
    row("Trying", "1xx", "Proceeding", "1xx to TU"),
    row("Trying", "200-699", "Completed", "resp. to TU, start K", "Terminated"),
    row("Trying", "Timer E", "Trying", "request sent, E = min(2E, T2)"),
    row("Trying", "Timer F", "Terminated", "inform TU (timeout)"),
    ignore("Trying", "Timer K"),
    row("Trying", "Transport Err", "Terminated", "inform TU"),
    row("Proceeding", "1xx", "Proceeding", "1xx to TU"),
    row("Proceeding", "200-699", "Completed", "resp. to TU, start K", "Terminated"),
    row("Proceeding", "Timer E", "Proceeding", "request sent, E = T2"),
    row("Proceeding", "Timer F", "Terminated", "inform TU (timeout)"),
    ignore("Proceeding", "Timer K"),
    row("Proceeding", "Transport Err", "Terminated", "inform TU"),
    ignore("Completed", "1xx"),
    ignore("Completed", "200-699"),
    ignore("Completed", "Timer E"),
    ignore("Completed", "Timer F"),
    row("Completed", "Timer K", "Terminated", "-"),
    ignore("Completed", "Transport Err"),
    ignore("Terminated", "1xx"),
    ignore("Terminated", "200-699"),
    ignore("Terminated", "Timer E"),
    ignore("Terminated", "Timer F"),
    ignore("Terminated", "Timer K"),
    ignore("Terminated", "Transport Err"),
  ],
}
