/**
 * Proxy — the runtime side of `@sipkit/fsm/proxy`: the stateful proxy of RFC 3261 §16 is the fsm's pure reducer
 * `stepProxy`; this module only feeds it events and carries out its outputs on the engine's one transaction table,
 * sockets and timer facility.
 *
 * - Events in: a request the application decided to proxy (`proxy(targets)`, or `proxyByLocation` over the
 *   Location service), a CANCEL for a proxied INVITE, an in-dialog request or ACK whose top Route names this
 *   endpoint and that no local dialog takes, the responses of the forks' client transactions, their failures
 *   (timeout → 408, transport → 503), Timer C.
 * - Outputs carried out: `Respond` (through the server transaction, or by its Via once that is gone), `Forward` and
 *   `Cancel` (a client transaction each, to the RFC 3263 resolution of the destination), `SendStateless`,
 *   `SetTimer`/`ClearTimer` (Timer C, on the one timer facility), `AbandonBranch`, `Absorbed` (logged).
 *
 * So Record-Route (`lr`), loop detection (482), Max-Forwards (483), CANCEL of losing forks, the best final response
 * relayed with its headers, merged 401/407 challenges and absorbed 487s are all decided by the fsm.
 *
 * `proxy(targets)` hands the targets to the reducer as the location bindings of the Request-URI (the reducer
 * takes its targets from a `LocationView`); the Request-URI's domain is treated as ours for that one event.
 */
import {
  getRoutes,
  getTopVia,
  headerKey,
  parseUri,
  type Request,
  type Response,
  viaBranch,
} from "@sipkit/codec"
import {
  initialProxyState,
  isSelfUri,
  type LocationView,
  makeProxyConfig,
  type ProxyConfig,
  type Destination as ProxyDestination,
  type ProxyEvent,
  type ProxyOutput,
  type ProxyState,
  stepProxy,
  viaDestination,
} from "@sipkit/fsm/proxy"
import { canonicalAor } from "@sipkit/fsm/registrar"
import { clientKey, respond as respondEvent } from "@sipkit/fsm/transaction"
import { Clock, Effect } from "effect"
import { hostForUri, isReliable, type TransportKind } from "../Address.js"
import type { LocationShape } from "../Location.js"
import { targetsFor } from "./Client.js"
import {
  type ClientTxInfo,
  type Core,
  type Destination,
  dispatch,
  markFinal,
  sendTo,
  startTransaction,
  timerKey,
} from "./Core.js"
import { runRest } from "./Now.js"

/** What the runtime keeps beside the reducer's state: where each fork went, and its client transaction. */
export interface ProxyRuntime {
  state: ProxyState
  readonly config: ProxyConfig
  /** Fork branch id → its client transaction key and resolved destination. */
  readonly forks: Map<string, { readonly key: string; readonly destination: Destination }>
}

const transports: ReadonlyArray<TransportKind> = ["UDP", "TCP", "TLS", "WS", "WSS"]
const asTransport = (text: string): TransportKind => {
  const upper = text.toUpperCase() as TransportKind
  return transports.includes(upper) ? upper : "UDP"
}

/**
 * The proxy identity of an endpoint: its first listener's advertised address, every listener's as aliases and as the
 * proxy's listeners (the Record-Route facing a hop names the listener of that hop's transport, §16.6 step 4).
 */
export const makeProxyRuntime = (
  listeners: ReadonlyArray<{
    readonly kind: TransportKind
    readonly advertised: { readonly host: string; readonly port: number }
  }>,
  domains: ReadonlyArray<string> = [],
): ProxyRuntime => {
  const first = listeners[0]
  const host = first?.advertised.host ?? "127.0.0.1"
  return {
    state: initialProxyState,
    config: makeProxyConfig({
      host,
      port: first?.advertised.port ?? 5060,
      transport: first?.kind ?? "UDP",
      aliases: [...new Set(listeners.map((l) => l.advertised.host))].filter((h) => h !== host),
      listeners: listeners.map((l) => ({ transport: l.kind, ...l.advertised })),
      domains,
    }),
    forks: new Map(),
  }
}

const noLocation: LocationView = { get: () => [] }

/** Feeds one event to the reducer and carries out its outputs, in order. */
export const feed = (core: Core, event: ProxyEvent, config?: ProxyConfig): Effect.Effect<void> =>
  Effect.suspend(() => {
    const stepped = stepProxy(config ?? core.proxy.config, core.proxy.state, event)
    core.proxy.state = stepped.state
    return Effect.forEach(stepped.outputs, (output) => carryOut(core, output), { discard: true })
  })

const now = Clock.currentTimeMillis

/** `proxy(targets)`: the request of server transaction `key` forked to `targets` (§16.5–§16.6 by the fsm). */
export const proxy = (core: Core, key: string, request: Request, targets: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const info = core.info.get(key)
    if (info?.side === "server") info.proxying = true
    const uri = parseUri(request.uri)
    const aor = canonicalAor(request.uri)
    const domain = uri._tag === "Ok" && uri.value._tag === "SipUri" ? uri.value.host.toLowerCase() : undefined
    const t = yield* now
    const bindings = targets.map((target) => ({
      uri: target,
      expiresAt: t + 3_600_000,
      q: undefined,
      callId: "",
      cseq: 0,
      instance: undefined,
      regId: undefined,
    }))
    const location: LocationView = {
      get: (a) => (aor._tag === "Ok" && a === aor.value ? bindings : []),
    }
    const config = domain === undefined ? core.proxy.config : { ...core.proxy.config, domains: [domain] }
    yield* feed(core, { ...received(core, key, request, t), location }, config)
  })

/** A new request of server transaction `key`, with the transport it came in on (its Record-Route names it). */
const received = (core: Core, key: string, request: Request, t: number) => {
  const info = core.info.get(key)
  return {
    _tag: "RequestReceived" as const,
    request,
    now: t,
    token: core.ids.tag(),
    ...(info?.side === "server" ? { transport: info.source.transport } : {}),
  }
}

/** Proxy the request of server transaction `key` to the bindings the Location service has for its Request-URI. */
export const proxyByLocation = (
  core: Core,
  key: string,
  request: Request,
  location: LocationShape,
  domains: ReadonlyArray<string>,
) =>
  Effect.gen(function* () {
    const info = core.info.get(key)
    if (info?.side === "server") info.proxying = true
    const t = yield* now
    const aor = canonicalAor(request.uri)
    const known = aor._tag === "Ok" ? yield* location.lookup(aor.value, t) : []
    const view: LocationView = { get: (a) => (aor._tag === "Ok" && a === aor.value ? known : []) }
    const config = { ...core.proxy.config, domains: [...core.proxy.config.domains, ...domains] }
    yield* feed(core, { ...received(core, key, request, t), location: view }, config)
  })

/**
 * Whether a request is one to pass on as a proxy rather than take as a UA: its top Route names this endpoint
 * (a loose-routed in-dialog request or ACK on a route set this proxy Record-Routed).
 */
export const isRoutedThrough = (core: Core, request: Request): boolean => {
  const routes = getRoutes(request)
  const top = routes._tag === "Ok" ? routes.value[0] : undefined
  return top !== undefined && isSelfUri(core.proxy.config, top.uri)
}

/** An in-dialog request or ACK routed through this endpoint (§16.4: our Route entry comes off, then forwarded). */
export const proxyRouted = (core: Core, request: Request) =>
  Effect.gen(function* () {
    const t = yield* now
    yield* feed(core, {
      _tag: "RequestReceived",
      request,
      now: t,
      token: core.ids.tag(),
      location: noLocation,
    })
  })

/** A CANCEL whose INVITE is proxied (§16.10 by the fsm: 200 to it, CANCEL of every pending branch). */
export const proxyCancel = (core: Core, cancel: Request) => proxyRouted(core, cancel)

/** A response with no client transaction: the fsm's when its Via branch is one of our forks. */
export const isForkResponse = (core: Core, response: Response): boolean => {
  const via = getTopVia(response)
  if (via._tag === "Err") return false
  const branch = viaBranch(via.value)
  return branch !== undefined && core.proxy.state.branches.has(branch)
}

export const proxyResponse = (core: Core, response: Response) =>
  Effect.gen(function* () {
    yield* feed(core, { _tag: "ResponseReceived", response, now: yield* now })
  })

/** Where a proxy output goes: an address from a Via as it is, a URI by RFC 3263 (first target). */
const resolveDestination = (core: Core, destination: ProxyDestination) =>
  destination._tag === "Address"
    ? Effect.succeed<Destination | undefined>({
        transport: asTransport(destination.transport),
        host: destination.host,
        port: destination.port,
      })
    : targetsFor(core, destination.uri).pipe(Effect.map((targets): Destination | undefined => targets[0]))

const carryOut = (core: Core, output: ProxyOutput): Effect.Effect<void> => {
  switch (output._tag) {
    case "Respond": {
      const info = core.info.get(output.transaction)
      if (info === undefined || info.side !== "server" || info.final) {
        // The server transaction is gone (a 2xx from another fork after it ended): by the Via (§18.2.2).
        return sendByVia(core, output.response)
      }
      if (output.response.status >= 200) markFinal(info)
      return dispatch(core, output.transaction, respondEvent(output.response))
    }
    case "Forward":
      return startClient(core, output.branch, output.request, { _tag: "Uri", uri: output.destination }, true)
    case "Cancel": {
      const fork = core.proxy.forks.get(output.branch)
      return fork === undefined
        ? startClient(core, output.branch, output.request, { _tag: "Uri", uri: output.destination }, false)
        : startClientAt(core, output.branch, output.request, fork.destination, false)
    }
    case "SendStateless":
      return Effect.gen(function* () {
        const destination = yield* resolveDestination(core, output.destination)
        if (destination === undefined)
          return yield* Effect.logWarning(`proxy: cannot resolve ${JSON.stringify(output.destination)}`)
        const message =
          output.message._tag === "Request"
            ? viaTransport(core, output.message, destination.transport)
            : output.message
        yield* sendTo(core, destination, message).pipe(
          Effect.catch((error) =>
            Effect.logWarning(`proxy: stateless send failed: ${JSON.stringify(error)}`),
          ),
        )
      })
    case "SetTimer":
      return Effect.gen(function* () {
        const t = yield* now
        yield* core.timers.schedule(timerKey("C", output.branch), Math.max(0, output.at - t), {
          _tag: "Run",
          effect: Effect.gen(function* () {
            yield* feed(core, { _tag: "TimerFired", timer: "C", branch: output.branch, now: yield* now })
          }),
        })
      })
    case "ClearTimer":
      return core.timers.cancel(timerKey("C", output.branch))
    case "AbandonBranch":
      return Effect.sync(() => {
        const fork = core.proxy.forks.get(output.branch)
        if (fork === undefined) return
        core.proxy.forks.delete(output.branch)
        core.info.delete(fork.key)
      })
    case "Absorbed":
      return Effect.logDebug(`proxy: absorbed (${output.reason})`)
  }
}

const sendByVia = (core: Core, response: Response) =>
  Effect.gen(function* () {
    const via = getTopVia(response)
    if (via._tag === "Err") return
    const destination = yield* resolveDestination(core, viaDestination(via.value))
    if (destination === undefined) return
    yield* sendTo(core, destination, response).pipe(
      Effect.catch((error) => Effect.logWarning(`proxy: response send failed: ${JSON.stringify(error)}`)),
    )
  })

/**
 * Our Via (top, written by the fsm with the configured transport and address) names the transport actually used and
 * the sent-by of its listener (§18.1.1; TLS and WS listen on other ports than UDP and TCP).
 */
const viaTransport = (core: Core, request: Request, transport: TransportKind): Request => {
  const via = getTopVia(request)
  if (via._tag === "Err" || via.value.transport.toUpperCase() === transport) return request
  // only the first Via field (ours, prepended by the fsm) is rewritten; the others stay as they came
  const index = request.headers.findIndex((header) => headerKey(header.name) === "via")
  const first = request.headers[index]
  if (first === undefined) return request
  const sentBy = core.listeners.find((l) => l.transport.kind === transport)?.advertised
  const value =
    sentBy === undefined
      ? first.value.replace(/^(\s*SIP\s*\/\s*2\.0\s*\/\s*)[A-Za-z]+/i, `$1${transport}`)
      : first.value.replace(
          /^(\s*SIP\s*\/\s*2\.0\s*\/\s*)[A-Za-z]+\s+[^;\s]+/i,
          `$1${transport} ${hostForUri(sentBy.host)}:${sentBy.port}`,
        )
  return {
    ...request,
    headers: request.headers.map((header, i) => (i === index ? { name: header.name, value } : header)),
  }
}

const startClient = (
  core: Core,
  branch: string,
  request: Request,
  destination: ProxyDestination,
  isFork: boolean,
) =>
  Effect.gen(function* () {
    const resolved = yield* resolveDestination(core, destination)
    if (resolved === undefined) {
      if (!isFork) return
      return yield* feed(core, {
        _tag: "ClientTransactionFailed",
        branch,
        reason: "TransportError",
        now: yield* now,
      })
    }
    yield* startClientAt(core, branch, request, resolved, isFork)
  })

const startClientAt = (
  core: Core,
  branch: string,
  request: Request,
  destination: Destination,
  isFork: boolean,
) =>
  Effect.gen(function* () {
    const sent = viaTransport(core, request, destination.transport)
    const failedToStart = (error: unknown) =>
      Effect.gen(function* () {
        yield* Effect.logWarning(`proxy: no client transaction: ${JSON.stringify(error)}`)
        if (isFork)
          yield* feed(core, {
            _tag: "ClientTransactionFailed",
            branch,
            reason: "TransportError",
            now: yield* now,
          })
      })
    const computed = clientKey(sent)
    if (computed._tag === "Err") return yield* failedToStart(computed.error)
    const key = computed.value
    const info: Omit<ClientTxInfo, "tx" | "timers"> = {
      side: "client",
      request: sent,
      destination,
      onResponse: (response) => proxyResponse(core, response),
      onEnd: (reason) =>
        Effect.gen(function* () {
          if (!isFork) return
          if (core.proxy.forks.get(branch)?.key === key) core.proxy.forks.delete(branch)
          if (reason._tag === "Normal") return
          yield* feed(core, {
            _tag: "ClientTransactionFailed",
            branch,
            reason: reason._tag === "Timeout" ? "Timeout" : "TransportError",
            now: yield* now,
          })
        }),
    }
    // the fork is known before its first send, which may fail at once and end it
    if (isFork && !core.info.has(key)) core.proxy.forks.set(branch, { key, destination })
    const started = startTransaction(core, "client", sent, key, info, {
      reliable: isReliable(destination.transport),
      timers: core.config.timers,
    })
    if ("_tag" in started) return yield* failedToStart(started)
    yield* runRest(started.rest)
  })
