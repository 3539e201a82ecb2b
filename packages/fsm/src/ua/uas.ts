/**
 * uas — the UAS core for the INVITE of a call (RFC 3261 §8.2, §13.3): the new call, provisional and final
 * responses, the 2xx retransmission until the ACK (§13.3.1.4), the ACK, and CANCEL (§9.2).
 *
 * The INVITE server transaction below it sends 100 Trying, absorbs INVITE retransmissions and the ACK of a
 * non-2xx; this core retransmits its 2xx itself ("the UAS core … periodically retransmits the 2xx") and passes
 * each retransmission to the transaction, which RFC 6026's Accepted state sends on.
 */
import {
  getCSeq,
  getHeader,
  getHeaderValues,
  getTag,
  getTo,
  isErr,
  type NameAddr,
  ok,
  type Param,
  parseNameAddrList,
  type Request,
  type Response,
  type Result,
} from "@sipkit/codec"
import {
  type Dialog,
  makeInDialogRequest,
  makeUasDialog,
  makeUasDialogFrom,
  terminateDialog,
} from "../dialog/index.js"
import { type Call, type CallRef, callRef, copyCall, type Media, makeCall } from "./Call.js"
import { cancels } from "./cancel.js"
import { isEnded } from "./ended.js"
import { type Fresh, makeFresh, viaFor } from "./Fresh.js"
import { hangup } from "./inDialog.js"
import { answer, bodyText, type MediaRejection, offer } from "./media.js"
import { hasValue, isToken, type Routing, routingOf } from "./readers.js"
import { replacedCall } from "./replaces.js"
import { ownContact, type ResponseInit, respond } from "./responses.js"
import type { Answer, Progress, Reject } from "./UaEvent.js"
import {
  report,
  sendRequest,
  sendResponse,
  startTimer,
  stopTimer,
  type UaOutput,
  type UaReport,
} from "./UaOutput.js"
import { addCall, callForInvite, inviteKeyOf, stay, stepWith, type UaState, type UaStep } from "./UaState.js"

type IncomingCall = Extract<UaReport, { _tag: "IncomingCall" }>

/** §13.3.1: a new INVITE outside any dialog. The To tag of every later response is chosen now. A dialog-creating
 * request without a Contact is a 400 (§8.1.1.8: "The Contact header field MUST be present … in any request that
 * can result in the establishment of a dialog"); a Replaces that names no live dialog is refused (RFC 3891 §3). */
export const onNewInvite = (
  state: UaState,
  request: Request,
  routing: Routing,
  fresh: Fresh,
  secure = false,
): UaStep => {
  const localTag = fresh.tag()
  const refuse = (status: number) => ({
    state,
    outputs: [sendResponse(respond(state.config, request, status, { toTag: localTag }))],
  })
  if (!hasValue(request, "Contact")) return refuse(400)
  const inviteKey = inviteKeyOf(routing)
  if (isMerged(state, request, routing, inviteKey)) return refuse(482)
  const replacesValue = getHeader(request, "Replaces")
  const replaced = replacesValue === undefined ? undefined : replacedCall(state, replacesValue)
  if (replaced?._tag === "Refuse") return refuse(replaced.status)
  const call = makeCall({
    ref: callRef(routing.callId, localTag),
    role: "UAS",
    phase: "Proceeding",
    invite: request,
    localTag,
    media: { local: undefined, remote: bodyText(request.body), early: undefined, held: false },
    replaces: replaced?.call,
    inviteKey,
    secure,
  })
  // the report's optional fields set in place (a spread of conditional parts takes the generic object-clone path)
  const incoming: { -readonly [K in keyof IncomingCall]: IncomingCall[K] } = {
    _tag: "IncomingCall",
    call: call.ref,
    request,
  }
  if (replaced !== undefined) incoming.replaces = replaced.call
  const referredBy = getHeader(request, "Referred-By")
  if (referredBy !== undefined) incoming.referredBy = referredBy
  return { state: addCall(state, call), outputs: [report(incoming)] }
}

/** §8.2.2.2: "If the request has no tag in the To header field, the UAS core MUST check the request against ongoing
 * transactions. If the From tag, Call-ID, and CSeq exactly match those associated with an ongoing transaction, but
 * the request does not match that transaction (based on the matching rules in Section 17.2.3), the UAS core SHOULD
 * generate a 482 (Loop Detected) response" — the same INVITE reaching us a second time along another fork. */
const isMerged = (state: UaState, request: Request, routing: Routing, inviteKey: string): boolean => {
  const ref = state.invites.get(inviteKey)
  const call = ref === undefined ? undefined : state.calls.get(ref)
  if (call === undefined || call.role !== "UAS" || call.phase !== "Proceeding") return false
  const theirs = routingOf(call.invite)
  return (
    theirs !== undefined &&
    theirs.callId === routing.callId &&
    theirs.fromTag === routing.fromTag &&
    theirs.seq === routing.seq &&
    theirs.method === routing.method &&
    topVia(call.invite) !== topVia(request)
  )
}

const topVia = (request: Request): string | undefined => getHeaderValues(request, "Via")[0]

/** §12.1.1: the first tagged response makes the UAS dialog (early for 1xx); a 2xx confirms it. `init` is what
 * the response was built with (`respond`): the dialog's local URI and target are the To and Contact it put there,
 * known without reading the response back (`ownSide`). */
export const withDialog = (
  state: UaState,
  call: Call,
  response: Response,
  init: ResponseInit,
): Dialog | undefined => {
  if (call.dialog !== undefined) return response.status >= 200 ? confirmed(call.dialog) : call.dialog
  const options = { transportSecure: call.secure === true }
  const own = ownSide(call, ownContact(state.config, init))
  const created =
    own === undefined
      ? makeUasDialog(call.invite, response, options)
      : makeUasDialogFrom(call.invite, response.status, own, options)
  return isErr(created) ? undefined : created.value
}

/** The media state with `local` as the SDP this UA sent (the same as `{ ...media, local }`, built field by field). */
export const withLocalSdp = (media: Media, local: string | undefined): Media => ({
  local,
  remote: media.remote,
  early: media.early,
  held: media.held,
})

/** The dialog confirmed by a 2xx (§12.1.1; the same as `{ ...dialog, state: "confirmed" }`, field by field). */
const confirmed = (dialog: Dialog): Dialog => ({
  id: dialog.id,
  state: "confirmed",
  role: dialog.role,
  local: dialog.local,
  remote: dialog.remote,
  localSeq: dialog.localSeq,
  remoteSeq: dialog.remoteSeq,
  localTarget: dialog.localTarget,
  remoteTarget: dialog.remoteTarget,
  routeSet: dialog.routeSet,
  secure: dialog.secure,
})

/**
 * The To and Contact URI of our response to the call's INVITE as `makeUasDialog` would read them from it: the
 * INVITE's To (read when it was routed) with `;tag=` and the local tag appended (§8.2.6.2, as `makeResponse`
 * does), and the first URI of the Contact value we put. `undefined` when they are better read back: no Contact of
 * ours, a To that already has a tag, a tag or Contact the codec would read differently.
 */
const ownSide = (call: Call, contact: string | undefined) => {
  // a §25.1 token reads back as itself as a tag parameter's value
  if (contact === undefined || contact.includes("*") || !isToken(call.localTag)) return undefined
  const to = getTo(call.invite)
  const uri = firstContactUri(contact)
  if (isErr(to) || getTag(to.value) !== undefined || uri === null) return undefined
  // field by field, and the parameters an array of their exact length (a spread reserves ~20 slots, held by the
  // dialog as long as the call)
  const params = to.value.params
  const tagged = new Array<Param>(params.length + 1)
  for (let i = 0; i < params.length; i++) tagged[i] = params[i] as Param
  tagged[params.length] = { name: "tag", value: call.localTag }
  const local: NameAddr = {
    displayName: to.value.displayName,
    uri: to.value.uri,
    bracketed: to.value.bracketed,
    params: tagged,
  }
  return { to: ok(local), contact: ok(uri) }
}

/** The first URI of a Contact value of ours (`null` when it does not parse), parsed once per value: a UA puts the
 * same Contact (its configured one) in every dialog-creating response. The values are the configuration's and the
 * ones `Respond` commands name, so the memo stays small; it is emptied at 64 values all the same. */
const contactUris = new Map<string, string | undefined | null>()
const firstContactUri = (contact: string): string | undefined | null => {
  const known = contactUris.get(contact)
  if (known !== undefined || contactUris.has(contact)) return known
  const uris = parseNameAddrList(contact, "contact")
  const uri = isErr(uris) ? null : uris.value[0]?.uri
  if (contactUris.size >= 64) contactUris.clear()
  contactUris.set(contact, uri)
  return uri
}

/** The SDP of our answer (to the INVITE's offer) or of our offer (when the INVITE had none, §13.2.1). The same
 * answer goes in the 18x and the 200 (RFC 3960 §3: without 100rel the 2xx repeats it). */
export const localSdp = (
  state: UaState,
  call: Call,
  explicit: string | undefined,
): Result<string | undefined, MediaRejection> => {
  if (explicit !== undefined || call.media.local !== undefined) return ok(explicit ?? call.media.local)
  if (call.media.remote === undefined) return ok(offer(state.config, undefined, undefined))
  return answer(state.config, undefined, call.media.remote, undefined)
}

/** A provisional response (180, 183 with early media). §13.3.1.1: it creates an early dialog when it has a tag. */
export const progress = (state: UaState, call: Call, command: Progress): UaStep => {
  if (call.role !== "UAS" || call.phase !== "Proceeding" || command.status < 101 || command.status > 199)
    return stay(state)
  const early =
    command.status === 183 || command.sdp !== undefined ? localSdp(state, call, command.sdp) : undefined
  const body = early?._tag === "Ok" ? early.value : undefined
  const init = { toTag: call.localTag, contact: true, sdp: body } as const
  const response = respond(state.config, call.invite, command.status, init)
  const dialog = withDialog(state, call, response, init)
  const next = copyCall(call)
  next.dialog = dialog
  if (body !== undefined) next.media = withLocalSdp(call.media, body)
  return stepWith(state, next, [sendResponse(response)])
}

/** §13.3.1.4: "the UAS core … MUST … pass the 2xx to the server transaction … The 2xx response is passed to
 * the transport with an interval that starts at T1 seconds and doubles for each retransmission until it reaches
 * T2 seconds … retransmissions cease when an ACK request for the response is received." */
export const accept = (state: UaState, call: Call, command: Answer): UaStep => {
  if (call.role !== "UAS" || call.phase !== "Proceeding") return stay(state)
  const sdp = localSdp(state, call, command.sdp)
  if (isErr(sdp)) return rejectWith(state, call, sdp.error.status, sdp.error.warning)
  const init = { toTag: call.localTag, contact: true, sdp: sdp.value } as const
  const response = respond(state.config, call.invite, 200, init)
  const seq = seqOf(call.invite)
  const next = copyCall(call)
  next.phase = "Accepted"
  next.dialog = withDialog(state, call, response, init)
  next.media = withLocalSdp(call.media, sdp.value)
  next.accepting = { response, seq, attempt: 0, interval: state.config.t1 }
  return stepWith(state, next, sendRetransmitting(state, call, seq, response))
}

/** The 2xx sent, then its retransmission and its 64·T1 timeout started: one array (not the timers spread into
 * another). */
export const sendRetransmitting = (
  state: UaState,
  call: Call,
  seq: number,
  response: Response,
): ReadonlyArray<UaOutput> => [
  sendResponse(response),
  startTimer({ _tag: "2xxRetransmit", call: call.ref, seq, attempt: 0 }, state.config.t1),
  startTimer({ _tag: "2xxTimeout", call: call.ref, seq }, 64 * state.config.t1),
]

export const seqOf = (request: Request | Response): number => {
  const cseq = getCSeq(request)
  return isErr(cseq) ? 0 : cseq.value.seq
}

/** Answer an in-dialog INVITE (re-INVITE) with its 2xx, retransmitted like the first (§13.3.1.4, §14.2). */
export const acceptReinvite = (
  state: UaState,
  call: Call,
  request: Request,
  sdp: string | undefined,
  init: ResponseInit = {},
): UaStep => {
  const response = respond(state.config, request, 200, {
    contact: call.dialog?.localTarget ?? true,
    ...(init.body === undefined ? { sdp } : {}),
    ...init,
  })
  const seq = seqOf(request)
  const next: Call = {
    ...call,
    reinvite: { role: "server", seq },
    media: {
      ...call.media,
      local: sdp ?? call.media.local,
      remote: bodyText(request.body) ?? call.media.remote,
    },
    accepting: { response, seq, attempt: 0, interval: state.config.t1 },
  }
  return stepWith(state, next, sendRetransmitting(state, call, seq, response))
}

const rejectWith = (state: UaState, call: Call, status: number, warning?: string): UaStep => {
  const headers: ReadonlyArray<readonly [string, string]> =
    warning === undefined ? [] : [["Warning", warning]]
  const response = respond(state.config, call.invite, status, { toTag: call.localTag, headers })
  const dialog = call.dialog === undefined ? undefined : terminateDialog(call.dialog)
  const ended = report({ _tag: "Ended", call: call.ref, status, reason: response.reason, by: "local" })
  return stepWith(state, { ...call, phase: "Terminated", dialog }, [sendResponse(response), ended])
}

/** §13.3.1.3: "If the UAS is not able to answer the invitation … it MUST send a final response" ≥ 300. */
export const reject = (state: UaState, call: Call, command: Reject): UaStep => {
  if (call.role !== "UAS" || call.phase !== "Proceeding" || command.status < 300) return stay(state)
  const response = respond(state.config, call.invite, command.status, {
    toTag: call.localTag,
    ...(command.headers === undefined ? {} : { headers: command.headers }),
  })
  const dialog = call.dialog === undefined ? undefined : terminateDialog(call.dialog)
  return stepWith(state, { ...call, phase: "Terminated", dialog }, [sendResponse(response)])
}

/** One 2xx retransmission: a firing that is not the armed attempt is stale and changes nothing. */
export const onRetransmitTimer = (state: UaState, call: Call, seq: number, attempt: number): UaStep => {
  const accepting = call.accepting
  if (accepting === undefined || accepting.seq !== seq || accepting.attempt !== attempt) return stay(state)
  const interval = Math.min(2 * accepting.interval, state.config.t2)
  const next: Call = { ...call, accepting: { ...accepting, attempt: attempt + 1, interval } }
  return stepWith(state, next, [
    sendResponse(accepting.response),
    startTimer({ _tag: "2xxRetransmit", call: call.ref, seq, attempt: attempt + 1 }, interval),
  ])
}

/** §13.3.1.4: "If the server retransmits the 2xx response for 64*T1 seconds without receiving an ACK, the dialog
 * is confirmed, but the session SHOULD be terminated. This is accomplished with a BYE". Reported as a 408. A call
 * our BYE already ended (a re-INVITE's 2xx was still going, §15) only stops: its BYE went and its end was reported. */
export const onAckTimeout = (state: UaState, call: Call, seq: number, nonce: string): UaStep => {
  if (call.accepting?.seq !== seq || call.dialog === undefined) return stay(state)
  const stop = stopTimer({ _tag: "2xxRetransmit", call: call.ref, seq, attempt: call.accepting.attempt })
  if (call.phase === "Terminated")
    return stepWith(state, { ...call, accepting: undefined, reinvite: undefined }, [stop])
  const fresh = makeFresh(nonce)
  const bye = makeInDialogRequest(call.dialog, { method: "BYE", via: viaFor(state.config.via, fresh) })
  const dialog = terminateDialog(isErr(bye) ? call.dialog : bye.value.dialog)
  const next: Call = { ...call, phase: "Terminated", dialog, accepting: undefined, reinvite: undefined }
  return stepWith(state, next, [
    stop,
    ...(isErr(bye) ? [] : [sendRequest(bye.value.request)]),
    report({ _tag: "Ended", call: call.ref, status: 408, reason: "No ACK for the 2xx", by: "local" }),
  ])
}

/** §13.3.1.4 / §14.2: the ACK of our 2xx stops its retransmission; the ACK of an offerless INVITE's 2xx carries
 * the answer. An ACK for nothing pending (a retransmission) changes nothing. `dialog` is the dialog with the ACK
 * received (§12.2.2), `undefined` when the dialog refused it: a 2xx can outlive its dialog (our BYE went while a
 * re-INVITE's 2xx was retransmitted, §15), and "retransmissions cease when an ACK request for the response is
 * received" — matched by its CSeq — and nothing more happens to the ended call. */
export const onAck = (
  state: UaState,
  call: Call,
  dialog: Dialog | undefined,
  ack: Request,
  seq: number,
  nonce: string,
): UaStep => {
  const accepting = call.accepting
  if (accepting === undefined || accepting.seq !== seq) return stay(state)
  const retransmit = stopTimer({
    _tag: "2xxRetransmit",
    call: call.ref,
    seq: accepting.seq,
    attempt: accepting.attempt,
  })
  const timeout = stopTimer({ _tag: "2xxTimeout", call: call.ref, seq: accepting.seq })
  if (dialog === undefined)
    return call.phase === "Terminated"
      ? stepWith(state, { ...call, accepting: undefined, reinvite: undefined }, [retransmit, timeout])
      : stay(state)
  const remote = bodyText(ack.body) ?? call.media.remote
  const accepted = call.phase === "Accepted"
  const next = copyCall(call)
  if (accepted) {
    next.phase = "Confirmed"
    next.byeAfterAck = false
  }
  next.dialog = dialog
  next.accepting = undefined
  next.reinvite = undefined
  if (remote !== call.media.remote)
    next.media = { local: call.media.local, remote, early: call.media.early, held: call.media.held }
  const media = mediaReport(accepted ? "Established" : "MediaUpdated", call.ref, next.media)
  const step = stepWith(state, next, [retransmit, timeout, report(media)])
  if (!accepted) return step
  const replaced = call.replaces === undefined ? undefined : step.state.calls.get(call.replaces)
  const withReplaced = replaced === undefined ? step : hangupAfter(step, replaced, `${nonce}r`)
  return call.byeAfterAck ? hangupAfter(withReplaced, next, nonce) : withReplaced
}

/** An `Established` or `MediaUpdated` report with the SDP fields each only when known (set in place: a spread of
 * the conditional part took the generic copy path). Both known (an offer and its answer) is one literal: fields
 * added to a record after it is made take an out-of-object property array. */
const mediaReport = (
  tag: "Established" | "MediaUpdated",
  ref: CallRef,
  media: Media,
): { _tag: "Established" | "MediaUpdated"; call: CallRef; localSdp?: string; remoteSdp?: string } => {
  const reported: {
    _tag: "Established" | "MediaUpdated"
    call: CallRef
    localSdp?: string
    remoteSdp?: string
  } =
    media.local !== undefined && media.remote !== undefined
      ? { _tag: tag, call: ref, localSdp: media.local, remoteSdp: media.remote }
      : { _tag: tag, call: ref }
  if (reported.localSdp !== undefined) return reported
  if (media.local !== undefined) reported.localSdp = media.local
  if (media.remote !== undefined) reported.remoteSdp = media.remote
  return reported
}

/** RFC 3891 §3: once the new dialog is confirmed the replaced one is ended (BYE when confirmed, CANCEL or 603
 * before). */
const hangupAfter = (step: UaStep, call: Call, nonce: string): UaStep => {
  const bye = hangup(step.state, call, { _tag: "Hangup", call: call.ref, nonce })
  return { state: bye.state, outputs: [...step.outputs, ...bye.outputs] }
}

/**
 * §9.2: "If the UAS did not find a matching transaction for the CANCEL … it SHOULD respond to the CANCEL with a
 * 481 … If the original request was an INVITE [without a final response], the UAS SHOULD immediately respond to the
 * INVITE with a 487 (Request Terminated)." The CANCEL itself gets a 200 either way, with the INVITE's To tag.
 */
export const onCancel = (state: UaState, cancel: Request, fresh: Fresh): UaStep => {
  const found = callForInvite(state, cancel)
  const call =
    found === undefined
      ? undefined
      : (isEnded(found) ? found.isCancelledBy(cancel) : cancels(cancel, found.invite))
        ? found
        : undefined
  if (call === undefined)
    return { state, outputs: [sendResponse(respond(state.config, cancel, 481, { toTag: fresh.tag() }))] }
  const ok = sendResponse(respond(state.config, cancel, 200, { toTag: call.localTag }))
  if (call.phase !== "Proceeding") return { state, outputs: [ok] }
  const terminated = respond(state.config, call.invite, 487, { toTag: call.localTag })
  const dialog = call.dialog === undefined ? undefined : terminateDialog(call.dialog)
  const ended = report({
    _tag: "Ended",
    call: call.ref,
    status: 487,
    reason: "Request Terminated",
    by: "remote",
  })
  return stepWith(state, { ...call, phase: "Terminated", dialog }, [ok, sendResponse(terminated), ended])
}
