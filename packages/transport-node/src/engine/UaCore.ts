/**
 * UaCore — the engine running `@sipkit/fsm/ua`: one `UaState` per endpoint beside the transaction table, every
 * event stepped through the reducer, every output carried out in order.
 *
 * - `SendRequest`, `SendAck`, `SendResponse` → engine/UaSend.ts (client transactions with RFC 3263 failover, the
 *   ACK straight to the transport, the response through its server transaction).
 * - `StartTimer`/`StopTimer` → the one timer facility.
 * - `Report` → the call handle or the server side that listens for that call.
 *
 * The runtime's own parts: the Via's transport and sent-by (§18.1.1, `fillVia`), the nonce of every event (`Ids`),
 * the dialog store kept in step with the calls' dialogs, and forgetting a call 64·T1 after it ended.
 *
 * Never: decides a protocol question — that is the reducer's.
 */
import { getCallId, getFromTag, getToTag, type Request, type Response } from "@sipkit/codec"
import { type Dialog, type DialogId, dialogKey } from "@sipkit/fsm/dialog"
import {
  type Call,
  type CallRef,
  callForDialogRequest,
  callForInvite,
  callRef,
  knownMethods,
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
import { Effect } from "effect"
import type { PeerAddress } from "../Address.js"
import { allowedMethods, type DialogContext, handlerFor } from "../Handlers.js"
import type { TimerHandle } from "../TimerHeap.js"
import { type Core, type Destination, type DialogEntry, type TimerJob, withTimer } from "./Core.js"
import { deadlineAfter, Expiring, expireLater } from "./Expiring.js"
import { eachNow, later, type Rest, restOf } from "./Now.js"
import { sendAck, sendRequest, sendResponseNow } from "./UaSend.js"

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
  readonly source: PeerAddress
}

export interface StepOptions {
  /** Called for each `SendRequest` of this step: who waits for that request's outcome. */
  readonly observe?: ((request: Request) => Observer | undefined) | undefined
  /** The server transaction of the request this step is about (for reports that reach a handler, and the
   * transaction its response goes to). */
  readonly origin?: Origin | undefined
  /** The call this step concerns when the caller knows it (`null`: none), saving the lookup. */
  readonly call?: CallRef | null | undefined
}

/**
 * The options of a step about the request of server transaction `key`: its own `origin` (a getter answering
 * itself) and the `call` when the caller knows it — one object per step, not options holding an origin.
 */
export class RequestStep implements StepOptions, Origin {
  constructor(
    readonly key: string,
    readonly source: PeerAddress,
    readonly call?: CallRef | null | undefined,
  ) {}
  get origin(): Origin {
    return this
  }
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
    const { callId, from } = fromTagsOf(response)
    const listener =
      callId === undefined || from === undefined ? undefined : uaOf(core).listeners.get(callRef(callId, from))
    const step = uaStep(core, { _tag: "ResponseReceived", response })
    return listener?.onResponse === undefined ? step : Effect.andThen(listener.onResponse(response), step)
  })

export interface UaRuntime {
  state: UaState
  readonly listeners: Map<CallRef, CallListener>
  /** Reports that reach the application's handlers (IncomingCall, IncomingRequest, InDialogRequest). */
  onIncoming: (core: Core, report: UaReport, origin: Origin | undefined) => Rest
  /** The INVITEs in flight by the branch the core gave them: where they went and with which Via (for CANCEL). */
  readonly invites: Map<string, { readonly destination: Destination; readonly via: string }>
  /** Who waits for the BYE a call sends later (a UAS hanging up before the ACK, §15), by call. */
  readonly pendingByes: Map<CallRef, Observer>
  /** The core's timers not yet stopped or fired, by call (a call has at most a few at a time: its 2xx
   * retransmission and give-up, a 491 retry): handles, so no key string is built per timer. */
  readonly timers: Map<CallRef, Array<TimerHandle<TimerJob>>>
}

export const stripBrackets = (uri: string): string =>
  uri.startsWith("<") ? uri.slice(1, uri.indexOf(">")) : uri

/** The UA configuration of an endpoint: its first listener's address, its timers, the methods it handles. */
export const uaConfigOf = (core: Core): UaConfig => {
  const first = core.listeners[0]
  const at = first?.advertised ?? { host: "127.0.0.1", port: 5060 }
  const host = at.host.includes(":") ? `[${at.host}]` : at.host
  const handlers = core.handlers
  const own = allowedMethods(handlers)
  // a fallback handler answers any method, an extension method too
  const allow = handlers.fallback === undefined ? own : [...own, "*"]
  return makeUaConfig({
    contact: `sip:${core.config.user}@${host}:${at.port}`,
    via: `SIP/2.0/${first?.transport.kind ?? "UDP"} ${host}:${at.port}`,
    t1: core.config.timers.t1,
    t2: core.config.timers.t2,
    allow,
    // §8.2.1: a method the UA "recognizes but does not support" gets 405 with Allow, one it does not recognize 501;
    // every method of the SIP RFCs is recognized, whether or not a handler takes it
    recognized: [...new Set([...knownMethods, ...own])],
    delegate:
      handlers.fallback === undefined
        ? own.filter((m) => m !== "ACK" && m !== "CANCEL" && handlerFor(handlers, m) !== undefined)
        : ["*"],
    supported: [...new Set(["replaces", ...core.config.supported])],
    accept: ["application/sdp", "*/*"],
  })
}

/** The endpoint's UA runtime, made on first use. */
export const uaOf = (core: Core): UaRuntime => {
  core.ua ??= {
    state: makeUa(uaConfigOf(core)),
    listeners: new Map(),
    onIncoming: () => undefined,
    invites: new Map(),
    pendingByes: new Map(),
    timers: new Map(),
  }
  return core.ua
}

// ------------------------------------------------------------------------------------------------ stepping

/** Steps the UA core with `input` (a fresh nonce from `Ids`) and carries out its outputs in order. */
/** No options (one object for every step that has none). */
const noOptions: StepOptions = {}

export const uaStep = (core: Core, input: UaInput, options: StepOptions = noOptions): Effect.Effect<void> =>
  later(() => uaStepNow(core, input, options))

/** `uaStep` at once: what is left of carrying out the outputs is returned (engine/Now.ts). */
export const uaStepNow = (core: Core, input: UaInput | UaEvent, options: StepOptions = noOptions): Rest => {
  const ua = uaOf(core)
  const before = ua.state
  // the nonce is set on the caller's fresh input (each call site builds its own) rather than copied into a new
  // object: a spread of the event union took the generic object-clone path on every step. A hot call site builds
  // its input with `nonce: ""` already (a UaEvent), so this store finds the slot in the object rather than
  // adding a property (an out-of-object property array per step)
  const event = input as UaInput & { nonce: string }
  event.nonce = core.ids.tag()
  // the call this step is about, read before the step: the state's maps answer fastest for their newest version
  // (fsm/persistent/RerootingMap.ts), so `before` is not read again after `step` unless another call is reported
  const hint = options.call
  const own = hint === undefined ? refOf(input, before) : (hint ?? undefined)
  const was = own === undefined ? undefined : before.calls.get(own)
  const result = step(before, event as UaEvent)
  ua.state = result.state
  // the store learns this step's dialogs before the outputs run (they may start further steps)
  const synced = syncCalls(core, before, own, was, result.outputs)
  if (synced === undefined) return carryOutFrom(core, result.outputs, options, 0)
  return Effect.andThen(
    synced,
    later(() => carryOutFrom(core, result.outputs, options, 0)),
  )
}

/** `carryOut` for `outputs[from …]` in order, at once until one leaves work, the rest after that work (`eachNow`
 * written out: no closure per step). */
const carryOutFrom = (
  core: Core,
  outputs: ReadonlyArray<UaOutput>,
  options: StepOptions,
  from: number,
): Rest => {
  for (let i = from; i < outputs.length; i++) {
    const rest = carryOut(core, outputs[i] as UaOutput, options)
    if (rest === undefined) continue
    if (i + 1 === outputs.length) return rest
    return Effect.andThen(
      rest,
      later(() => carryOutFrom(core, outputs, options, i + 1)),
    )
  }
  return undefined
}

const carryOut = (core: Core, output: UaOutput, options: StepOptions): Rest => {
  switch (output._tag) {
    case "SendRequest":
      return sendRequest(
        core,
        output.request,
        options.observe?.(output.request) ?? laterBye(core, output.request),
      )
    case "SendAck":
      return sendAck(core, output.request)
    case "SendResponse":
      return sendResponseNow(core, output.response, options.origin?.key)
    case "StartTimer": {
      const timer = output.timer
      const live = liveTimersOf(core, timer.call, timer)
      const handle = core.timers.addNow(output.after, { _tag: "Ua", timer })
      uaOf(core).timers.set(timer.call, withTimer(live, handle))
      return undefined
    }
    case "StopTimer":
      liveTimersOf(core, output.timer.call, output.timer)
      return undefined
    case "Report":
      return deliverReport(core, output.report, options.origin)
  }
}

/** The observer waiting for this BYE, if a `Hangup` asked for it before it could be sent. */
const laterBye = (core: Core, request: Request): Observer | undefined => {
  if (request.method !== "BYE" || core.ua === undefined || core.ua.pendingByes.size === 0) return undefined
  const { callId, from } = fromTagsOf(request)
  if (callId === undefined || from === undefined) return undefined
  const ref = callRef(callId, from)
  const observer = core.ua.pendingByes.get(ref)
  core.ua.pendingByes.delete(ref)
  return observer
}

/** The same timer of the core: a StopTimer names the timer its StartTimer set (a start replaces it). */
const sameTimer = (a: UaTimer, b: UaTimer): boolean =>
  a._tag === b._tag &&
  a.seq === b.seq &&
  (a._tag !== "2xxRetransmit" || (b._tag === "2xxRetransmit" && a.attempt === b.attempt))

/**
 * The live timers of `call` with `stop` cancelled (and the fired ones let go), or undefined when none is left
 * (then the call's entry goes).
 */
const liveTimersOf = (core: Core, call: CallRef, stop: UaTimer): Array<TimerHandle<TimerJob>> | undefined => {
  const all = uaOf(core).timers
  const handles = all.get(call)
  if (handles === undefined) return undefined
  let n = 0
  // an indexed loop: the array iterator's result objects showed in allocation profiles
  for (let i = 0; i < handles.length; i++) {
    const h = handles[i] as TimerHandle<TimerJob>
    const job = h.value
    if (!h.live || job === undefined) continue
    if (job._tag === "Ua" && sameTimer(job.timer, stop)) {
      core.timers.dropNow(h)
      continue
    }
    handles[n++] = h
  }
  // popped, not `handles.length = n`: the length setter goes to the runtime (it trims the backing store), which
  // showed as most of this function's time in CPU profiles; `pop` stays in the fast path
  while (handles.length > n) handles.pop()
  if (n > 0) return handles
  all.delete(call)
  return undefined
}

const deliverReport = (core: Core, report: UaReport, origin: Origin | undefined): Rest => {
  const ua = uaOf(core)
  switch (report._tag) {
    case "IncomingCall":
    case "IncomingRequest":
      return ua.onIncoming(core, report, origin)
    case "InDialogRequest":
    case "Referred": {
      const heard = listenerOf(core, report.call, report)
      if (heard === undefined) return ua.onIncoming(core, report, origin)
      return Effect.andThen(
        heard,
        later(() => ua.onIncoming(core, report, origin)),
      )
    }
    case "Ringing":
    case "Established":
    case "Ended":
    case "MediaUpdated":
    case "ReinviteFailed":
    case "ReferProgress":
    case "InDialogResponse":
      return listenerOf(core, report.call, report)
  }
}

const listenerOf = (core: Core, call: CallRef, report: UaReport): Rest => {
  const listener = uaOf(core).listeners.get(call)
  return listener === undefined ? undefined : restOf(listener.onReport(report))
}

// ------------------------------------------------------------------------------------------------ calls ⇄ store

/** The Call-ID and the From tag (a call's ref on the UAC side), each undefined when it cannot be read. */
const fromTagsOf = (message: Request | Response) => {
  const callId = getCallId(message)
  const from = getFromTag(message)
  return {
    callId: callId._tag === "Ok" ? callId.value : undefined,
    from: from._tag === "Ok" ? from.value : undefined,
  }
}

/** The ref of the call a request names on the UAS side: its Call-ID and To tag (the From tag is not read). */
const uasRefOf = (request: Request): CallRef | undefined => {
  const to = getToTag(request)
  if (to._tag === "Err" || to.value === undefined) return undefined
  const callId = getCallId(request)
  return callId._tag === "Err" ? undefined : callRef(callId.value, to.value)
}

const refOf = (input: UaInput, state: UaState): CallRef | undefined => {
  switch (input._tag) {
    case "RequestReceived":
      return uasRefOf(input.request)
    case "ResponseReceived":
    case "TransactionFailed": {
      const message = input._tag === "ResponseReceived" ? input.response : input.request
      const { callId, from } = fromTagsOf(message)
      return callId === undefined || from === undefined ? undefined : callRef(callId, from)
    }
    case "TimerFired":
      return input.timer.call
    case "Invite":
      return callRef(input.callId, input.fromTag)
    case "Respond": {
      // only an INVITE is indexed as one (a re-INVITE is found by its dialog): another request skips that lookup
      const request = input.request
      const invite = request.method === "INVITE" ? callForInvite(state, request) : undefined
      return (invite ?? callForDialogRequest(state, request))?.ref
    }
    default:
      return input.call
  }
}

/**
 * `dialogKey` of `id`, the same string while the same id is asked for: one message's handling asks for the key of
 * one dialog several times (the live handles, the store, a handler's `ctx.dialog()`), and every new key string is
 * flattened and hashed again by each map it is looked up in. A `DialogId` is immutable, and a dialog's updates keep
 * its id object, so the last one answered is remembered.
 */
export const dialogKeyOf = (id: DialogId): string => {
  if (id !== lastDialog.id) {
    lastDialog.id = id
    lastDialog.key = dialogKey(id)
  }
  return lastDialog.key
}
const lastDialog: { id: DialogId | undefined; key: string } = { id: undefined, key: "" }

/** The dialog store follows the calls' dialogs (made, advanced, ended); an ended call is forgotten after 64·T1. */
const syncCalls = (
  core: Core,
  before: UaState,
  own: CallRef | undefined,
  was: Call | undefined,
  outputs: ReadonlyArray<UaOutput>,
): Rest => {
  const after = uaOf(core).state
  // the store's work that cannot be done at once (none with a store in this process: no array is made then)
  const work = core.dialogStore.now === undefined ? ([] as Effect.Effect<void>[]) : undefined
  if (own !== undefined) syncCall(core, own, was, after.calls.get(own), work)
  for (let i = 0; i < outputs.length; i++) {
    const o = outputs[i] as UaOutput
    if (o._tag === "Report" && "call" in o.report && o.report.call !== own) {
      const ref = o.report.call
      // an IncomingCall names a call this step made (a new INVITE, @sipkit/fsm/ua): `before` is not read for it —
      // reading the older version of the state's map re-roots it there and back (fsm/persistent/RerootingMap.ts)
      const was = o.report._tag === "IncomingCall" ? undefined : before.calls.get(ref)
      syncCall(core, ref, was, after.calls.get(ref), work)
    }
  }
  return work === undefined ? undefined : eachNow(work, restOf)
}

/** An ended call the core forgets 64·T1 later (late retransmissions still find it until then): `Forget` when due. */
class ForgetCall extends Expiring {
  constructor(
    deadline: number,
    readonly call: CallRef,
  ) {
    super(deadline)
  }
  expire(core: Core): Rest {
    return uaStepNow(core, { _tag: "Forget", call: this.call })
  }
}

/** What changed for one call: its dialog (to the store), its end (forgotten after 64·T1), its removal. The store's
 * work that cannot be done at once goes to `work`. */
const syncCall = (
  core: Core,
  ref: CallRef,
  was: Call | undefined,
  now: Call | undefined,
  work: Array<Effect.Effect<void>> | undefined,
): void => {
  if (was === now) return
  if (now?.dialog !== was?.dialog) {
    const dialog = now?.dialog ?? was?.dialog
    if (dialog !== undefined) {
      const id = dialogKeyOf(dialog.id)
      if (now?.dialog === undefined || now.dialog.state === "terminated") forgetDialog(core, id, work)
      else keepDialog(core, id, ref, now.dialog, work)
    }
  }
  if (now?.phase === "Terminated" && was?.phase !== "Terminated") {
    if (now.dialog !== undefined) forgetDialog(core, dialogKeyOf(now.dialog.id), work)
    // 64·T1 for every call: a record in the engine's queue of such (engine/Expiring.ts), not a timer per call
    expireLater(core, new ForgetCall(deadlineAfter(core, 64 * core.config.timers.t1), ref))
  }
  if (now === undefined && was !== undefined) {
    uaOf(core).listeners.delete(ref)
    uaOf(core).pendingByes.delete(ref)
    uaOf(core).timers.delete(ref)
    if (was.dialog !== undefined) forgetDialog(core, dialogKeyOf(was.dialog.id), work)
  }
}

const keepDialog = (
  core: Core,
  id: string,
  ref: CallRef,
  dialog: Dialog,
  work: Array<Effect.Effect<void>> | undefined,
): void => {
  if (!core.dialogs.has(id)) {
    const entry: DialogEntry = {
      context: new Context(id, dialog.id.callId, dialog.id.localTag, dialog.id.remoteTag),
      call: ref,
      onRemoteEnd: undefined,
      onLocalEnd: undefined,
      onStray2xx: feederOf(core),
    }
    core.dialogs.set(id, entry)
    core.stats.countDialogCreated()
  }
  const store = core.dialogStore
  if (store.now !== undefined) store.now.put(id, dialog)
  else work?.push(store.put(id, dialog))
}

/** A dialog's context for its handlers; the application's `data` bag is made when first read (most calls never
 * read it). A class, so the lazy property is one getter on the prototype. */
class Context implements DialogContext {
  private bag: Map<string, unknown> | undefined
  constructor(
    readonly id: string,
    readonly callId: string,
    readonly localTag: string,
    readonly remoteTag: string,
  ) {
    this.bag = undefined
  }
  get data(): Map<string, unknown> {
    this.bag ??= new Map()
    return this.bag
  }
}

/** `feedResponse` for `core`, made once per endpoint (every dialog's `onStray2xx`). */
const feederOf = (core: Core): ((response: Response) => Effect.Effect<void>) => {
  let feeder = feeders.get(core)
  if (feeder === undefined) {
    feeder = (response) => feedResponse(core, response)
    feeders.set(core, feeder)
  }
  return feeder
}
const feeders = new WeakMap<Core, (response: Response) => Effect.Effect<void>>()

const forgetDialog = (core: Core, id: string, work: Array<Effect.Effect<void>> | undefined): void => {
  if (!core.dialogs.has(id)) return
  core.dialogs.delete(id)
  const store = core.dialogStore
  if (store.now !== undefined) store.now.remove(id)
  else work?.push(store.remove(id))
}
