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
import { getHeader, type Request, type Response } from "@sipkit/codec"
import { dialogKey } from "@sipkit/fsm/dialog"
import { cancelTargetKey, respond as respondEvent } from "@sipkit/fsm/transaction"
import { type CallRef, callForDialogRequest, callForInvite, type UaReport } from "@sipkit/fsm/ua"
import { Deferred, Effect, FiberSet } from "effect"
import { hostForUri, isSecure, type PeerAddress } from "../Address.js"
import {
  type Decision,
  type DialogContext,
  handlerFor,
  type RequestContext,
  type ResponseInit,
  ResponseRefused,
} from "../Handlers.js"
import { type Core, dispatch, pickListener } from "./Core.js"
import { isRoutedThrough, proxyCancel, proxyRouted } from "./Proxy.js"
import { type Origin, stripBrackets, uaOf, uaStep } from "./UaCore.js"

/** `<sip:user@host:port;transport=tcp>` for the listener a request came in on. */
export const localContact = (core: Core, source: PeerAddress): string => {
  const listener = pickListener(core, source.transport, source.host)
  const at = listener?.advertised ?? { host: "127.0.0.1", port: 5060 }
  const scheme = source.transport === "TLS" || source.transport === "WSS" ? "sips" : "sip"
  const transport =
    source.transport === "UDP" || source.transport === "TLS"
      ? ""
      : `;transport=${source.transport.toLowerCase()}`
  return `<${scheme}:${core.config.user}@${hostForUri(at.host)}:${at.port}${transport}>`
}

/** Incoming calls waiting for their final response: the context's `cancelled`, completed by a CANCEL (§9.2). */
const cancellations = new WeakMap<Core, Map<CallRef, Deferred.Deferred<void>>>()
const cancellationsOf = (core: Core) => {
  let map = cancellations.get(core)
  if (map === undefined) {
    map = new Map()
    cancellations.set(core, map)
  }
  return map
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
    const info = core.info.get(key)
    if (info === undefined || info.side !== "server" || info.final)
      return Effect.fail(new ResponseRefused(`no pending transaction for a ${status}`))
    const headers = [...(init.headers ?? [])]
    if (!headers.some(([n]) => n.toLowerCase() === "server")) headers.push(["Server", core.config.userAgent])
    const options = { origin: { key, source: info.source }, call }
    return uaStep(
      core,
      {
        _tag: "Respond",
        request,
        status,
        headers,
        ...(init.reason === undefined ? {} : { reason: init.reason }),
        ...(init.body === undefined ? {} : { body: init.body }),
        ...(init.contentType === undefined ? {} : { contentType: init.contentType }),
        ...(toTag === undefined ? {} : { toTag }),
        contact: stripBrackets(localContact(core, info.source)),
      },
      options,
    )
  })

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
    return respondApp(core, key, info.request, status, init, info.toTag)
  })

/** Sends a response built elsewhere (another core of @sipkit/fsm, e.g. the registrar) through transaction `key`. */
export const replyTx = (core: Core, key: string, response: Response): Effect.Effect<void, ResponseRefused> =>
  Effect.gen(function* () {
    const info = core.info.get(key)
    if (info === undefined || info.side !== "server" || info.final) {
      return yield* Effect.fail(new ResponseRefused(`no pending transaction for a ${response.status}`))
    }
    if (response.status >= 200) info.final = true
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
  return dialog === undefined ? undefined : core.dialogs.get(dialogKey(dialog.id))?.context
}

/** An ACK: to the core (it stops the 2xx retransmission, §13.3.1.4), then to the application's `ack` handler. */
export const onAck = (core: Core, request: Request, source: PeerAddress): Effect.Effect<void> =>
  Effect.gen(function* () {
    const call = callForDialogRequest(uaOf(core).state, request)
    if (call === undefined) {
      // the ACK of a 2xx on a route set this endpoint Record-Routed: passed on end to end (§16.11, by the fsm)
      if (isRoutedThrough(core, request)) yield* proxyRouted(core, request)
      return
    }
    yield* uaStep(core, { _tag: "RequestReceived", request })
    const ack = core.handlers.ack
    if (ack === undefined) return
    const dialog = dialogContextOf(core, call.ref)
    yield* ack(request, {
      request,
      source,
      toTag: undefined,
      dialog: () => dialog,
      respond: () => Effect.fail(new ResponseRefused("an ACK gets no response")),
      cancelled: Deferred.makeUnsafe<void>(),
    })
  })

/** A new server transaction delivered its request. */
export const onRequest = (core: Core, key: string, request: Request): Effect.Effect<void> =>
  Effect.gen(function* () {
    const info = core.info.get(key)
    if (info === undefined || info.side !== "server") return
    const ua = uaOf(core)
    ua.onIncoming = onIncoming
    if (request.method === "CANCEL") return yield* onCancel(core, key, request, info.source)
    // shutting down: new requests get 503; a BYE still ends its call (docs/runtime.md)
    if (core.shuttingDown && request.method !== "BYE")
      return yield* respondApp(core, key, request, 503, { headers: [["Retry-After", "5"]] }, info.toTag).pipe(
        Effect.ignore,
      )
    const inDialog = /;\s*tag=/i.test(getHeader(request, "To") ?? "")
    if (inDialog) {
      const call = callForDialogRequest(ua.state, request)
      // a request on a route set this endpoint Record-Routed as a proxy: passed on (§16.4, by the fsm)
      if (call === undefined && isRoutedThrough(core, request)) {
        info.proxying = true
        return yield* proxyRouted(core, request)
      }
      // a shared store that lost the dialog (expired, ended on another node): the core forgets it too → 481
      if (
        call?.dialog !== undefined &&
        (yield* core.dialogStore.get(dialogKey(call.dialog.id))) === undefined
      )
        yield* uaStep(core, { _tag: "Forget", call: call.ref })
    }
    const secure = isSecure(info.source.transport)
    yield* uaStep(
      core,
      { _tag: "RequestReceived", request, secure },
      { origin: { key, source: info.source } },
    )
  })

/** §9.2 by the core (200, and 487 for a pending INVITE); a CANCEL of a request we proxied goes to the proxy. */
const onCancel = (core: Core, key: string, cancel: Request, source: PeerAddress) =>
  Effect.gen(function* () {
    const target = cancelTargetKey(cancel)
    const invite = target._tag === "Ok" ? core.info.get(target.value) : undefined
    if (invite?.side === "server" && invite.proxying) {
      yield* proxyCancel(core, cancel)
      return yield* Deferred.succeed(invite.cancelled, undefined)
    }
    // §16.10: a CANCEL for nothing we hold is forwarded statelessly when it is routed through us
    if (
      invite === undefined &&
      callForInvite(uaOf(core).state, cancel) === undefined &&
      isRoutedThrough(core, cancel)
    )
      return yield* proxyRouted(core, cancel)
    yield* uaStep(core, { _tag: "RequestReceived", request: cancel }, { origin: { key, source } })
  })

/** A report for the application: the handler of its method runs with a context whose answers go to the core. */
const onIncoming = (core: Core, report: UaReport, origin: Origin | undefined): Effect.Effect<void> => {
  if (origin === undefined) return Effect.void
  switch (report._tag) {
    case "IncomingCall":
      return runHandler(core, origin, report.request, report.call, localTagOf(report.call))
    case "IncomingRequest":
      return runHandler(core, origin, report.request, undefined, report.toTag)
    case "InDialogRequest":
      return runHandler(core, origin, report.request, report.call, undefined)
    default:
      return Effect.void
  }
}

const localTagOf = (ref: CallRef): string => ref.slice(ref.lastIndexOf(";") + 1)

const runHandler = (
  core: Core,
  origin: Origin,
  request: Request,
  call: CallRef | undefined,
  toTag: string | undefined,
): Effect.Effect<void> => {
  const handler = handlerFor(core.handlers, request.method)
  if (handler === undefined) return Effect.void
  const initial = request.method === "INVITE" && toTag !== undefined && call !== undefined
  const info = core.info.get(origin.key)
  const cancelled = info?.side === "server" ? info.cancelled : Deferred.makeUnsafe<void>()
  if (initial) {
    cancellationsOf(core).set(call, cancelled)
    uaOf(core).listeners.set(call, {
      onReport: (r) =>
        r._tag === "Ended" ? endIncoming(core, call, r.status === 487 && r.by === "remote") : Effect.void,
    })
  }
  const ctx: RequestContext = {
    request,
    source: origin.source,
    toTag,
    dialog: () => dialogContextOf(core, call),
    respond: (status, init = {}) => respondApp(core, origin.key, request, status, init, toTag, call ?? null),
    cancelled,
  }
  return FiberSet.run(
    core.fibers,
    handler(request, ctx).pipe(
      Effect.flatMap((decision) => apply(core, origin.key, ctx, decision, call)),
      Effect.catchCause((cause) =>
        Effect.logError(`handler for ${request.method} failed`, cause).pipe(
          Effect.andThen(ctx.respond(500).pipe(Effect.ignore)),
        ),
      ),
    ),
  ).pipe(Effect.asVoid)
}

const endIncoming = (core: Core, call: CallRef, cancelled: boolean) =>
  Effect.suspend(() => {
    const deferred = cancellationsOf(core).get(call)
    cancellationsOf(core).delete(call)
    return cancelled && deferred !== undefined ? Deferred.succeed(deferred, undefined) : Effect.void
  })

/** The request went elsewhere (proxied, answered by another fsm core): the UA core forgets its call. */
const handOver = (core: Core, request: Request, call: CallRef | undefined) =>
  request.method === "INVITE" &&
  call !== undefined &&
  /;\s*tag=/i.test(getHeader(request, "To") ?? "") === false
    ? Effect.andThen(uaStep(core, { _tag: "Forget", call }), endIncoming(core, call, false))
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
