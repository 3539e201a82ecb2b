/**
 * Server — the UAS side of the engine. A new server transaction's request (and the ACK of a 2xx) goes to the UA core
 * of @sipkit/fsm/ua (engine/UaCore.ts), which runs the §8.2 checks, CANCEL (§9.2), the dialog checks (§12.2.2),
 * the 2xx retransmission until the ACK (§13.3.1.4) and the defaults (OPTIONS, BYE, 481). What the core reports for
 * the application (`IncomingCall`, `IncomingRequest`, `InDialogRequest`) goes to its handler; the handler's decision
 * and every `ctx.respond` come back to the core as a `Respond` command, which builds the response.
 *
 * The runtime's own part: which handler, the context it gets, 503 while shutting down, and requests on a route set
 * this endpoint Record-Routed as a proxy (to engine/Proxy.ts, driven by @sipkit/fsm/proxy).
 */
import { getHeader, getToTag, type Request, type Response } from "@sipkit/codec"
import { cancelTargetKey, respond as respondEvent } from "@sipkit/fsm/transaction"
import {
  type CallRef,
  callForDialogRequest,
  callForInvite,
  type UaEvent,
  type UaReport,
} from "@sipkit/fsm/ua"
import { type Cause, Deferred, Effect, Exit, FiberSet } from "effect"
import { hostForUri, isSecure, normalizeHost, type PeerAddress } from "../Address.js"
import {
  type Decision,
  type DialogContext,
  handlerFor,
  type RequestContext,
  type ResponseInit,
  ResponseRefused,
} from "../Handlers.js"
import { type Core, dispatch, markFinal, pickListener, type ServerTxInfo, warningOf } from "./Core.js"
import { later, type Rest, restOf, runRest, thenNow } from "./Now.js"
import { isRoutedThrough, proxyCancel, proxyRouted } from "./Proxy.js"
import { requestFault } from "./RequestChecks.js"
import { dialogKeyOf, type Origin, RequestStep, stripBrackets, uaOf, uaStep, uaStepNow } from "./UaCore.js"

/** `<sip:user@host:port;transport=tcp>` for the listener a request came in on (made once per transport and IP family). */
export const localContact = (core: Core, source: PeerAddress): string => contactsOf(core, source)[0]

/** `localContact` without its brackets (what a response's Contact is built from). */
const bareContact = (core: Core, source: PeerAddress): string => contactsOf(core, source)[1]

/** The contact for `source`'s transport and IP family, with and without brackets: made once, then looked up by
 * transport and family (no key string per request). */
const contactsOf = (core: Core, source: PeerAddress): readonly [string, string] => {
  let byKind = contacts.get(core)
  if (byKind === undefined) {
    byKind = new Map()
    contacts.set(core, byKind)
  }
  let byFamily = byKind.get(source.transport)
  if (byFamily === undefined) {
    byFamily = [undefined, undefined]
    byKind.set(source.transport, byFamily)
  }
  const family = normalizeHost(source.host).includes(":") ? 1 : 0
  let made = byFamily[family]
  if (made === undefined) {
    const contact = makeContact(core, source)
    made = [contact, stripBrackets(contact)]
    byFamily[family] = made
  }
  return made
}
type Made = readonly [string, string] | undefined
const contacts = new WeakMap<Core, Map<string, [Made, Made]>>()

const makeContact = (core: Core, source: PeerAddress): string => {
  const listener = pickListener(core, source.transport, source.host)
  const at = listener?.advertised ?? { host: "127.0.0.1", port: 5060 }
  const scheme = source.transport === "TLS" || source.transport === "WSS" ? "sips" : "sip"
  const transport =
    source.transport === "UDP" || source.transport === "TLS"
      ? ""
      : `;transport=${source.transport.toLowerCase()}`
  return `<${scheme}:${core.config.user}@${hostForUri(at.host)}:${at.port}${transport}>`
}

/**
 * Incoming calls waiting for their final response: the context's `cancelled`, completed by a CANCEL (§9.2). The
 * Deferred is made only when a handler asks for it; a CANCEL that came first is remembered.
 */
interface Cancellation {
  deferred: Deferred.Deferred<void> | undefined
  cancelled: boolean
  /** Registered (`watchCancel`): a CANCEL ending the call reaches it. */
  watched: boolean
}
const cancellations = new WeakMap<Core, Map<CallRef, Cancellation>>()
const cancellationsOf = (core: Core) => {
  let map = cancellations.get(core)
  if (map === undefined) {
    map = new Map()
    cancellations.set(core, map)
  }
  return map
}

/**
 * Registers an incoming call's `cancellation`, so the core's end of the call (a 487 after a CANCEL) reaches it —
 * only once something may wait for it: the handler asked for `ctx.cancelled`, or has not answered finally at once.
 * A call answered at once (no CANCEL can end it any more) registers nothing: no map entry, listener or closure.
 */
const watchCancel = (core: Core, call: CallRef, cancellation: Cancellation): void => {
  // a call that ended already (answered finally while nothing watched) cannot be CANCELled: nothing to register
  if (cancellation.watched || !isLive(core, call)) return
  cancellation.watched = true
  cancellationsOf(core).set(call, cancellation)
  uaOf(core).listeners.set(call, {
    onReport: (r) => {
      if (r._tag !== "Ended") return Effect.void
      // nothing more to hear of this call: the listener goes now, not when the core forgets it (64·T1)
      uaOf(core).listeners.delete(call)
      return endIncoming(core, call, r.status === 487 && r.by === "remote")
    },
  })
}

/** Whether `call` has not ended yet (it may still be CANCELled). */
const isLive = (core: Core, call: CallRef): boolean => {
  const phase = uaOf(core).state.calls.get(call)?.phase
  return phase !== undefined && phase !== "Terminated"
}

/** A server transaction's `cancelled`, made on first use. */
const cancelledOf = (info: ServerTxInfo): Deferred.Deferred<void> => {
  info.cancelled ??= Deferred.makeUnsafe<void>()
  return info.cancelled
}

/** The application's answer to `request` (server transaction `key`), built by the UA core (`Respond`). */
const respondApp = (
  core: Core,
  key: string,
  request: Request,
  status: number,
  init: ResponseInit,
  toTag: string | undefined,
  call?: CallRef | null,
): Effect.Effect<void, ResponseRefused> =>
  Effect.suspend(() => {
    const sent = respondAppNow(core, key, request, status, init, toTag, call)
    return sent instanceof ResponseRefused ? Effect.fail(sent) : runRest(sent)
  })

/** `respondApp` at once: what is left, or the refusal when the transaction has its final response. */
const respondAppNow = (
  core: Core,
  key: string,
  request: Request,
  status: number,
  init: ResponseInit,
  toTag: string | undefined,
  call?: CallRef | null,
): Rest | ResponseRefused => {
  const info = core.info.get(key)
  if (info === undefined || info.side !== "server" || info.final)
    return new ResponseRefused(`no pending transaction for a ${status}`)
  const headers = withServer(core, init.headers)
  // every field in one literal, undefined when not given (the core reads each as `!== undefined` or `??`): one
  // shape for every response, where fields added one by one after the literal moved each command's properties
  // out of the object (a property array and a map transition per field)
  const command: RespondCommand = {
    _tag: "Respond",
    request,
    status,
    reason: init.reason,
    headers,
    body: init.body,
    contentType: init.contentType,
    toTag,
    contact: bareContact(core, info.source),
    // the call of the IncomingCall: the core finds it by name rather than from the INVITE's headers
    call: typeof call === "string" && request.method === "INVITE" ? call : undefined,
    nonce: "", // set by uaStepNow (a slot in the object: engine/UaCore.ts)
  }
  return uaStepNow(core, command as RespondEvent, new RequestStep(key, info.source, call))
}

type RespondEvent = Extract<UaEvent, { readonly _tag: "Respond" }>
/** A `Respond` with each optional field present, undefined when not given. */
type RespondCommand = {
  readonly [K in keyof RespondEvent]-?:
    | RespondEvent[K]
    | (undefined extends RespondEvent[K] ? undefined : never)
}

const isServerHeader = ([name]: readonly [string, string]): boolean =>
  name.length === 6 && name.toLowerCase() === "server"

/** The application's headers with our `Server` last unless it gave one: one array of the exact length. */
const withServer = (
  core: Core,
  given: ReadonlyArray<readonly [string, string]> | undefined,
): ReadonlyArray<readonly [string, string]> => {
  if (given === undefined || given.length === 0) return serverOnly(core)
  if (given.some(isServerHeader)) return given
  const headers = new Array<readonly [string, string]>(given.length + 1)
  for (let i = 0; i < given.length; i++) headers[i] = given[i] as readonly [string, string]
  headers[given.length] = serverHeader(core)
  return headers
}

/** `[Server: …]` alone, made once per endpoint (the headers of most responses). */
const serverOnly = (core: Core): ReadonlyArray<readonly [string, string]> => {
  let headers = serverOnlies.get(core)
  if (headers === undefined) {
    headers = [serverHeader(core)]
    serverOnlies.set(core, headers)
  }
  return headers
}
const serverOnlies = new WeakMap<Core, ReadonlyArray<readonly [string, string]>>()

/** `Server: <user agent>` (§20.35), made once per endpoint. */
const serverHeader = (core: Core): readonly [string, string] => {
  let header = serverHeaders.get(core)
  if (header === undefined) {
    header = ["Server", core.config.userAgent]
    serverHeaders.set(core, header)
  }
  return header
}
const serverHeaders = new WeakMap<Core, readonly [string, string]>()

/** §8.2.6.2: our To tag for a response the UA core does not tag itself (undefined when the request has one). */
const freshToTag = (core: Core, request: Request): string | undefined =>
  /;\s*tag=/i.test(getHeader(request, "To") ?? "") ? undefined : core.ids.tag()

/** Sends a response through server transaction `key` as the application asked; refuses after the final one. */
export const respondTx = (
  core: Core,
  key: string,
  status: number,
  init: ResponseInit = {},
): Effect.Effect<void, ResponseRefused> =>
  Effect.suspend(() => {
    const info = core.info.get(key)
    if (info === undefined || info.side !== "server")
      return Effect.fail(new ResponseRefused(`no pending transaction for a ${status}`))
    return respondApp(core, key, info.request, status, init, freshToTag(core, info.request))
  })

/** Sends a response built elsewhere (another core of @sipkit/fsm, e.g. the registrar) through transaction `key`. */
export const replyTx = (core: Core, key: string, response: Response): Effect.Effect<void, ResponseRefused> =>
  Effect.gen(function* () {
    const info = core.info.get(key)
    if (info === undefined || info.side !== "server" || info.final) {
      return yield* Effect.fail(new ResponseRefused(`no pending transaction for a ${response.status}`))
    }
    if (response.status >= 200) markFinal(info)
    yield* dispatch(core, key, respondEvent(response))
  })

/** Ends a dialog's live handles here (the core has ended the dialog itself). */
export const endDialog = (core: Core, id: string, reason: string): Effect.Effect<void> =>
  Effect.suspend(() => {
    const entry = core.dialogs.get(id)
    if (entry === undefined) return Effect.void
    core.dialogs.delete(id)
    return Effect.andThen(core.dialogStore.remove(id), entry.onRemoteEnd?.(reason) ?? Effect.void)
  })

const dialogContextOf = (core: Core, ref: CallRef | undefined): DialogContext | undefined => {
  const dialog = ref === undefined ? undefined : uaOf(core).state.calls.get(ref)?.dialog
  return dialog === undefined ? undefined : core.dialogs.get(dialogKeyOf(dialog.id))?.context
}

/** An ACK: to the core (it stops the 2xx retransmission, §13.3.1.4), then to the application's `ack` handler. */
export const onAck = (core: Core, request: Request, source: PeerAddress): Rest => {
  const call = callForDialogRequest(uaOf(core).state, request)
  if (call === undefined)
    // the ACK of a 2xx on a route set this endpoint Record-Routed: passed on end to end (§16.11, by the fsm)
    return isRoutedThrough(core, request) ? proxyRouted(core, request) : undefined
  // the call found above is the one this step is about: the step need not read the ACK's tags again
  const stepped = uaStepNow(core, { _tag: "RequestReceived", request, nonce: "" }, { call: call.ref })
  if (core.handlers.ack === undefined) return stepped
  if (stepped === undefined) return ackToHandler(core, request, source, call.ref)
  return Effect.andThen(
    stepped,
    later(() => ackToHandler(core, request, source, call.ref)),
  )
}

const refusedAck = () => new ResponseRefused("an ACK gets no response")
const refuseAck = () => Effect.fail(refusedAck())

/** The application's `ack` handler, with a context that answers nothing (an ACK gets no response). */
const ackToHandler = (core: Core, request: Request, source: PeerAddress, call: CallRef): Rest => {
  const ack = core.handlers.ack
  if (ack === undefined) return undefined
  return restOf(
    ack(request, new HandlerContext(core, request, source, undefined, undefined, call, undefined, undefined)),
  )
}

/** A new server transaction delivered its request. */
export const onRequest = (core: Core, key: string, request: Request): Rest => {
  const info = core.info.get(key)
  if (info === undefined || info.side !== "server") return undefined
  const ua = uaOf(core)
  ua.onIncoming = onIncoming
  if (request.method === "CANCEL") return onCancel(core, key, request, info.source)
  // shutting down: new requests get 503; a BYE still ends its call (docs/runtime.md)
  if (core.shuttingDown && request.method !== "BYE")
    return respondApp(
      core,
      key,
      request,
      503,
      { headers: [["Retry-After", "5"]] },
      freshToTag(core, request),
    ).pipe(Effect.ignore)
  // the To tag as the UA core reads it (§12.2.2: a request with one is in a dialog): read once here, so a new
  // request's step need not look for its call again (`null`: none — its call, if any, is the one the step makes)
  const to = getToTag(request)
  if (to._tag === "Ok" && to.value === undefined) return received(core, key, request, info.source, null)
  // a To that does not parse is the core's to refuse (§8.2): sent to it like any request outside a dialog
  const inDialog = to._tag === "Ok" || /;\s*tag=/i.test(getHeader(request, "To") ?? "")
  if (!inDialog) return received(core, key, request, info.source)
  const call = callForDialogRequest(ua.state, request)
  // a request on a route set this endpoint Record-Routed as a proxy: passed on (§16.4, by the fsm)
  if (call === undefined && isRoutedThrough(core, request)) {
    info.proxying = true
    return proxyRouted(core, request)
  }
  if (call?.dialog === undefined) return received(core, key, request, info.source)
  // a shared store that lost the dialog (expired, ended on another node): the core forgets it too → 481
  const id = dialogKeyOf(call.dialog.id)
  const store = core.dialogStore
  if (store.now !== undefined) {
    if (store.now.get(id) !== undefined) return received(core, key, request, info.source, call.ref)
    return forgetLost(core, key, request, info.source, call.ref)
  }
  return Effect.flatMap(store.get(id), (dialog) =>
    runRest(
      dialog === undefined
        ? forgetLost(core, key, request, info.source, call.ref)
        : received(core, key, request, info.source, call.ref),
    ),
  )
}

/** The request of server transaction `key` to the UA core (`call`: its call, when the caller found it; `null`: the
 * caller knows it names none). */
const received = (
  core: Core,
  key: string,
  request: Request,
  source: PeerAddress,
  call?: CallRef | null,
): Rest =>
  uaStepNow(
    core,
    { _tag: "RequestReceived", request, secure: isSecure(source.transport), nonce: "" },
    new RequestStep(key, source, call),
  )

/** The store lost the call's dialog: the core forgets the call, then the request goes to it (→ 481). */
const forgetLost = (core: Core, key: string, request: Request, source: PeerAddress, call: CallRef): Rest => {
  const forgotten = uaStepNow(core, { _tag: "Forget", call })
  if (forgotten === undefined) return received(core, key, request, source)
  return Effect.andThen(
    forgotten,
    later(() => received(core, key, request, source)),
  )
}

/** §9.2 by the core (200, and 487 for a pending INVITE); a CANCEL of a request we proxied goes to the proxy. */
const onCancel = (core: Core, key: string, cancel: Request, source: PeerAddress): Rest => {
  const target = cancelTargetKey(cancel)
  const invite = target._tag === "Ok" ? core.info.get(target.value) : undefined
  if (invite?.side === "server" && invite.proxying)
    return Effect.andThen(proxyCancel(core, cancel), Deferred.succeed(cancelledOf(invite), undefined))
  // §16.10: a CANCEL for nothing we hold is forwarded statelessly when it is routed through us
  if (
    invite === undefined &&
    callForInvite(uaOf(core).state, cancel) === undefined &&
    isRoutedThrough(core, cancel)
  )
    return proxyRouted(core, cancel)
  return uaStepNow(core, { _tag: "RequestReceived", request: cancel }, new RequestStep(key, source))
}

/** A report for the application: the handler of its method runs with a context whose answers go to the core. */
const onIncoming = (core: Core, report: UaReport, origin: Origin | undefined): Rest => {
  if (origin === undefined) return undefined
  switch (report._tag) {
    case "IncomingCall":
      return runHandler(core, origin, report.request, report.call, localTagOf(report.call))
    case "IncomingRequest":
      return runHandler(core, origin, report.request, undefined, report.toTag)
    case "InDialogRequest":
      return runHandler(core, origin, report.request, report.call, undefined)
    default:
      return undefined
  }
}

/**
 * A handler's context. What a handler may not use is made on first use: `cancelled` (most never ask for it), and
 * the `respond` and `dialog` functions (a handler answering at once uses neither). A class holding the request's
 * data, so a context costs one object rather than a closure per operation; the lazy properties are getters on the
 * prototype, and what they give are functions of their own (they may be passed around).
 */
class HandlerContext implements RequestContext {
  private made: Deferred.Deferred<void> | undefined
  private respondFn: RequestContext["respond"] | undefined
  private dialogFn: RequestContext["dialog"] | undefined
  /** What `respondNow` left to run while the handler was being called (it runs before the handler's answer);
   * `null` once `takeLeft` took it: a later `respondNow` runs what it leaves on its own fiber. */
  private left: Rest | null
  constructor(
    private readonly core: Core,
    readonly request: Request,
    readonly source: PeerAddress,
    readonly toTag: string | undefined,
    /** The server transaction answered through; undefined for an ACK (it gets no response). */
    private readonly key: string | undefined,
    private readonly call: CallRef | undefined,
    /** The transaction's record as the handler was called (its `cancelled`, §9.2). */
    private readonly own: ServerTxInfo | undefined,
    /** An initial INVITE's: how a CANCEL reaches `cancelled` (made when the handler asks for it). */
    private readonly cancellation: Cancellation | undefined,
  ) {
    this.made = undefined
    this.respondFn = undefined
    this.dialogFn = undefined
    this.left = undefined
  }
  get dialog(): RequestContext["dialog"] {
    this.dialogFn ??= () => dialogContextOf(this.core, this.call)
    return this.dialogFn
  }
  get respond(): RequestContext["respond"] {
    this.respondFn ??= (status, init = {}) =>
      this.key === undefined
        ? refuseAck()
        : respondApp(this.core, this.key, this.request, status, init, this.toTag, this.call ?? null)
    return this.respondFn
  }
  get cancelled(): Deferred.Deferred<void> {
    this.made ??= this.makeCancelled()
    return this.made
  }
  private makeCancelled(): Deferred.Deferred<void> {
    const deferred = this.own === undefined ? Deferred.makeUnsafe<void>() : cancelledOf(this.own)
    const cancellation = this.cancellation
    if (cancellation !== undefined && cancellation.deferred === undefined) {
      if (this.call !== undefined) watchCancel(this.core, this.call, cancellation)
      cancellation.deferred = deferred
      if (cancellation.cancelled) Deferred.doneUnsafe(deferred, Exit.void)
    }
    return deferred
  }
  respondNow(status: number, init: ResponseInit = {}): ResponseRefused | undefined {
    const sent =
      this.key === undefined
        ? refusedAck()
        : respondAppNow(this.core, this.key, this.request, status, init, this.toTag, this.call ?? null)
    if (sent instanceof ResponseRefused) return sent
    if (sent === undefined) return undefined
    if (this.left === null) void this.core.fork(sent)
    else this.left = this.left === undefined ? sent : Effect.andThen(this.left, sent)
    return undefined
  }
  /** What `respondNow` left while the handler was being called (engine/Now.ts). */
  takeLeft(): Rest {
    const left = this.left ?? undefined
    this.left = null
    return left
  }
}

const localTagOf = (ref: CallRef): string => ref.slice(ref.lastIndexOf(";") + 1)

/**
 * Runs the handler of `request`. A handler whose answer is already there (`Effect.succeed(respond(200))`) is
 * applied at once; one that has to run gets its own fiber, so a handler that waits (a ringing call) never holds up
 * the input of other requests.
 */
const runHandler = (
  core: Core,
  origin: Origin,
  request: Request,
  call: CallRef | undefined,
  toTag: string | undefined,
): Rest => {
  const handler = handlerFor(core.handlers, request.method)
  if (handler === undefined) return undefined
  // §8.2: what the UA core does not check (header fields that do not parse …) refuses the request before its handler
  const fault = requestFault(request)
  if (fault !== undefined) {
    const refused = respondAppNow(
      core,
      origin.key,
      request,
      fault.status,
      {
        headers: [warningOf(core, fault.reason)],
      },
      toTag,
      call ?? null,
    )
    return refused instanceof ResponseRefused ? undefined : refused
  }
  const initial = request.method === "INVITE" && toTag !== undefined && call !== undefined
  const info = core.info.get(origin.key)
  const own = info?.side === "server" ? info : undefined
  const cancellation: Cancellation | undefined = initial
    ? { deferred: undefined, cancelled: false, watched: false }
    : undefined
  const ctx = new HandlerContext(core, request, origin.source, toTag, origin.key, call, own, cancellation)
  const answered = handler(request, ctx)
  // what `ctx.respondNow` sent while the handler ran goes out before its answer
  const early = ctx.takeLeft()
  if (Exit.isExit(answered)) {
    const exit = answered as Exit.Exit<Decision, unknown>
    const decision = exit._tag === "Success" ? exit.value : undefined
    // only a final response sent at once, with nothing left before it, leaves no call for a CANCEL to end
    const finalNow = decision?._tag === "Respond" && decision.status >= 200 && early === undefined
    if (initial && cancellation !== undefined && !finalNow) watchCancel(core, call, cancellation)
    if (exit._tag === "Failure") return thenNow(early, () => failedHandler(request, ctx, exit.cause))
    // a response decided at once is sent at once (a refusal is ignored, as `apply` does); with nothing left
    // before it, no closure is made for it
    if (decision?._tag === "Respond") {
      if (early === undefined)
        return respondDecided(core, origin.key, request, decision, toTag, call, cancellation)
      return thenNow(early, () =>
        respondDecided(core, origin.key, request, decision, toTag, call, cancellation),
      )
    }
    return thenNow(early, () => restOf(apply(core, origin.key, ctx, decision as Decision, call)))
  }
  if (initial && cancellation !== undefined) watchCancel(core, call, cancellation)
  const fiber = core.fork(
    Effect.andThen(
      runRest(early),
      answered.pipe(
        Effect.flatMap((decision) => apply(core, origin.key, ctx, decision, call)),
        Effect.catchCause((cause) => failedHandler(request, ctx, cause)),
      ),
    ),
  )
  // a handler still running (a ringing call) is interrupted when the endpoint closes
  if (fiber.pollUnsafe() === undefined) FiberSet.addUnsafe(core.fibers, fiber)
  return undefined
}

/** A handler's `Respond` decided at once, sent at once. Refused (the transaction has its final response): an initial
 * INVITE's `cancellation` (the only one `runHandler` makes) is registered all the same. */
const respondDecided = (
  core: Core,
  key: string,
  request: Request,
  decision: Extract<Decision, { readonly _tag: "Respond" }>,
  toTag: string | undefined,
  call: CallRef | undefined,
  cancellation: Cancellation | undefined,
): Rest => {
  const sent = respondAppNow(core, key, request, decision.status, decision, toTag, call ?? null)
  if (!(sent instanceof ResponseRefused)) return sent
  if (call !== undefined && cancellation !== undefined) watchCancel(core, call, cancellation)
  return undefined
}

const failedHandler = (request: Request, ctx: RequestContext, cause: Cause.Cause<unknown>) =>
  Effect.logError(`handler for ${request.method} failed`, cause).pipe(
    Effect.andThen(ctx.respond(500).pipe(Effect.ignore)),
  )

/** An incoming call ended: a handler waiting on `ctx.cancelled` learns of a CANCEL (done at once; it is called as
 * the core reports the end). */
const endIncoming = (core: Core, call: CallRef, cancelled: boolean): Effect.Effect<void> => {
  const cancellation = cancellationsOf(core).get(call)
  cancellationsOf(core).delete(call)
  if (cancellation === undefined || !cancelled) return Effect.void
  cancellation.cancelled = true
  if (cancellation.deferred !== undefined) Deferred.doneUnsafe(cancellation.deferred, Exit.void)
  return Effect.void
}

/** The request went elsewhere (proxied, answered by another fsm core): the UA core forgets its call. */
const handOver = (core: Core, request: Request, call: CallRef | undefined) =>
  request.method === "INVITE" &&
  call !== undefined &&
  /;\s*tag=/i.test(getHeader(request, "To") ?? "") === false
    ? Effect.andThen(
        uaStep(core, { _tag: "Forget", call }),
        Effect.suspend(() => endIncoming(core, call, false)),
      )
    : Effect.void

const apply = (
  core: Core,
  key: string,
  ctx: RequestContext,
  decision: Decision,
  call: CallRef | undefined,
): Effect.Effect<void> => {
  switch (decision._tag) {
    case "Respond":
      return ctx.respond(decision.status, decision).pipe(Effect.ignore)
    case "Redirect":
      return ctx
        .respond(decision.status, {
          headers: decision.contacts.map((c) => ["Contact", c.startsWith("<") ? c : `<${c}>`] as const),
        })
        .pipe(Effect.ignore)
    case "Proxy":
    case "ProxyByLocation": {
      const info = core.info.get(key)
      if (info?.side === "server") info.proxying = true
      return Effect.andThen(handOver(core, ctx.request, call), core.hooks.proxy(key, ctx, decision))
    }
    case "Later":
      return Effect.void
    case "Reply":
      return Effect.andThen(
        handOver(core, ctx.request, call),
        replyTx(core, key, decision.response).pipe(Effect.ignore),
      )
  }
}

export const describeRequest = (request: Request): string =>
  `${request.method} ${request.uri} (${getHeader(request, "Call-ID") ?? "?"})`
