/**
 * @module transaction — the RFC 3261 §17 transaction layer as pure reducers (RFC 6026 applied).
 *
 * Four machines, one module each, every one `start(request, options) → { state, outputs }` and
 * `step(state, event) → { state, outputs }`; the transaction keys of §17.1.3 / §17.2.3; a transaction table as an
 * immutable value; the timers of Table 4 as data. Time enters as `TimerFired`, leaves as `StartTimer`.
 * Never: I/O, clocks, randomness, exceptions. See docs/transactions.md.
 */
export { makeNonTwoXxAck } from "./Ack.js"
export * as InviteClientTransaction from "./InviteClientTransaction.js"
export * as InviteServerTransaction from "./InviteServerTransaction.js"
export * as NonInviteClientTransaction from "./NonInviteClientTransaction.js"
export * as NonInviteServerTransaction from "./NonInviteServerTransaction.js"
export {
  type ArmedTimer,
  defaultTimerConfig,
  makeTimerConfig,
  type TimerConfig,
  type TimerName,
  timerDuration,
  timerNames,
} from "./Timers.js"
export {
  type ClientEvent,
  type Deliver,
  isReliableTransport,
  type Output,
  type Receive,
  type Respond,
  receive,
  respond,
  type Send,
  type ServerEvent,
  type StartTimer,
  type Step,
  type StopTimer,
  type Terminated,
  type TerminationReason,
  type TimerFired,
  type TransactionEvent,
  type TransactionOptions,
  type TransportError,
  type TransportFailed,
  timerFired,
  transportError,
} from "./Transaction.js"
export {
  cancelTargetKey,
  clientKey,
  keyOf,
  responseKey,
  serverKey,
  type TransactionKey,
} from "./TransactionKey.js"
export type { Transaction } from "./TransactionTable.js"
export * as TransactionTable from "./TransactionTable.js"
export { type Entry, type MachineSpec, type Transition, toMermaid } from "./Transition.js"
