/**
 * @module proxy — the RFC 3261 §16 stateful forking proxy as a pure reducer, and its parts.
 *
 * `stepProxy(config, state, event) → { state, outputs }`; time, randomness (tokens) and the location store come in
 * with the events.
 */
export { chooseBest } from "./BestResponse.js"
export { makeCancel } from "./Cancel.js"
export {
  decrementMaxForwards,
  defaultMaxForwards,
  type ForwardedRequest,
  forwardTo,
  outboundTransport,
} from "./Forwarding.js"
export { branchLoopHash, cancelledKey, forkBranch, loopHash, transactionKey } from "./Keys.js"
export { emptyPersistentMap, type PersistentMap } from "./PersistentMap.js"
export { initialProxyState, stepProxy } from "./Proxy.js"
export { isSelfUri, makeProxyConfig, type ProxyConfig, type ProxyListener, selfUri } from "./ProxyConfig.js"
export {
  type EndpointConfig,
  type EndpointEvent,
  type EndpointOutput,
  type EndpointState,
  type EndpointStep,
  initialEndpointState,
  stepEndpoint,
} from "./ProxyEndpoint.js"
export { nextHop, postprocessRoute, preprocessRoute } from "./Routing.js"
export { forwardResponseStateless, forwardStateless, viaDestination } from "./Stateless.js"
export { determineTargets, forkPlan, type LocationView, type TargetSet } from "./Targets.js"
export type {
  Branch,
  BranchState,
  ContextPhase,
  Destination,
  ProxyEvent,
  ProxyOutput,
  ProxyState,
  ProxyStep,
  ResponseContext,
} from "./Types.js"
export { type Rejection, validateProxyRequest } from "./Validation.js"
