/**
 * Endpoint — the runtime as one Effect service: transports, the transaction table, the dialog table, the timer
 * facility, the inbound loop, and the application API (`request`, `call`, `register`, handlers).
 *
 * Built by `makeEndpoint(config, handlers)` in a Scope (or `Endpoint.layer(config, handlers)`); the config is
 * checked by the `EndpointConfig` schema first. Closing the scope shuts down gracefully: new requests get 503,
 * our calls still ringing are CANCELled, live transactions get up to `shutdownTimeoutMs` to finish, then every
 * socket closes.
 *
 * Needs the `Ids` (randomness) and `SipDns` services; `layer` provides the crypto and node:dns defaults.
 */
import { readFileSync } from "node:fs"
import {
  getHeader,
  type HeaderError,
  makeResponse,
  type Request,
  type Response,
  type SipMessage,
  salvageRequest,
} from "@sipkit/codec"
import { dialogKey, incomingDialogId } from "@sipkit/fsm/dialog"
import { defaultTimerConfig, keyOf, receive, TransactionTable } from "@sipkit/fsm/transaction"
import { Clock, Context, Effect, FiberSet, Layer, Option, PubSub, Queue, Stream } from "effect"
import type { HostPort, PeerAddress, TransportKind } from "./Address.js"
import { decodeConfig, type EndpointConfig, type ListenerConfig } from "./Config.js"
import { DialogStore, memoryDialogs, memoryDialogsLayer } from "./Dialogs.js"
import { nodeDnsLayer, SipDns } from "./dns/SipDns.js"
import { type CallHandle, type CallOptions, call, sendInDialog } from "./engine/Call.js"
import { RequestFailed } from "./engine/Client.js"
import {
  activeCounts,
  addTransaction,
  type Core,
  connectionClosed,
  dispatchNow,
  isWireWatched,
  KeyInUse,
  type Listener,
  logWireNow,
  sendToNow,
  sharedRoute,
  type TimerJob,
  warningOf,
} from "./engine/Core.js"
import { expiringFired } from "./engine/Expiring.js"
import { makeInbox } from "./engine/Inbox.js"
import { keyText } from "./engine/KeyText.js"
import { type Rest, restOf, runRest, thenNow } from "./engine/Now.js"
import { isForkResponse, makeProxyRuntime, proxy, proxyByLocation, proxyResponse } from "./engine/Proxy.js"
import { type RegisterOptions, type Registration, register } from "./engine/Register.js"
import { oneOffRequest, type RequestOptions } from "./engine/Request.js"
import { endDialog, onAck, onRequest } from "./engine/Server.js"
import { makeStats, type StatsSnapshot } from "./engine/Stats.js"
import { uaStepNow } from "./engine/UaCore.js"
import { labelOf, nextSeq, type WireEvent } from "./engine/WireLog.js"
import type { Handlers } from "./Handlers.js"
import { cryptoIdsLayer, Ids } from "./Ids.js"
import { responseRoute, stampReceived } from "./Routing.js"
import { makeTimers } from "./Timers.js"
import { sipFraming } from "./transport/SipFraming.js"
import { makeStreamTransport } from "./transport/StreamTransport.js"
import type { Inbound, TlsFiles, Transport } from "./transport/Transport.js"
import { makeUdpTransport } from "./transport/Udp.js"
import { makeWebSocketTransport } from "./transport/WebSocketTransport.js"

export type { RequestOptions } from "./engine/Request.js"

/** The step a due timer stands for, done at once: what is left of it (engine/Now.ts). */
const fireTimerNow = (core: Core, job: TimerJob): Rest => {
  switch (job._tag) {
    case "Transaction":
      return dispatchNow(core, job.key, { _tag: "TimerFired", timer: job.timer, id: job.id })
    case "Ua":
      // the event built whole, its nonce slot included (uaStepNow sets it: engine/UaCore.ts)
      return uaStepNow(core, { _tag: "TimerFired", timer: job.timer, nonce: "" })
    case "Expiring":
      return expiringFired(core)
    case "Run":
      return job.effect
  }
}

export interface EndpointShape {
  /** Every listener: its transport, bound address and advertised address. */
  readonly listeners: ReadonlyArray<{
    readonly transport: TransportKind
    readonly local: HostPort
    readonly advertised: HostPort
  }>
  /** A one-off request outside any dialog; the final response (any status), or RequestFailed (408/503 …). */
  readonly request: (
    method: string,
    target: string,
    options?: RequestOptions,
  ) => Effect.Effect<Response, RequestFailed>
  readonly call: (target: string, offer?: string, options?: CallOptions) => Effect.Effect<CallHandle>
  readonly register: (options: RegisterOptions) => Effect.Effect<Registration, RequestFailed>
  /**
   * A request inside an existing dialog (either side; `ctx.dialog().id` on the server side). A BYE that gets a
   * final response ends the dialog (§15.1.1) and the call handle's stream, if any, with `Ended(local)`.
   */
  readonly inDialog: (
    dialogId: string,
    method: string,
    init?: {
      readonly headers?: ReadonlyArray<readonly [string, string]>
      readonly body?: string
      readonly contentType?: string
    },
  ) => Effect.Effect<Response, RequestFailed>
  readonly stats: Effect.Effect<StatsSnapshot>
  /** Every message in and out, as it crosses the wire. */
  readonly wire: Stream.Stream<WireEvent>
  /** Graceful shutdown now (also run when the scope closes). */
  readonly shutdown: Effect.Effect<void>
}

export class Endpoint extends Context.Service<Endpoint, EndpointShape>()("@sipkit/transport-node/Endpoint") {}

const readTls = (l: ListenerConfig): TlsFiles | undefined =>
  l.certFile === undefined || l.keyFile === undefined
    ? undefined
    : {
        cert: readFileSync(l.certFile, "utf8"),
        key: readFileSync(l.keyFile, "utf8"),
        ...(l.caFile === undefined ? {} : { ca: readFileSync(l.caFile, "utf8") }),
      }

const openListener = (
  l: ListenerConfig,
  inbound: Queue.Queue<Inbound<SipMessage>>,
  idleTimeoutMs: number | undefined,
  deliver: (event: Inbound<SipMessage>) => void,
) =>
  Effect.gen(function* () {
    const tls = readTls(l)
    const base = { host: l.host, port: l.port, framing: sipFraming(), inbound }
    const common = { ...base, listen: l.listen, idleTimeoutMs, tls }
    const transport: Transport =
      l.transport === "UDP"
        ? yield* makeUdpTransport({ ...base, deliver })
        : l.transport === "TCP" || l.transport === "TLS"
          ? yield* makeStreamTransport({ ...common, kind: l.transport })
          : yield* makeWebSocketTransport({ ...common, kind: l.transport })
    const bound = transport.local
    const advertised: HostPort = {
      host:
        l.advertiseHost ??
        (bound.host === "0.0.0.0" ? "127.0.0.1" : bound.host === "::" ? "::1" : bound.host),
      port: l.advertisePort ?? bound.port,
    }
    return { transport, advertised, tls } satisfies Listener
  })

const answerStatelessly = (
  core: Core,
  request: Request,
  source: PeerAddress,
  connection: string | undefined,
  status: number,
  fault: string | undefined,
): Rest => {
  const route = responseRoute(request, source, connection)
  if (route._tag === "Err") return undefined
  // the status keeps its standard reason phrase (§21); what was wrong goes in a Warning (§20.43, code 399)
  const headers: ReadonlyArray<readonly [string, string]> =
    fault === undefined ? [] : [warningOf(core, fault)]
  const sent = sendToNow(core, route.value, makeResponse(request, status, { headers }))
  return sent !== undefined && Effect.isEffect(sent) ? Effect.ignore(sent) : undefined
}

/**
 * A datagram `parseMessage` refused. A request whose header fields can still be read (codec `salvageRequest`: the
 * start line or the Content-Length was at fault, or a stray line) and whose Via names where to answer gets the status
 * the parser named, statelessly, the fault in a Warning — RFC 3261 §18.3 (a body shorter than its Content-Length:
 * 400), RFC 4475 §3.1.2 (a malformed start line: 400; an unknown SIP version: 505). Anything else — a response, an
 * ACK, no readable Via — is dropped (§18.1.2, §18.2.1). Either way one log line.
 */
const answerMalformed = (
  core: Core,
  event: Extract<Inbound<SipMessage>, { readonly _tag: "Malformed" }>,
): Rest => {
  const { remote, error } = event
  const from = `${remote.transport} ${remote.host}:${remote.port}`
  const salvaged = event.bytes === undefined ? undefined : salvageRequest(event.bytes)
  const stamped = salvaged?._tag === "Ok" ? stampReceived(salvaged.value, remote) : undefined
  if (stamped?._tag !== "Ok")
    return Effect.logWarning(`malformed message from ${from}, dropped: ${error.reason}`)
  const logged = Effect.logWarning(
    `malformed request from ${from}, answered ${error.status}: ${error.reason}`,
  )
  const sent = answerStatelessly(core, stamped.value, remote, event.connection, error.status, error.reason)
  return sent === undefined ? logged : Effect.andThen(sent, logged)
}

/** One event from the transports, handled at once as far as it is synchronous (engine/Now.ts, engine/Inbox.ts). */
const handleInboundNow = (core: Core, event: Inbound<SipMessage>): Rest => {
  switch (event._tag) {
    case "Closed":
      return connectionClosed(core, event.remote)
    case "Malformed":
      core.stats.countMalformed()
      return answerMalformed(core, event)
    case "Message":
      break
  }
  const { remote, connection } = event
  let message = event.message
  core.stats.countIn(labelOf(message))
  if (message._tag === "Request") {
    const stamped = stampReceived(message, remote)
    if (stamped._tag === "Err") {
      core.stats.countMalformed()
      return Effect.logWarning(`request without a usable Via from ${remote.host}:${remote.port}`)
    }
    message = stamped.value
  }
  const route = routeOf(core, message)
  // the dialog identity is read for a new request (§8.2, below) and for the wire log, not for a retransmission
  const dialogId =
    message._tag === "Request" && (route._tag === "NoMatch" || isWireWatched(core))
      ? incomingDialogId(message)
      : undefined
  if (!isWireWatched(core)) return routeInbound(core, message, remote, connection, route, dialogId)
  const logged = logWireNow(core, {
    seq: nextSeq(),
    direction: "in",
    message,
    transport: remote.transport,
    local: event.local,
    remote,
    transaction: route._tag === "Invalid" ? undefined : route.key,
    dialog: dialogId?._tag === "Ok" && dialogId.value !== undefined ? dialogKey(dialogId.value) : undefined,
    retransmission: false,
  })
  const received = message
  return thenNow(logged, () => routeInbound(core, received, remote, connection, route, dialogId))
}

const routeInbound = (
  core: Core,
  message: SipMessage,
  remote: PeerAddress,
  connection: string | undefined,
  route: Route,
  dialogId: ReturnType<typeof incomingDialogId> | undefined,
): Rest => {
  if (route._tag === "Invalid") {
    if (message._tag === "Request" && message.method !== "ACK")
      return answerStatelessly(core, message, remote, connection, route.error.status, route.error.reason)
    return undefined
  }
  if (route._tag === "Match") return dispatchNow(core, route.key, receive(message))
  // §8.2: a new request whose dialog identity cannot be read (no Call-ID …) gets its status with the standard
  // reason phrase and the fault in a Warning, statelessly, before any transaction is made for it
  if (dialogId?._tag === "Err" && message._tag === "Request" && message.method !== "ACK")
    return answerStatelessly(core, message, remote, connection, dialogId.error.status, dialogId.error.reason)
  if (message._tag === "Response") return restOf(core.hooks.onStrayResponse(message))
  if (message.method === "ACK") return onAck(core, message, remote)
  if (core.shuttingDown && message.method !== "CANCEL" && message.method !== "BYE")
    return answerStatelessly(core, message, remote, connection, 503, undefined)
  const responses = responseRoute(message, remote, connection)
  if (responses._tag === "Err") return undefined
  const started = TransactionTable.newTransaction("server", message, {
    reliable: remote.transport !== "UDP",
    timers: core.config.timers,
  })
  const added = addTransaction(
    core,
    route.key,
    {
      side: "server",
      tx: started.state,
      timers: undefined,
      request: message,
      source: remote,
      route: sharedRoute(core, responses.value),
      final: false,
      proxying: false,
      cancelled: undefined,
      dialog: undefined,
    },
    started.outputs,
  )
  return added instanceof KeyInUse
    ? Effect.logWarning(`no server transaction: key ${keyText(added.key)} in use`)
    : added
}

/** §17.1.3, §17.2.3: the transaction a message from the wire belongs to (`TransactionTable.route` over the
 * runtime's records). */
type Route =
  | { readonly _tag: "Match"; readonly key: string }
  | { readonly _tag: "NoMatch"; readonly key: string }
  | { readonly _tag: "Invalid"; readonly error: HeaderError }

const routeOf = (core: Core, message: SipMessage): Route => {
  const key = keyOf(message)
  if (key._tag === "Err") return { _tag: "Invalid", error: key.error }
  return core.info.has(key.value) ? { _tag: "Match", key: key.value } : { _tag: "NoMatch", key: key.value }
}

/** Builds an endpoint in the current scope. */
export const makeEndpoint = (input: EndpointConfig | unknown, handlers: Handlers = {}) =>
  Effect.gen(function* () {
    const config = yield* decodeConfig(input)
    const ids = yield* Ids
    const dns = yield* SipDns
    const inbound = yield* Queue.unbounded<Inbound<SipMessage>>()
    // input goes to the queue until the inbox exists (below)
    let deliver = (event: Inbound<SipMessage>): void => void Queue.offerUnsafe(inbound, event)
    const listeners: Array<Listener> = []
    for (const l of config.listeners)
      listeners.push(yield* openListener(l, inbound, config.idleTimeoutMs, (event) => deliver(event)))
    const fibers = yield* FiberSet.make<unknown, unknown>()
    const fork = Effect.runForkWith(yield* Effect.context<never>())
    // a due timer's job is run against the core made just below (timers fire only after it exists)
    const timers = yield* makeTimers((job: TimerJob) => runRest(fireTimerNow(core, job)), {
      fireNow: (job) => fireTimerNow(core, job),
    })
    const core: Core = {
      config: {
        timers: {
          ...defaultTimerConfig,
          ...Object.fromEntries(Object.entries(config.timers ?? {}).filter(([, v]) => v !== undefined)),
        },
        mtu: config.mtu,
        switchToTcp: config.switchToTcpAboveMtu ?? true,
        user: config.user ?? "sipkit",
        userAgent: config.userAgent ?? "sipkit",
        shutdownTimeoutMs: config.shutdownTimeoutMs ?? 5000,
        logMessages: config.logMessages ?? true,
        supported: config.supported ?? [],
      },
      handlers,
      ids,
      dns,
      timers,
      stats: makeStats(),
      wire: yield* PubSub.unbounded<WireEvent>(),
      wireReaders: 0,
      listeners,
      fibers,
      fork,
      info: new Map(),
      expiringFirst: undefined,
      expiringLast: undefined,
      expiringArmed: false,
      dialogs: new Map(),
      dialogStore: Option.getOrElse(yield* Effect.serviceOption(DialogStore), memoryDialogs),
      hooks: {
        onRequest: (key, request) => onRequest(core, key, request),
        onAck: (request, source) => onAck(core, request, source),
        onStrayResponse: (response) =>
          Effect.gen(function* () {
            // a response on one of our forks with no transaction left (a 2xx retransmission): the proxy's (§16.7)
            if (isForkResponse(core, response)) return yield* proxyResponse(core, response)
            // RFC 6026 §7.3 / §13.2.2.4: a 2xx retransmitted after the INVITE transaction is gone → re-ACK.
            if (response.status < 200 || response.status >= 300) return
            const from = getHeader(response, "From")
            const to = getHeader(response, "To")
            const callId = getHeader(response, "Call-ID")
            const localTag = from?.match(/;\s*tag=([^;\s]+)/i)?.[1]
            const remoteTag = to?.match(/;\s*tag=([^;\s]+)/i)?.[1]
            if (callId === undefined || localTag === undefined || remoteTag === undefined) return
            const entry = core.dialogs.get(dialogKey({ callId, localTag, remoteTag }))
            if (entry?.onStray2xx !== undefined) yield* entry.onStray2xx(response)
          }),
        proxy: (key, _ctx, decision) => {
          const request = (core.info.get(key) as { readonly request: Request } | undefined)?.request
          if (request === undefined) return Effect.void
          return decision._tag === "Proxy"
            ? proxy(core, key, request, decision.targets)
            : proxyByLocation(core, key, request, decision.location, decision.domains)
        },
      },
      proxy: makeProxyRuntime(listeners.map((l) => ({ kind: l.transport.kind, advertised: l.advertised }))),
      shuttingDown: false,
      lastRoute: undefined,
      pendingCalls: new Set(),
    }
    // Input is handled in arrival order, one event at a time, at once where it can be (engine/Inbox.ts); what the
    // stream transports queue goes through the same inbox.
    const inbox = makeInbox(
      (event: Inbound<SipMessage>) => handleInboundNow(core, event),
      (effect) => fork(effect),
      (cause) => Effect.logError("inbound handling failed", cause),
    )
    yield* Effect.addFinalizer(() => Effect.sync(inbox.close))
    deliver = inbox.deliver
    yield* Effect.forkScoped(
      Effect.forever(
        Effect.flatMap(Queue.takeAll(inbound), (events) => Effect.sync(() => events.forEach(inbox.deliver))),
      ),
    )

    const shutdown = Effect.gen(function* () {
      if (core.shuttingDown) return
      core.shuttingDown = true
      const start = yield* Clock.currentTimeMillis
      // our own calls still ringing are CANCELled, so their INVITE transactions end with a 487
      yield* Effect.forEach([...core.pendingCalls], (cancel) => cancel, { discard: true })
      // Wait for transactions still expecting a final response; Completed/Confirmed/Accepted ones only absorb
      // retransmissions and may go with the sockets.
      const pending = () =>
        [...core.info.values()].filter(
          (info) =>
            info.side !== "final" &&
            (info.tx._tag === "Trying" || info.tx._tag === "Proceeding" || info.tx._tag === "Calling"),
        ).length
      while (pending() > 0 && (yield* Clock.currentTimeMillis) - start < core.config.shutdownTimeoutMs) {
        yield* Effect.sleep(50)
      }
    })
    yield* Effect.addFinalizer(() => shutdown)

    const endpoint: EndpointShape = {
      listeners: listeners.map((l) => ({
        transport: l.transport.kind,
        local: l.transport.local,
        advertised: l.advertised,
      })),
      request: (method, target, options = {}) => oneOffRequest(core, method, target, options),
      call: (target, offer, options) => call(core, target, offer, options),
      register: (options) => register(core, options),
      inDialog: (dialogId, method, init) =>
        Effect.gen(function* () {
          const entry = core.dialogs.get(dialogId)
          if (entry === undefined) return yield* new RequestFailed({ status: 481, reason: "no such dialog" })
          const response = yield* sendInDialog(core, entry, method, init ?? {})
          if (method === "BYE") {
            const notify = entry.onLocalEnd
            entry.onRemoteEnd = undefined
            yield* endDialog(core, dialogId, "local BYE")
            if (notify !== undefined) yield* notify()
          }
          return response
        }),
      stats: Effect.map(activeCounts(core), (counts) => core.stats.snapshot(counts)),
      // counted while read: with no reader and no log, the engine builds no wire event (engine/Core.ts)
      wire: Stream.unwrap(
        Effect.sync(() => {
          core.wireReaders += 1
          return Stream.fromPubSub(core.wire).pipe(
            Stream.ensuring(
              Effect.sync(() => {
                core.wireReaders -= 1
              }),
            ),
          )
        }),
      ),
      shutdown,
    }
    return endpoint
  })

/** The endpoint as a Layer, with crypto ids and the system DNS (override `SipDns` in tests). */
export const layer = (config: EndpointConfig | unknown, handlers: Handlers = {}) =>
  Layer.effect(Endpoint)(makeEndpoint(config, handlers))

export const layerWithDefaults = (config: EndpointConfig | unknown, handlers: Handlers = {}) =>
  layer(config, handlers).pipe(
    Layer.provide(Layer.mergeAll(cryptoIdsLayer, nodeDnsLayer, memoryDialogsLayer)),
  )
