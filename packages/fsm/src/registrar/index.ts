/**
 * @module registrar — RFC 3261 §10.3 registrar over a location store (RFC 5626 instance/reg-id aware).
 *
 * Pure: time, To tags and the store come in as values; the response and the next store come out.
 */
export { type AorError, canonicalAor } from "./Aor.js"
export type { AuthCheck, Authenticator } from "./Authenticator.js"
export { type Binding, isLive, isOutboundBinding, remainingSeconds } from "./Binding.js"
export { type DigestAuthenticatorInit, makeDigestAuthenticator } from "./DigestAuthenticator.js"
export { type LocationStore, makeMemoryLocationStore } from "./LocationStore.js"
export { type ExpiryPolicy, type RegisterFault, readOperation } from "./RegisterRequest.js"
export {
  contactHeaders,
  makeRegistrarConfig,
  processRegister,
  type RegisterDecision,
  type RegisterInput,
  type RegistrarConfig,
  register,
  sameContactUri,
} from "./Registrar.js"
export {
  applyRegistration,
  type ContactUpdate,
  type OutOfOrder,
  type RegisterOperation,
  type RegistrationResult,
  type SameUri,
  sameBinding,
} from "./Registration.js"
