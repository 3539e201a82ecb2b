/**
 * Call — the client side of a call: `call(target, offer)` sends the INVITE and returns a handle at once; its
 * `events` stream says what happens (trying, ringing, early media, answered, failed, ended) and its methods
 * cancel (§9.1), hang up (§15.1.1), re-offer (re-INVITE, §14.1) and send INFO/REFER inside the dialog.
 *
 * The ACK of a 2xx is the UA core's (§13.2.2.4): built from the dialog (`makeAck` of @sipkit/fsm/dialog), sent
 * straight to the transport, and sent again for every retransmitted 2xx.
 */
import { getCSeq, getHeader, makeRequest, type Request, type Response } from "@sipkit/codec"
import {
  type Dialog,
  dialogKey,
  makeAck,
  makeInDialogRequest,
  makeUacDialog,
  requestTarget,
} from "@sipkit/fsm/dialog"
import { type Cause, Effect, FiberSet, Queue, Stream } from "effect"
import { isSecure } from "../Address.js"
import { makeVia } from "../Routing.js"
import { RequestFailed, runClientTx, type SendOptions, sendWithAuth, targetsFor } from "./Client.js"
import { type Core, type Destination, type DialogEntry, pickListener, sendTo } from "./Core.js"
import { endDialog, localContact } from "./Server.js"

export type CallEvent =
  | { readonly _tag: "Trying"; readonly response: Response }
  | { readonly _tag: "Ringing"; readonly response: Response }
  | { readonly _tag: "EarlyMedia"; readonly sdp: string; readonly response: Response }
  | { readonly _tag: "Answered"; readonly sdp: string | undefined; readonly response: Response }
  | { readonly _tag: "Failed"; readonly status: number; readonly reason: string }
  | { readonly _tag: "Ended"; readonly by: "local" | "remote"; readonly reason: string }

export interface CallHandle {
  readonly callId: string
  readonly events: Stream.Stream<CallEvent>
  /** §9.1: CANCEL the INVITE (sent once a provisional response arrived); no-op after a final response. */
  readonly cancel: Effect.Effect<void>
  /** BYE when answered, CANCEL before. */
  readonly hangup: Effect.Effect<void>
  /** re-INVITE with a new offer; the answer's SDP. */
  readonly reoffer: (sdp: string) => Effect.Effect<Response, RequestFailed>
  /** Any request inside the dialog (INFO, REFER, MESSAGE, UPDATE …). */
  readonly request: (
    method: string,
    init?: {
      readonly headers?: ReadonlyArray<readonly [string, string]>
      readonly body?: string
      readonly contentType?: string
    },
  ) => Effect.Effect<Response, RequestFailed>
  readonly info: (body: string, contentType: string) => Effect.Effect<Response, RequestFailed>
  readonly refer: (target: string) => Effect.Effect<Response, RequestFailed>
}

export interface CallOptions {
  readonly from?: string | undefined
  readonly headers?: ReadonlyArray<readonly [string, string]> | undefined
  readonly credentials?: SendOptions["credentials"]
}

const text = (body: Uint8Array): string => new TextDecoder().decode(body)

/** Where in-dialog requests go: the first route (loose routing) or the remote target. */
const dialogUri = (dialog: Dialog): string => {
  const target = requestTarget(dialog)
  return target.routes[0] ?? target.uri
}

const firstDestination = (core: Core, dialog: Dialog) =>
  Effect.gen(function* () {
    const [target] = yield* targetsFor(core, dialogUri(dialog))
    if (target === undefined)
      return yield* new RequestFailed({ status: 503, reason: "cannot resolve the remote target" })
    return target satisfies Destination
  })

/** Sends a request inside `entry`'s dialog and waits for its final response. */
export const sendInDialog = (
  core: Core,
  entry: DialogEntry,
  method: string,
  init: {
    readonly headers?: ReadonlyArray<readonly [string, string]>
    readonly body?: string
    readonly contentType?: string
  } = {},
) =>
  Effect.gen(function* () {
    const dialog = yield* core.dialogStore.get(entry.context.id)
    if (dialog === undefined) return yield* new RequestFailed({ status: 481, reason: "no such dialog" })
    const destination = yield* firstDestination(core, dialog)
    const listener = pickListener(core, destination.transport, destination.host)!
    const via = makeVia(destination.transport, listener.advertised, core.ids.branch())
    const made = makeInDialogRequest(dialog, { method, via, ...init })
    if (made._tag === "Err")
      return yield* new RequestFailed({ status: made.error.status, reason: made.error.reason })
    yield* core.dialogStore.put(entry.context.id, made.value.dialog)
    const sent = yield* runClientTx(core, made.value.request, destination, { dialog: entry.context.id })
    return sent.response
  })

const sendAck = (core: Core, entry: DialogEntry, inviteSeq: number) =>
  Effect.gen(function* () {
    const dialog = yield* core.dialogStore.get(entry.context.id)
    if (dialog === undefined) return
    const destination = yield* firstDestination(core, dialog)
    const listener = pickListener(core, destination.transport, destination.host)!
    const ack = makeAck(dialog, inviteSeq, {
      via: makeVia(destination.transport, listener.advertised, core.ids.branch()),
    })
    yield* sendTo(core, destination, ack, { dialog: entry.context.id })
  }).pipe(Effect.catchCause((cause) => Effect.logWarning("could not send the ACK", cause)))

/** §9.1: the CANCEL copies Request-URI, Call-ID, To, From, CSeq number and the one top Via of the INVITE. */
export const makeCancel = (invite: Request): Request => {
  const headers: Array<readonly [string, string]> = []
  const via = getHeader(invite, "Via")
  if (via !== undefined) headers.push(["Via", via])
  headers.push(["Max-Forwards", "70"])
  for (const name of ["From", "To", "Call-ID"]) {
    const value = getHeader(invite, name)
    if (value !== undefined) headers.push([name, value])
  }
  const cseq = getCSeq(invite)
  headers.push(["CSeq", `${cseq._tag === "Ok" ? cseq.value.seq : 1} CANCEL`])
  for (const name of ["Route"]) {
    const value = getHeader(invite, name)
    if (value !== undefined) headers.push([name, value])
  }
  return makeRequest({ method: "CANCEL", uri: invite.uri, headers })
}

export const call = (core: Core, target: string, offer: string | undefined, options: CallOptions = {}) =>
  Effect.gen(function* () {
    const events = yield* Queue.unbounded<CallEvent, Cause.Done>()
    const emit = (event: CallEvent) => Queue.offer(events, event).pipe(Effect.asVoid)
    const finish = (event: CallEvent) => Effect.andThen(emit(event), Queue.end(events))

    const callId = core.ids.callId()
    const localTag = core.ids.tag()
    const [first] = yield* targetsFor(core, target)
    const contact =
      first === undefined
        ? undefined
        : localContact(core, { transport: first.transport, host: first.host, port: first.port })
    const from =
      options.from ??
      `<sip:${core.config.user}@${pickListener(core, first?.transport ?? "UDP", first?.host ?? "127.0.0.1")?.advertised.host ?? "localhost"}>`
    const invite = makeRequest({
      method: "INVITE",
      uri: target,
      headers: [
        ["Max-Forwards", "70"],
        ["From", `${from};tag=${localTag}`],
        ["To", target.startsWith("<") ? target : `<${target}>`],
        ["Call-ID", callId],
        ["CSeq", "1 INVITE"],
        ...(contact === undefined ? [] : [["Contact", contact] as const]),
        ["User-Agent", core.config.userAgent],
        ...(options.headers ?? []),
        ...(offer === undefined ? [] : [["Content-Type", "application/sdp"] as const]),
      ],
      ...(offer === undefined ? {} : { body: offer }),
    })

    let phase: "calling" | "early" | "confirmed" | "ended" = "calling"
    let sentInvite: { request: Request; destination: Destination } | undefined
    let cancelWanted = false
    let cancelSent = false
    let entry: DialogEntry | undefined

    const sendCancel = Effect.suspend(() => {
      if (cancelSent || sentInvite === undefined) return Effect.void
      cancelSent = true
      const cancel = makeCancel(sentInvite.request)
      return FiberSet.run(
        core.fibers,
        runClientTx(core, cancel, sentInvite.destination).pipe(Effect.ignore),
      ).pipe(Effect.asVoid)
    })

    let lastProvisional: Response | undefined
    const onProvisional = (response: Response) =>
      Effect.gen(function* () {
        // a retransmitted provisional (same status, same To, same body) says nothing new
        const repeated =
          lastProvisional !== undefined &&
          lastProvisional.status === response.status &&
          getHeader(lastProvisional, "To") === getHeader(response, "To") &&
          text(lastProvisional.body) === text(response.body)
        lastProvisional = response
        if (repeated) return
        if (phase === "calling") phase = "early"
        if (cancelWanted) yield* sendCancel
        const sdp = response.body.byteLength > 0 ? text(response.body) : undefined
        if (response.status === 100) return yield* emit({ _tag: "Trying", response })
        if (sdp !== undefined) return yield* emit({ _tag: "EarlyMedia", sdp, response })
        return yield* emit({ _tag: "Ringing", response })
      })

    const onAnswered = (sent: { request: Request; response: Response }) =>
      Effect.gen(function* () {
        const made = makeUacDialog(sent.request, sent.response, {
          transportSecure: sentInvite !== undefined && isSecure(sentInvite.destination.transport),
        })
        if (made._tag === "Err") {
          yield* finish({ _tag: "Failed", status: 500, reason: made.error.reason })
          return
        }
        const id = dialogKey(made.value.id)
        const dialogEntry: DialogEntry = {
          context: { id, callId, localTag, remoteTag: made.value.id.remoteTag, data: new Map() },
          pending2xx: undefined,
          onRemoteEnd: (reason) =>
            Effect.suspend(() => {
              phase = "ended"
              return finish({ _tag: "Ended", by: "remote", reason })
            }),
          onLocalEnd: () =>
            Effect.suspend(() => {
              phase = "ended"
              return finish({ _tag: "Ended", by: "local", reason: "BYE" })
            }),
          onStray2xx: () => sendAck(core, dialogEntry, 1),
        }
        entry = dialogEntry
        core.dialogs.set(id, dialogEntry)
        yield* core.dialogStore.put(id, made.value)
        core.stats.countDialogCreated()
        phase = "confirmed"
        yield* sendAck(core, dialogEntry, 1)
        const sdp = sent.response.body.byteLength > 0 ? text(sent.response.body) : undefined
        yield* emit({ _tag: "Answered", sdp, response: sent.response })
        if (cancelWanted) yield* hangup
      })

    const hangup: Effect.Effect<void> = Effect.suspend(() => {
      if (phase === "calling" || phase === "early") {
        cancelWanted = true
        return phase === "early" ? sendCancel : Effect.void
      }
      if (phase !== "confirmed" || entry === undefined) return Effect.void
      phase = "ended"
      const current = entry
      return sendInDialog(core, current, "BYE").pipe(
        Effect.ignore,
        Effect.andThen(endDialogQuietly(core, current)),
        Effect.andThen(finish({ _tag: "Ended", by: "local", reason: "BYE" })),
      )
    })

    const cancelCall: Effect.Effect<void> = Effect.suspend(() => {
      if (phase !== "calling" && phase !== "early") return Effect.void
      cancelWanted = true
      return phase === "early" ? sendCancel : Effect.void
    })
    core.pendingCalls.add(cancelCall)
    /** A final response (or a failure) arrived: nothing left to CANCEL at shutdown. */
    const settled = Effect.sync(() => void core.pendingCalls.delete(cancelCall))

    yield* FiberSet.run(
      core.fibers,
      sendWithAuth(core, invite, target, {
        credentials: options.credentials,
        onProvisional,
        onSent: (request, destination) =>
          Effect.sync(() => {
            sentInvite = { request, destination }
          }),
        onExtra2xx: () => (entry === undefined ? Effect.void : sendAck(core, entry, 1)),
      }).pipe(
        Effect.ensuring(settled),
        Effect.flatMap((sent) =>
          sent.response.status < 300
            ? onAnswered(sent)
            : Effect.suspend(() => {
                phase = "ended"
                return finish({ _tag: "Failed", status: sent.response.status, reason: sent.response.reason })
              }),
        ),
        Effect.catch((failure) =>
          Effect.suspend(() => {
            phase = "ended"
            return finish({ _tag: "Failed", status: failure.status, reason: failure.reason })
          }),
        ),
      ),
    )

    const inDialog: CallHandle["request"] = (method, init) =>
      entry === undefined
        ? Effect.fail(new RequestFailed({ status: 481, reason: "the call has no dialog" }))
        : sendInDialog(core, entry, method, init ?? {})

    const handle: CallHandle = {
      callId,
      events: Stream.fromQueue(events),
      cancel: cancelCall,
      hangup,
      reoffer: (sdp) =>
        Effect.gen(function* () {
          const response = yield* inDialog("INVITE", { body: sdp, contentType: "application/sdp" })
          if (response.status >= 200 && response.status < 300 && entry !== undefined) {
            const cseq = getCSeq(response)
            yield* sendAck(core, entry, cseq._tag === "Ok" ? cseq.value.seq : 1)
          }
          return response
        }),
      request: inDialog,
      info: (body, contentType) => inDialog("INFO", { body, contentType }),
      refer: (referTo) => inDialog("REFER", { headers: [["Refer-To", `<${referTo}>`]] }),
    }
    return handle
  })

const endDialogQuietly = (core: Core, entry: DialogEntry) =>
  Effect.sync(() => {
    entry.onRemoteEnd = undefined
  }).pipe(Effect.andThen(endDialog(core, entry.context.id, "local BYE")))
