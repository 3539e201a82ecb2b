/**
 * @sipkit/transport-node — the Effect 4 runtime of sipkit: sockets (UDP, TCP, TLS, WebSocket RFC 7118), one timer
 * facility, RFC 3263 resolution, the engine that drives the fsm's transaction machines and dialogs, and the
 * application API (handlers per method; `request`, `call`, `register`).
 *
 * It owns I/O, time and randomness and nothing else: every protocol decision stays in @sipkit/fsm.
 * See docs/runtime.md.
 */
export const packageName = "@sipkit/transport-node"

export * from "./Address.js"
export * from "./Config.js"
export { DialogStore, type DialogStoreShape, memoryDialogs, memoryDialogsLayer } from "./Dialogs.js"
export { type ResolveInput, resolve, type Target, withFailover } from "./dns/Resolver.js"
export * from "./dns/SipDns.js"
export {
  Endpoint,
  type EndpointShape,
  layer,
  layerWithDefaults,
  makeEndpoint,
  type RequestOptions,
} from "./Endpoint.js"
export type { CallEvent, CallHandle, CallOptions } from "./engine/Call.js"
export { type Credentials, RequestFailed } from "./engine/Client.js"
export type { RegisterOptions, Registration } from "./engine/Register.js"
export type { StatsSnapshot } from "./engine/Stats.js"
export { formatWireEvent, type WireEvent } from "./engine/WireLog.js"
export * from "./Handlers.js"
export { cryptoIds, cryptoIdsLayer, Ids, type IdsShape, sequentialIds } from "./Ids.js"
export {
  Location,
  type LocationShape,
  memoryLocation,
  memoryLocationLayer,
  registrarHandler,
} from "./Location.js"
export { makeTimerHeap, type TimerHandle, type TimerHeap } from "./TimerHeap.js"
export { makeTimers, type Timers } from "./Timers.js"
export { sipFraming } from "./transport/SipFraming.js"
export { makeStreamTransport, type StreamTransportOptions } from "./transport/StreamTransport.js"
export * from "./transport/Transport.js"
export { makeUdpTransport, maxDatagram } from "./transport/Udp.js"
export {
  makeWebSocketTransport,
  sipSubprotocol,
  type WebSocketTransportOptions,
} from "./transport/WebSocketTransport.js"
