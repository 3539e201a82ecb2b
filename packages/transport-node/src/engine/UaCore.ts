/**
 * UaCore — the engine running `@sipkit/fsm/ua`: one `UaState` per endpoint beside the transaction table, every
 * event stepped through the reducer, every output carried out in order.
 *
 * - `SendRequest` → a client transaction to the RFC 3263 target of the top Route (loose routing, §8.1.2) or of the
 *   Request-URI, failing over to the next target on a transport error, a timeout or a 503 (RFC 3263 §4.3); a CANCEL
 *   goes where its INVITE went, with the INVITE's Via (§9.1). Responses come back as `ResponseReceived`, a
 *   transaction that ends without a final one as `TransactionFailed`.
 * - `SendAck` → straight to the transport (§13.2.2.4), `SendResponse` → the server transaction the response names
 *   (§17.2.3), or by its Via (§18.2.2) once that is gone.
 * - `StartTimer`/`StopTimer` → the one timer facility.
 * - `Report` → the call handle or the server side that listens for that call.
 *
 * The runtime's own parts: the Via's transport and sent-by (§18.1.1, `fillVia`), the nonce of every event (`Ids`),
 * the dialog store kept in step with the calls' dialogs, and forgetting a call 64·T1 after it ended.
 *
 * Never: decides a protocol question — that is the reducer's.
 */
import {
  getCSeq,
  getHeaderValues,
  getParam,
  getTopVia,
  getTopViaBranch,
  parseNameAddr,
  type Request,
  type Response,
  serializeMessage,
  viaMaddr,
  viaReceived,
  viaRport,
} from "@sipkit/codec"
import { dialogKey } from "@sipkit/fsm/dialog"
import { respond as respondEvent, serverKey, TransactionTable } from "@sipkit/fsm/transaction"
import {
  type CallRef,
  callForDialogRequest,
  callForInvite,
  callRef,
  fillVia,
  makeUa,
  makeUaConfig,
  step,
  type UaConfig,
  type UaEvent,
  type UaOutput,
  type UaReport,
  type UaState,
  type UaTimer,
} from "@sipkit/fsm/ua"
import { Deferred, Effect, FiberSet } from "effect"
import { defaultPort, isReliable, normalizeHost, type TransportKind } from "../Address.js"
import { allowedMethods } from "../Handlers.js"
import { makeVia, transportForSize, withVia } from "../Routing.js"
import { targetsFor } from "./Client.js"
import {
  type ClientTxInfo,
  type Core,
  type Destination,
  type DialogEntry,
  dispatch,
  hasTransport,
  perform,
  pickListener,
  sendTo,
} from "./Core.js"

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
/** A UA event without its nonce: `uaStep` draws one from `Ids`. */
export type UaInput = DistributiveOmit<UaEvent, "nonce">

/** Who waits for the final response of one request the core sent (a call handle's re-INVITE, INFO, BYE …). */
export interface Observer {
  readonly onFinal: (response: Response) => Effect.Effect<void>
  readonly onFailed: (status: number, reason: string) => Effect.Effect<void>
}

/** Where a request the reducer reports came from: its server transaction and source. */
export interface Origin {
  readonly key: string
  readonly source: import("../Address.js").PeerAddress
}

export interface StepOptions {
  /** Called for each `SendRequest` of this step: who waits for that request's outcome. */
  readonly observe?: ((request: Request) => Observer | undefined) | undefined
  /** The server transaction of the request this step is about (for reports that reach a handler). */
  readonly origin?: Origin | undefined
}

/** Listens to the reports of one call (a call handle, or the server side of an incoming call). */
export interface CallListener {
  readonly onReport: (report: UaReport) => Effect.Effect<void>
  /** Sees each response of the call before the core does (a call handle's events carry the responses). */
  readonly onResponse?: ((response: Response) => Effect.Effect<void>) | undefined
}

/** A response for the core: its call's listener sees it first. */
export const feedResponse = (core: Core, response: Response): Effect.Effect<void> =>
  Effect.suspend(() => {
    const { callId, from } = tagsOf(response)
    const listener =
      callId === undefined || from === undefined ? undefined : uaOf(core).listeners.get(callRef(callId, from))
    const step = uaStep(core, { _tag: "ResponseReceived", response })
    return listener?.onResponse === undefined ? step : Effect.andThen(listener.onResponse(response), step)
  })

export interface UaRuntime {
  state: UaState
  readonly listeners: Map<CallRef, CallListener>
  /** Reports that reach the application's handlers (IncomingCall, IncomingRequest, InDialogRequest). */
  onIncoming: (report: UaReport, origin: Origin | undefined) => Effect.Effect<void>
  /** The INVITEs in flight by the branch the core gave them: where they went and with which Via (for CANCEL). */
  readonly invites: Map<string, { readonly destination: Destination; readonly via: string }>
}

const runtimes = new WeakMap<Core, UaRuntime>()

export const stripBrackets = (uri: string): string =>
  uri.startsWith("<") ? uri.slice(1, uri.indexOf(">")) : uri

/** The UA configuration of an endpoint: its first listener's address, its timers, the methods it handles. */
export const uaConfigOf = (core: Core): UaConfig => {
  const first = core.listeners[0]
  const at = first?.advertised ?? { host: "127.0.0.1", port: 5060 }
  const host = at.host.includes(":") ? `[${at.host}]` : at.host
  const handlers = core.handlers
  const own = allowedMethods(handlers)
  const known = ["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "REGISTER", "REFER", "NOTIFY", "SUBSCRIBE"]
  const everything = [...known, "INFO", "MESSAGE", "UPDATE", "PRACK", "PUBLISH"]
  const allow = handlers.fallback === undefined ? own : [...new Set([...own, ...everything])]
  return makeUaConfig({
    contact: `sip:${core.config.user}@${host}:${at.port}`,
    via: `SIP/2.0/${first?.transport.kind ?? "UDP"} ${host}:${at.port}`,
    t1: core.config.timers.t1,
    t2: core.config.timers.t2,
    allow,
    recognized: allow,
    delegate: allow.filter((m) => m !== "ACK" && m !== "CANCEL" && handlerExists(core, m)),
    supported: [...new Set(["replaces", ...core.config.supported])],
    accept: ["application/sdp", "*/*"],
  })
}

const handlerExists = (core: Core, method: string): boolean => {
  const h = core.handlers
  if (h.fallback !== undefined) return true
  const byMethod: Record<string, unknown> = {
    INVITE: h.invite,
    BYE: h.bye,
    OPTIONS: h.options,
    REGISTER: h.register,
    MESSAGE: h.message,
    INFO: h.info,
    REFER: h.refer,
    NOTIFY: h.notify,
    SUBSCRIBE: h.subscribe,
    UPDATE: h.update,
    PRACK: h.prack,
  }
  return byMethod[method] !== undefined
}

/** The endpoint's UA runtime, made on first use. */
export const uaOf = (core: Core): UaRuntime => {
  let ua = runtimes.get(core)
  if (ua === undefined) {
    ua = {
      state: makeUa(uaConfigOf(core)),
      listeners: new Map(),
      onIncoming: () => Effect.void,
      invites: new Map(),
    }
    runtimes.set(core, ua)
  }
  return ua
}

// ------------------------------------------------------------------------------------------------ stepping

/** Steps the UA core with `input` (a fresh nonce from `Ids`) and carries out its outputs in order. */
export const uaStep = (core: Core, input: UaInput, options: StepOptions = {}): Effect.Effect<void> =>
  Effect.suspend(() => {
    const ua = uaOf(core)
    const before = ua.state
    const result = step(before, { ...input, nonce: core.ids.tag() } as UaEvent)
    ua.state = result.state
    return Effect.andThen(
      Effect.forEach(result.outputs, (output) => carryOut(core, output, options), { discard: true }),
      syncCalls(core, before, input, result.outputs),
    )
  })

const carryOut = (core: Core, output: UaOutput, options: StepOptions): Effect.Effect<void> => {
  switch (output._tag) {
    case "SendRequest":
      return sendRequest(core, output.request, options.observe?.(output.request))
    case "SendAck":
      return sendAck(core, output.request)
    case "SendResponse":
      return sendResponse(core, output.response)
    case "StartTimer":
      return core.timers.schedule(
        uaTimerKey(output.timer),
        output.after,
        uaStep(core, { _tag: "TimerFired", timer: output.timer }),
      )
    case "StopTimer":
      return core.timers.cancel(uaTimerKey(output.timer))
    case "Report":
      return deliverReport(core, output.report, options.origin)
  }
}

const uaTimerKey = (timer: UaTimer): string =>
  `ua#${timer._tag}#${timer.call}#${timer.seq}#${timer._tag === "2xxRetransmit" ? timer.attempt : ""}`

const deliverReport = (core: Core, report: UaReport, origin: Origin | undefined): Effect.Effect<void> => {
  const ua = uaOf(core)
  switch (report._tag) {
    case "IncomingCall":
    case "IncomingRequest":
      return ua.onIncoming(report, origin)
    case "InDialogRequest":
    case "Referred":
      return Effect.andThen(
        ua.listeners.get(report.call)?.onReport(report) ?? Effect.void,
        ua.onIncoming(report, origin),
      )
    case "Ringing":
    case "Established":
    case "Ended":
    case "MediaUpdated":
    case "ReinviteFailed":
    case "ReferProgress":
    case "InDialogResponse":
      return ua.listeners.get(report.call)?.onReport(report) ?? Effect.void
  }
}

// ------------------------------------------------------------------------------------------------ calls ⇄ store

/** The calls an event and its reports concern. */
const touched = (input: UaInput, outputs: ReadonlyArray<UaOutput>, state: UaState): Set<CallRef> => {
  const refs = new Set<CallRef>()
  const own = refOf(input, state)
  if (own !== undefined) refs.add(own)
  for (const o of outputs) if (o._tag === "Report" && "call" in o.report) refs.add(o.report.call)
  return refs
}

const tagsOf = (message: Request | Response) => {
  const callId = getHeaderValues(message, "Call-ID")[0]
  const tag = (name: string) => {
    const value = getHeaderValues(message, name)[0]
    if (value === undefined) return undefined
    const parsed = parseNameAddr(value)
    return parsed._tag === "Ok" ? getParam(parsed.value.params, "tag") : undefined
  }
  return { callId, from: tag("From"), to: tag("To") }
}

const refOf = (input: UaInput, state: UaState): CallRef | undefined => {
  switch (input._tag) {
    case "RequestReceived": {
      const { callId, to } = tagsOf(input.request)
      return callId === undefined || to === undefined ? undefined : callRef(callId, to)
    }
    case "ResponseReceived":
    case "TransactionFailed": {
      const message = input._tag === "ResponseReceived" ? input.response : input.request
      const { callId, from } = tagsOf(message)
      return callId === undefined || from === undefined ? undefined : callRef(callId, from)
    }
    case "TimerFired":
      return input.timer.call
    case "Invite":
      return callRef(input.callId, input.fromTag)
    case "Respond":
      return (callForInvite(state, input.request) ?? callForDialogRequest(state, input.request))?.ref
    default:
      return input.call
  }
}

/** The dialog store follows the calls' dialogs (made, advanced, ended); an ended call is forgotten after 64·T1. */
const syncCalls = (core: Core, before: UaState, input: UaInput, outputs: ReadonlyArray<UaOutput>) =>
  Effect.suspend(() => {
    const after = uaOf(core).state
    const refs = touched(input, outputs, input._tag === "Respond" ? before : after)
    if (refs.size === 0) return Effect.void
    return Effect.forEach(refs, (ref) => syncCall(core, ref, before, after), { discard: true })
  })

const syncCall = (core: Core, ref: CallRef, before: UaState, after: UaState): Effect.Effect<void> =>
  Effect.gen(function* () {
    const was = before.calls.get(ref)
    const now = after.calls.get(ref)
    const ended = now?.phase === "Terminated" && was?.phase !== "Terminated"
    if (now?.dialog !== was?.dialog) {
      const dialog = now?.dialog ?? was?.dialog
      if (dialog !== undefined) {
        const id = dialogKey(dialog.id)
        if (now?.dialog === undefined || now.dialog.state === "terminated") yield* forgetDialog(core, id)
        else yield* keepDialog(core, id, ref, now.dialog)
      }
    }
    if (ended) {
      if (now?.dialog !== undefined) yield* forgetDialog(core, dialogKey(now.dialog.id))
      yield* core.timers.schedule(
        `ua#forget#${ref}`,
        64 * core.config.timers.t1,
        uaStep(core, { _tag: "Forget", call: ref }),
      )
    }
    if (now === undefined && was !== undefined) {
      uaOf(core).listeners.delete(ref)
      if (was.dialog !== undefined) yield* forgetDialog(core, dialogKey(was.dialog.id))
    }
  })

const keepDialog = (core: Core, id: string, ref: CallRef, dialog: import("@sipkit/fsm/dialog").Dialog) =>
  Effect.suspend(() => {
    if (!core.dialogs.has(id)) {
      const entry: DialogEntry = {
        context: {
          id,
          callId: dialog.id.callId,
          localTag: dialog.id.localTag,
          remoteTag: dialog.id.remoteTag,
          data: new Map(),
        },
        call: ref,
        pending2xx: undefined,
        onRemoteEnd: undefined,
        onLocalEnd: undefined,
        onStray2xx: (response) => feedResponse(core, response),
      }
      core.dialogs.set(id, entry)
      core.stats.countDialogCreated()
    }
    return core.dialogStore.put(id, dialog)
  })

const forgetDialog = (core: Core, id: string) =>
  Effect.suspend(() => {
    if (!core.dialogs.has(id)) return Effect.void
    core.dialogs.delete(id)
    return core.dialogStore.remove(id)
  })

// ------------------------------------------------------------------------------------------------ requests

/** §8.1.2 / §12.2.1.1: a loose-routing top Route is where the request goes; otherwise its Request-URI. */
export const nextHopUri = (request: Request): string => {
  const route = getHeaderValues(request, "Route")[0]
  if (route !== undefined) {
    const parsed = parseNameAddr(route)
    if (parsed._tag === "Ok" && /;lr(=|;|$)/i.test(parsed.value.uri)) return parsed.value.uri
  }
  return request.uri
}

const branchOf = (request: Request): string | undefined => {
  const branch = getTopViaBranch(request)
  return branch._tag === "Ok" ? branch.value : undefined
}

/** Our Via for this send: the transport picked (and switched by §18.1.1's MTU rule), our sent-by, `rport`. */
const stampVia = (core: Core, request: Request, transport: TransportKind, host: string, branch?: string) => {
  const listener = pickListener(core, transport, host)
  if (listener === undefined) return undefined
  const at = listener.advertised
  const sentBy = at.host.includes(":") ? `[${at.host}]` : at.host
  return branch === undefined
    ? fillVia(request, transport, sentBy, at.port, { rport: true })
    : withVia(request, makeVia(transport, at, branch), true)
}

const sendRequest = (core: Core, request: Request, observer: Observer | undefined): Effect.Effect<void> => {
  if (request.method === "CANCEL") return sendCancel(core, request)
  return FiberSet.run(core.fibers, runRequest(core, request, observer)).pipe(Effect.asVoid)
}

/** §9.1: "the CANCEL … MUST have a single Via header field value matching the top Via value in the request being
 * cancelled" and goes to the same destination. */
const sendCancel = (core: Core, cancel: Request) =>
  Effect.suspend(() => {
    const branch = branchOf(cancel)
    const invite = branch === undefined ? undefined : uaOf(core).invites.get(branch)
    if (invite === undefined) return Effect.void
    const sent = withVia(cancel, invite.via, true)
    return FiberSet.run(
      core.fibers,
      runTx(core, sent, invite.destination, () => Effect.void).pipe(Effect.asVoid),
    ).pipe(Effect.asVoid)
  })

type Ending =
  | { readonly _tag: "Final"; readonly response: Response }
  | { readonly _tag: "Failed"; readonly reason: "Timeout" | "TransportError"; readonly text: string }

/**
 * One request of the core to its next hop: RFC 3263 targets in order, one client transaction per target (the first
 * with the core's branch, the next ones with a fresh one: a new transaction). Responses go to the core as they come,
 * except a 503 that another target may replace; the core hears of a failure only when no target is left.
 */
const runRequest = (core: Core, request: Request, observer: Observer | undefined) =>
  Effect.gen(function* () {
    const uri = nextHopUri(request)
    const targets = yield* targetsFor(core, uri).pipe(Effect.orElseSucceed(() => []))
    let ending: Ending = { _tag: "Failed", reason: "TransportError", text: `cannot resolve ${uri}` }
    for (const [index, target] of targets.entries()) {
      const last = index === targets.length - 1
      const outcome = yield* attempt(core, request, target, index === 0, last)
      ending = outcome
      if (outcome._tag === "Final" && (outcome.response.status !== 503 || last)) break
    }
    if (ending._tag === "Final") return yield* observer?.onFinal(ending.response) ?? Effect.void
    yield* uaStep(core, { _tag: "TransactionFailed", request, reason: ending.reason })
    yield* observer?.onFailed(ending.reason === "Timeout" ? 408 : 503, ending.text) ?? Effect.void
  })

const attempt = (
  core: Core,
  request: Request,
  target: { readonly transport: TransportKind; readonly host: string; readonly port: number },
  first: boolean,
  last: boolean,
) =>
  Effect.gen(function* () {
    const fresh = first ? undefined : core.ids.branch()
    const probe = stampVia(core, request, target.transport, target.host, fresh)
    if (probe === undefined)
      return { _tag: "Failed", reason: "TransportError", text: `no ${target.transport} listener` } as Ending
    const transport = transportForSize(target.transport, serializeMessage(probe).byteLength, {
      mtu: core.config.mtu,
      switchToTcp: core.config.switchToTcp,
      tcpAvailable: hasTransport(core, "TCP"),
    })
    const sent =
      transport === target.transport ? probe : (stampVia(core, probe, transport, target.host) ?? probe)
    const destination: Destination = { transport, host: target.host, port: target.port }
    const coreBranch = branchOf(request)
    if (request.method === "INVITE" && coreBranch !== undefined) {
      uaOf(core).invites.set(coreBranch, { destination, via: getHeaderValues(sent, "Via")[0] ?? "" })
    }
    // a 503 another target may replace is held back; everything else goes to the core at once
    const deliver = (response: Response) =>
      response.status === 503 && !last ? Effect.void : feedResponse(core, response)
    const ending = yield* runTx(core, sent, destination, deliver)
    if (request.method === "INVITE" && coreBranch !== undefined) uaOf(core).invites.delete(coreBranch)
    return ending
  })

/** One client transaction; resolves with its first final response, or how it failed. */
const runTx = (
  core: Core,
  sent: Request,
  destination: Destination,
  deliver: (response: Response) => Effect.Effect<void>,
): Effect.Effect<Ending> =>
  Effect.gen(function* () {
    const done = yield* Deferred.make<Ending>()
    let final = false
    const info: ClientTxInfo = {
      side: "client",
      request: sent,
      destination,
      onResponse: (response) =>
        Effect.andThen(
          deliver(response),
          response.status >= 200 && !final
            ? Effect.suspend(() => {
                final = true
                return Deferred.succeed(done, { _tag: "Final", response })
              })
            : Effect.void,
        ),
      onEnd: (reason) =>
        Deferred.succeed(
          done,
          reason._tag === "Timeout"
            ? { _tag: "Failed", reason: "Timeout", text: `Request Timeout (Timer ${reason.timer})` }
            : {
                _tag: "Failed",
                reason: "TransportError",
                text: reason._tag === "TransportError" ? reason.reason : "ended",
              },
        ).pipe(Effect.asVoid),
    }
    const started = TransactionTable.startClient(core.txs, sent, {
      reliable: isReliable(destination.transport),
      timers: core.config.timers,
    })
    if (started._tag === "Err")
      return { _tag: "Failed", reason: "TransportError", text: "cannot start a transaction" } as Ending
    core.txs = started.value.table
    core.info.set(started.value.key, info)
    core.stats.countTransactionStarted()
    yield* perform(core, started.value.key, started.value.outputs, false, "start")
    return yield* Deferred.await(done)
  })

/** §13.2.2.4: the ACK of a 2xx goes straight to the transport, to the next hop of its own route. */
const sendAck = (core: Core, ack: Request) =>
  Effect.gen(function* () {
    const [target] = yield* targetsFor(core, nextHopUri(ack)).pipe(Effect.orElseSucceed(() => []))
    if (target === undefined) return yield* Effect.logWarning(`no target for the ACK to ${ack.uri}`)
    const sent = stampVia(core, ack, target.transport, target.host)
    if (sent === undefined) return
    yield* sendTo(core, target, sent).pipe(Effect.ignore)
  })

// ------------------------------------------------------------------------------------------------ responses

/** The §17.2.3 key of the server transaction a response of ours belongs to: its Via and CSeq are the request's. */
const serverKeyOf = (response: Response): string | undefined => {
  const cseq = getCSeq(response)
  if (cseq._tag === "Err") return undefined
  const key = serverKey({
    _tag: "Request",
    method: cseq.value.method,
    uri: "",
    version: "SIP/2.0",
    headers: response.headers,
    body: response.body,
  })
  return key._tag === "Ok" ? key.value : undefined
}

const sendResponse = (core: Core, response: Response): Effect.Effect<void> => {
  const key = serverKeyOf(response)
  const info = key === undefined ? undefined : core.info.get(key)
  if (key !== undefined && info?.side === "server") {
    const again = info.final && response.status >= 200
    if (response.status >= 200) info.final = true
    return dispatchResponse(core, key, response, again)
  }
  return sendByVia(core, response)
}

const dispatchResponse = (core: Core, key: string, response: Response, again: boolean) =>
  Effect.suspend(() =>
    TransactionTable.get(core.txs, key) === undefined
      ? sendByVia(core, response)
      : dispatch(core, key, respondEvent(response), again),
  )

/** §18.2.2 without the request at hand: the Via's `received`/`rport`/`maddr`, else its sent-by. */
const sendByVia = (core: Core, response: Response) =>
  Effect.suspend(() => {
    const top = getTopVia(response)
    if (top._tag === "Err") return Effect.void
    const via = top.value
    const t = via.transport.toUpperCase()
    const transport: TransportKind = t === "TCP" || t === "TLS" || t === "WS" || t === "WSS" ? t : "UDP"
    const rport = viaRport(via)
    const host = normalizeHost(viaMaddr(via) ?? viaReceived(via) ?? via.host)
    const port = rport !== undefined && rport !== "" ? Number(rport) : (via.port ?? defaultPort(transport))
    return sendTo(core, { transport, host, port }, response).pipe(Effect.ignore)
  })
