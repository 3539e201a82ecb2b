/**
 * Server — the UAS side of the engine: a new server transaction's request goes to the application's handler
 * (or gets the RFC's default answer), responses go out through the transaction, CANCEL ends a pending INVITE with
 * 487 (§9.2), requests inside a dialog are checked against it (§12.2.2, the fsm's `receiveInDialogRequest`), and a
 * 2xx to INVITE is retransmitted until its ACK arrives (§13.3.1.4).
 */
import { getCSeq, getHeader, getHeaderValues, makeResponse, type Request, type Response } from "@sipkit/codec"
import { dialogKey, incomingDialogId, makeUasDialog, receiveInDialogRequest } from "@sipkit/fsm/dialog"
import { cancelTargetKey, respond as respondEvent } from "@sipkit/fsm/transaction"
import { Deferred, Effect, FiberSet } from "effect"
import { hostForUri, isSecure, type PeerAddress } from "../Address.js"
import {
  allowedMethods,
  type Decision,
  type DialogContext,
  handlerFor,
  type RequestContext,
  type ResponseInit,
  ResponseRefused,
} from "../Handlers.js"
import { type Core, type DialogEntry, dispatch, pickListener, type ServerTxInfo } from "./Core.js"
import { isRoutedThrough, proxyCancel, proxyRouted } from "./Proxy.js"

const sdpMethods = new Set(["INVITE", "UPDATE", "PRACK", "ACK"])

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

const buildResponse = (core: Core, info: ServerTxInfo, status: number, init: ResponseInit): Response => {
  const headers: Array<readonly [string, string]> = [...(init.headers ?? [])]
  const has = (name: string) => headers.some(([n]) => n.toLowerCase() === name.toLowerCase())
  const method = info.request.method
  if (method === "INVITE" && status > 100 && status < 300 && !has("Contact")) {
    headers.push(["Contact", localContact(core, info.source)])
  }
  // §12.1.1: a response that establishes a dialog carries every Record-Route of the request, in order
  if (method === "INVITE" && status > 100 && status < 300 && !has("Record-Route")) {
    headers.unshift(
      ...getHeaderValues(info.request, "Record-Route").map((rr) => ["Record-Route", rr] as const),
    )
  }
  if (init.body !== undefined && !has("Content-Type")) {
    headers.push([
      "Content-Type",
      init.contentType ?? (sdpMethods.has(method) ? "application/sdp" : "text/plain"),
    ])
  }
  if (!has("Server")) headers.push(["Server", core.config.userAgent])
  return makeResponse(info.request, status, {
    ...(init.reason === undefined ? {} : { reason: init.reason }),
    ...(status > 100 && info.toTag !== undefined ? { toTag: info.toTag } : {}),
    headers,
    ...(init.body === undefined ? {} : { body: init.body }),
  })
}

/** Sends a response through server transaction `key`; refuses after the final one. */
export const respondTx = (
  core: Core,
  key: string,
  status: number,
  init: ResponseInit = {},
): Effect.Effect<void, ResponseRefused> =>
  Effect.gen(function* () {
    const info = core.info.get(key)
    if (info === undefined || info.side !== "server" || info.final) {
      return yield* Effect.fail(new ResponseRefused(`no pending transaction for a ${status}`))
    }
    const response = buildResponse(core, info, status, init)
    if (status >= 200) info.final = true
    yield* afterResponse(core, key, info, response)
    yield* dispatch(core, key, respondEvent(response))
  })

/** Sends a response built elsewhere (a core of @sipkit/fsm) through server transaction `key`. */
export const replyTx = (core: Core, key: string, response: Response): Effect.Effect<void, ResponseRefused> =>
  Effect.gen(function* () {
    const info = core.info.get(key)
    if (info === undefined || info.side !== "server" || info.final) {
      return yield* Effect.fail(new ResponseRefused(`no pending transaction for a ${response.status}`))
    }
    if (response.status >= 200) info.final = true
    yield* afterResponse(core, key, info, response)
    yield* dispatch(core, key, respondEvent(response))
  })

/** Dialog bookkeeping for a response we send: a 2xx to INVITE makes (or refreshes) a dialog; a 2xx to BYE ends it. */
const afterResponse = (core: Core, key: string, info: ServerTxInfo, response: Response) =>
  Effect.gen(function* () {
    const method = info.request.method
    if (method === "INVITE" && response.status >= 200 && response.status < 300) {
      const existing = info.dialog === undefined ? undefined : core.dialogs.get(info.dialog)
      if (existing === undefined) {
        const made = makeUasDialog(info.request, response, {
          transportSecure: isSecure(info.source.transport),
        })
        if (made._tag === "Err") return yield* Effect.logWarning(`no dialog: ${made.error.reason}`)
        const id = dialogKey(made.value.id)
        const entry: DialogEntry = {
          context: {
            id,
            callId: made.value.id.callId,
            localTag: made.value.id.localTag,
            remoteTag: made.value.id.remoteTag,
            data: new Map(),
          },
          pending2xx: undefined,
          onRemoteEnd: undefined,
          onLocalEnd: undefined,
          onStray2xx: undefined,
        }
        core.dialogs.set(id, entry)
        yield* core.dialogStore.put(id, made.value)
        core.stats.countDialogCreated()
        info.dialog = id
      }
      const entry = core.dialogs.get(info.dialog!)!
      const cseq = getCSeq(info.request)
      entry.pending2xx = { response, txKey: key, cseq: cseq._tag === "Ok" ? cseq.value.seq : 0 }
      yield* schedule2xx(core, info.dialog!, core.config.timers.t1, 0)
    }
    if (method === "BYE" && response.status >= 200 && response.status < 300 && info.dialog !== undefined) {
      yield* endDialog(core, info.dialog, "BYE")
    }
  })

/** §13.3.1.4: retransmit the 2xx at T1, 2·T1 … capped at T2, until the ACK, for at most 64·T1. */
const schedule2xx = (core: Core, id: string, interval: number, elapsed: number): Effect.Effect<void> => {
  const entry = core.dialogs.get(id)
  const reliable = entry?.pending2xx === undefined ? true : isReliableTx(core, entry.pending2xx.txKey)
  const limit = 64 * core.config.timers.t1
  const wait = reliable ? limit : interval
  return core.timers.schedule(
    `2xx#${id}`,
    wait,
    Effect.suspend(() => {
      const now = core.dialogs.get(id)
      if (now?.pending2xx === undefined) return Effect.void
      if (elapsed + wait >= limit) {
        now.pending2xx = undefined
        return Effect.logWarning(
          `no ACK for the 2xx of dialog ${id} within 64*T1; ending it (§13.3.1.4)`,
        ).pipe(Effect.andThen(endDialog(core, id, "no ACK")))
      }
      const { response, txKey } = now.pending2xx
      return Effect.andThen(
        dispatch(core, txKey, respondEvent(response), true),
        schedule2xx(core, id, Math.min(2 * interval, core.config.timers.t2), elapsed + wait),
      )
    }),
  )
}

const isReliableTx = (core: Core, key: string): boolean => {
  const info = core.info.get(key)
  return info?.side === "server" && info.source.transport !== "UDP"
}

export const endDialog = (core: Core, id: string, reason: string): Effect.Effect<void> =>
  Effect.suspend(() => {
    const entry = core.dialogs.get(id)
    if (entry === undefined) return Effect.void
    core.dialogs.delete(id)
    return Effect.andThen(core.dialogStore.remove(id), entry.onRemoteEnd?.(reason) ?? Effect.void)
  })

/** An ACK for a 2xx: stops the retransmissions and is passed to the application's `ack` handler. */
export const onAck = (core: Core, request: Request, source: PeerAddress): Effect.Effect<void> =>
  Effect.gen(function* () {
    const id = incomingDialogId(request)
    if (id._tag === "Err" || id.value === undefined) return
    const entry = core.dialogs.get(dialogKey(id.value))
    if (entry === undefined) {
      // the ACK of a 2xx on a route set this endpoint Record-Routed: passed on end to end (§16.11, by the fsm)
      if (isRoutedThrough(core, request)) yield* proxyRouted(core, request)
      return
    }
    const cseq = getCSeq(request)
    if (entry.pending2xx !== undefined && cseq._tag === "Ok" && cseq.value.seq === entry.pending2xx.cseq) {
      entry.pending2xx = undefined
      yield* core.timers.cancel(`2xx#${entry.context.id}`)
    }
    if (core.handlers.ack !== undefined) {
      const ctx = makeContext(core, "", request, source, entry.context)
      yield* core.handlers.ack(request, ctx)
    }
  })

const makeContext = (
  core: Core,
  key: string,
  request: Request,
  source: PeerAddress,
  dialog: DialogContext | undefined,
  cancelled?: Deferred.Deferred<void>,
): RequestContext => ({
  request,
  source,
  toTag: (() => {
    const info = core.info.get(key)
    return info?.side === "server" ? info.toTag : undefined
  })(),
  dialog: () => {
    const info = core.info.get(key)
    const id = info?.side === "server" ? info.dialog : undefined
    return (id === undefined ? undefined : core.dialogs.get(id)?.context) ?? dialog
  },
  respond: (status, init) => respondTx(core, key, status, init),
  cancelled: cancelled ?? Deferred.makeUnsafe<void>(),
})

/** A new server transaction delivered its request: CANCEL, dialog checks, then the handler. */
export const onRequest = (core: Core, key: string, request: Request): Effect.Effect<void> =>
  Effect.gen(function* () {
    const info = core.info.get(key)
    if (info === undefined || info.side !== "server") return
    if (request.method === "CANCEL") return yield* onCancel(core, key, request)
    if (core.shuttingDown)
      return yield* respondTx(core, key, 503, { headers: [["Retry-After", "5"]] }).pipe(Effect.ignore)
    const id = incomingDialogId(request)
    if (id._tag === "Err")
      return yield* respondTx(core, key, id.error.status, { reason: id.error.reason }).pipe(Effect.ignore)
    let dialog: DialogContext | undefined
    if (id.value !== undefined) {
      const entry = core.dialogs.get(dialogKey(id.value))
      const state = entry === undefined ? undefined : yield* core.dialogStore.get(entry.context.id)
      // §12.2.2: "If the UAS wishes to reject the request because it does not wish to recreate the dialog, it
      // MUST respond to the request with a 481 (Call/Transaction Does Not Exist) status code".
      if (entry === undefined || state === undefined) {
        // a request on a route set this endpoint Record-Routed as a proxy: passed on (§16.4, by the fsm)
        if (isRoutedThrough(core, request)) {
          info.proxying = true
          return yield* proxyRouted(core, request)
        }
        return yield* respondTx(core, key, 481).pipe(Effect.ignore)
      }
      const checked = receiveInDialogRequest(state, request)
      if (checked._tag === "Err") {
        return yield* respondTx(core, key, checked.error.status, { reason: checked.error.reason }).pipe(
          Effect.ignore,
        )
      }
      yield* core.dialogStore.put(entry.context.id, checked.value)
      info.dialog = entry.context.id
      dialog = entry.context
    }
    const ctx = makeContext(core, key, request, info.source, dialog, info.cancelled)
    const handler = handlerFor(core.handlers, request.method)
    if (handler === undefined) return yield* defaultAnswer(core, key, request, dialog)
    yield* FiberSet.run(
      core.fibers,
      handler(request, ctx).pipe(
        Effect.flatMap((decision) => apply(core, key, ctx, decision)),
        Effect.catchCause((cause) =>
          Effect.logError(`handler for ${request.method} failed`, cause).pipe(
            Effect.andThen(respondTx(core, key, 500).pipe(Effect.ignore)),
          ),
        ),
      ),
    )
  })

const apply = (core: Core, key: string, ctx: RequestContext, decision: Decision): Effect.Effect<void> => {
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
      return core.hooks.proxy(key, ctx, decision)
    }
    case "Later":
      return Effect.void
    case "Reply":
      return replyTx(core, key, decision.response).pipe(Effect.ignore)
  }
}

/** The RFC's answers when the application has no handler for a method. */
const defaultAnswer = (core: Core, key: string, request: Request, dialog: DialogContext | undefined) => {
  const allow = allowedMethods(core.handlers).join(", ")
  switch (request.method) {
    case "OPTIONS":
      // §11.2: Allow, Accept, Accept-Encoding, Accept-Language and Supported SHOULD be present.
      return respondTx(core, key, 200, {
        headers: [
          ["Allow", allow],
          ["Accept", "application/sdp"],
          ["Accept-Encoding", "identity"],
          ["Accept-Language", "en"],
          ["Supported", core.config.supported.join(", ")],
        ],
      }).pipe(Effect.ignore)
    case "BYE":
      // §15.1.2: a BYE for an existing dialog gets a 2xx (a BYE outside one got 481 above).
      return respondTx(core, key, dialog === undefined ? 481 : 200).pipe(Effect.ignore)
    default:
      // §8.2.1: "the UAS SHOULD generate a 405 ... MUST also add an Allow header"; the seed asks 501 + Allow for
      // methods the application does not implement.
      return respondTx(core, key, 501, { headers: [["Allow", allow]] }).pipe(Effect.ignore)
  }
}

/** §9.2: 200 to the CANCEL and 487 to the INVITE it matches when no final response was sent; 481 otherwise. */
const onCancel = (core: Core, key: string, cancel: Request) =>
  Effect.gen(function* () {
    const target = cancelTargetKey(cancel)
    const invite = target._tag === "Ok" ? core.info.get(target.value) : undefined
    if (target._tag === "Err" || invite === undefined || invite.side !== "server") {
      // §16.10: a CANCEL for nothing we hold is forwarded statelessly when it is routed through us
      if (isRoutedThrough(core, cancel)) return yield* proxyRouted(core, cancel)
      return yield* respondTx(core, key, 481).pipe(Effect.ignore)
    }
    // §16.10 by @sipkit/fsm/proxy: 200 to the CANCEL, the pending branches CANCELled, their 487 relayed
    if (invite.proxying) {
      yield* proxyCancel(core, cancel)
      return yield* Deferred.succeed(invite.cancelled, undefined)
    }
    yield* respondTx(core, key, 200).pipe(Effect.ignore)
    if (!invite.final) {
      // §9.2: a UAS answers 487 itself
      yield* respondTx(core, target.value, 487).pipe(Effect.ignore)
      yield* Deferred.succeed(invite.cancelled, undefined)
    }
  })

export const describeRequest = (request: Request): string =>
  `${request.method} ${request.uri} (${getHeader(request, "Call-ID") ?? "?"})`
