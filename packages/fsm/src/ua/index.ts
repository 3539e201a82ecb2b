/**
 * @module ua — the UA core (RFC 3261 §8, §9, §12–§15; RFC 3515 REFER; RFC 3960 early media) as one pure reducer.
 *
 * `step(state, event) → { state, outputs }`. Events: requests and responses from the transaction layer, failed
 * client transactions, the core's own 2xx timers, and application commands. Outputs: new client transactions,
 * responses on server transactions, ACKs for 2xx, timers, and reports to the application.
 *
 * Never: I/O, clocks, randomness — every event brings a `nonce` for the tags and branches it needs.
 */
export { callForDialogRequest } from "./answers.js"
export {
  type Accepting,
  type Call,
  type CallRef,
  callRef,
  type Media,
  type PendingReinvite,
  type Phase,
} from "./Call.js"
export { cancels, makeCancel } from "./cancel.js"
export { type PhaseArc, phaseArcs, phaseDiagram } from "./phases.js"
export { parseReferTo, type ReferTarget } from "./refer.js"
export { grantedExpiry, makeRegister, type RegisterInit } from "./register.js"
export { parseReplaces, type ReplacesValue } from "./replaces.js"
export {
  dialogCreating,
  fillVia,
  makeOutOfDialogRequest,
  type OutOfDialogInit,
  type Retry,
  retryWithCredentials,
} from "./requests.js"
export { step } from "./Ua.js"
export {
  allowHeader,
  type Credentials,
  isAllowed,
  isDelegated,
  knownMethods,
  makeUaConfig,
  supportedHeader,
  type UaConfig,
} from "./UaConfig.js"
export type {
  Answer,
  Cancel,
  Command,
  Forget,
  Hangup,
  Hold,
  Invite,
  Progress,
  Refer,
  Reinvite,
  Reject,
  RequestReceived,
  Respond,
  ResponseReceived,
  Resume,
  SendInDialog,
  TimerFired,
  TransactionFailed,
  UaEvent,
  UaTimer,
} from "./UaEvent.js"
export type { UaOutput, UaReport } from "./UaOutput.js"
export { callForInvite, makeUa, removeCall, type UaState, type UaStep } from "./UaState.js"
export { checkRequest } from "./uasChecks.js"
