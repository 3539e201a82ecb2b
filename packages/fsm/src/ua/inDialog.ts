/**
 * inDialog — requests inside an established dialog, both ways (RFC 3261 §12.2, §14, §15): BYE, re-INVITE with
 * glare (491) and hold/resume (RFC 3264 §8.4), REFER/NOTIFY (in refer.ts), and any other method (INFO …).
 */
import { isErr, type Request, type Response } from "@sipkit/codec"
import {
  type Dialog,
  makeAck,
  makeInDialogRequest,
  refreshRemoteTarget,
  terminateDialog,
} from "../dialog/index.js"
import { type Call, copyCall, type PendingReinvite } from "./Call.js"
import { type Fresh, makeFresh, viaFor } from "./Fresh.js"
import { answer, bodyText, offer } from "./media.js"
import { onNotify, onRefer, onReferResponse } from "./refer.js"
import { respond } from "./responses.js"
import { isDelegated } from "./UaConfig.js"
import type { Hangup, Refer, Reinvite, SendInDialog } from "./UaEvent.js"
import { report, sendAck, sendRequest, sendResponse, startTimer, type UaOutput } from "./UaOutput.js"
import { stay, stepWith, type UaState, type UaStep } from "./UaState.js"
import { cancelInvite } from "./uac.js"
import { acceptReinvite, reject, seqOf } from "./uas.js"

const ended = (call: Call, status: number, reason: string, by: "local" | "remote"): UaOutput =>
  report({ _tag: "Ended", call: call.ref, status, reason, by })

// ------------------------------------------------------------------------------------------------ requests in

/** A request that passed the §12.2.2 checks; `dialog` already carries its CSeq and target refresh. */
export const onInDialogRequest = (
  state: UaState,
  call: Call,
  dialog: Dialog,
  request: Request,
  nonce: string,
): UaStep => {
  if (isDelegated(state.config, request.method)) return delegated(state, call, dialog, request, nonce)
  switch (request.method) {
    case "BYE":
      return onBye(state, call, dialog, request)
    case "INVITE":
      return onReinvite(state, call, dialog, request, nonce)
    case "REFER":
      return onRefer(state, call, dialog, request, nonce)
    case "NOTIFY":
      return onNotify(state, call, dialog, request)
    default:
      return stepWith(state, { ...call, dialog }, [
        sendResponse(respond(state.config, request, 200)),
        ...(request.method === "OPTIONS"
          ? []
          : [report({ _tag: "InDialogRequest", call: call.ref, request })]),
      ])
  }
}

/** A request the application answers (`Respond`, answers.ts): the dialog takes its CSeq and target refresh now;
 * a re-INVITE is checked for glare first (§14.2, the core's answer) and then pending until the application's. */
const delegated = (state: UaState, call: Call, dialog: Dialog, request: Request, nonce: string): UaStep => {
  const reported = report({ _tag: "InDialogRequest", call: call.ref, request })
  if (request.method !== "INVITE") {
    const next = copyCall(call)
    next.dialog = dialog
    return stepWith(state, next, [reported])
  }
  const glare = reinviteRefusal(state, call, dialog, request, nonce)
  if (glare !== undefined) return glare
  const media = { ...call.media, remote: bodyText(request.body) ?? call.media.remote }
  const pending: Call = { ...call, dialog, media, reinvite: { role: "server", seq: seqOf(request) } }
  return stepWith(state, pending, [reported])
}

/** §14.2: 491 while our own re-INVITE is pending; 500 with Retry-After while the peer's previous one is. */
const reinviteRefusal = (
  state: UaState,
  call: Call,
  dialog: Dialog,
  request: Request,
  nonce: string,
): UaStep | undefined => {
  const refuse = (status: number, headers: ReadonlyArray<readonly [string, string]> = []) =>
    stepWith(state, { ...call, dialog }, [sendResponse(respond(state.config, request, status, { headers }))])
  if (call.reinvite?.role === "client") return refuse(491)
  if (call.reinvite?.role === "server" || call.phase !== "Confirmed")
    return refuse(500, [["Retry-After", String(retryAfter(nonce))]])
  return undefined
}

/** §15.1.2: "the UAS MUST … terminate the session … [and] generate a 2xx response to the BYE … The UAS MUST still
 * respond to any pending requests received for that dialog … with a 487". */
const onBye = (state: UaState, call: Call, dialog: Dialog, request: Request): UaStep => {
  const outputs: Array<UaOutput> = [sendResponse(respond(state.config, request, 200))]
  if (call.role === "UAS" && call.phase === "Proceeding")
    outputs.push(sendResponse(respond(state.config, call.invite, 487, { toTag: call.localTag })))
  const next = copyCall(call)
  next.phase = "Terminated"
  next.dialog = terminateDialog(dialog)
  next.accepting = undefined
  outputs.push(ended(call, 200, "BYE", "remote"))
  return stepWith(state, next, outputs)
}

/** §14.2: "A UAS that receives an INVITE on a dialog while an INVITE it had sent on that dialog is in progress MUST
 * return a 491 (Request Pending)"; one that receives a second INVITE before it answered the first "MUST return a 500
 * … and MUST include a Retry-After header field with a randomly chosen value of between 0 and 10 seconds". */
const onReinvite = (state: UaState, call: Call, dialog: Dialog, request: Request, nonce: string): UaStep => {
  const refuse = (status: number, headers: ReadonlyArray<readonly [string, string]> = []) =>
    stepWith(state, { ...call, dialog }, [sendResponse(respond(state.config, request, status, { headers }))])
  const glare = reinviteRefusal(state, call, dialog, request, nonce)
  if (glare !== undefined) return glare
  const theirs = bodyText(request.body)
  const sdp =
    theirs === undefined
      ? { _tag: "Ok" as const, value: offer(state.config, undefined, call.media.local) }
      : answer(state.config, undefined, theirs, call.media.local)
  if (isErr(sdp))
    return refuse(sdp.error.status, sdp.error.warning === undefined ? [] : [["Warning", sdp.error.warning]])
  return acceptReinvite(state, { ...call, dialog }, request, sdp.value ?? call.media.local)
}

/** 0–10 s from the runtime's randomness (the event's nonce). */
const retryAfter = (nonce: string): number => [...nonce].reduce((sum, c) => sum + c.charCodeAt(0), 0) % 11

// ------------------------------------------------------------------------------------------------ commands

/** §15.1.1: "the UAC MUST consider the session terminated … as soon as the BYE request is passed to the client
 * transaction." The dialog no longer accepts requests (481) from then on. */
export const sendBye = (state: UaState, call: Call, fresh: Fresh): UaStep => {
  if (call.dialog === undefined) return stay(state)
  const bye = makeInDialogRequest(call.dialog, { method: "BYE", via: viaFor(state.config.via, fresh) })
  if (isErr(bye)) return stay(state)
  const next: Call = { ...call, phase: "Terminated", dialog: terminateDialog(bye.value.dialog) }
  return stepWith(state, next, [sendRequest(bye.value.request), ended(call, 200, "BYE", "local")])
}

/** Hang up whatever the call's phase: CANCEL before an answer (UAC), 603 while ringing (UAS), BYE once confirmed;
 * §15: a UAS waits for the ACK of its 2xx before its BYE. */
export const hangup = (state: UaState, call: Call, command: Hangup): UaStep => {
  switch (call.phase) {
    case "Calling":
    case "Proceeding":
      return call.role === "UAC"
        ? cancelInvite(state, call)
        : reject(state, call, { _tag: "Reject", call: call.ref, status: 603, nonce: command.nonce })
    case "Accepted":
      return stepWith(state, { ...call, byeAfterAck: true }, [])
    case "Confirmed":
      return sendBye(state, call, makeFresh(command.nonce))
    case "Terminated":
      return stay(state)
  }
}

/** A re-INVITE (§14.1) with an offer: hold (sendonly), resume (sendrecv), or the application's SDP. Only one
 * INVITE at a time on a dialog; a second one is refused locally as 491. */
export const reinvite = (state: UaState, call: Call, command: Reinvite, held: boolean): UaStep => {
  if (call.phase !== "Confirmed" || call.dialog === undefined) return stay(state)
  if (call.reinvite !== undefined)
    return stepWith(state, call, [report({ _tag: "ReinviteFailed", call: call.ref, status: 491 })])
  const sdp = offer(state.config, command.sdp, call.media.local, held)
  const dialog =
    command.contact === undefined ? call.dialog : { ...call.dialog, localTarget: command.contact }
  const built = makeInDialogRequest(dialog, {
    method: "INVITE",
    via: viaFor(state.config.via, makeFresh(command.nonce)),
    ...(sdp === undefined ? {} : { body: sdp, contentType: "application/sdp" }),
  })
  if (isErr(built)) return stay(state)
  const retry = { sdp: command.sdp, contact: command.contact, held }
  const next: Call = {
    ...call,
    dialog: built.value.dialog,
    reinvite: { role: "client", seq: seqOf(built.value.request), offer: sdp, held, retry },
    glare: undefined,
  }
  return stepWith(state, next, [sendRequest(built.value.request)])
}

export const refer = (state: UaState, call: Call, command: Refer): UaStep =>
  send(
    state,
    { ...call, subscription: "pending" },
    {
      _tag: "SendInDialog",
      call: call.ref,
      method: "REFER",
      headers: [
        ["Refer-To", command.referTo],
        ["Referred-By", `<${call.dialog?.local.uri ?? ""}>`],
      ],
      nonce: command.nonce,
    },
  )

export const send = (state: UaState, call: Call, command: SendInDialog): UaStep => {
  if (call.dialog === undefined || call.phase === "Terminated") return stay(state)
  const built = makeInDialogRequest(call.dialog, {
    method: command.method,
    via: viaFor(state.config.via, makeFresh(command.nonce)),
    ...(command.headers === undefined ? {} : { headers: command.headers }),
    ...(command.body === undefined
      ? {}
      : { body: command.body, contentType: command.contentType ?? "text/plain" }),
  })
  if (isErr(built)) return stay(state)
  return stepWith(state, { ...call, dialog: built.value.dialog }, [sendRequest(built.value.request)])
}

// ------------------------------------------------------------------------------------------------ responses in

/** A response to a request we sent inside the dialog. §12.2.1.2: "If the response for a request within a dialog
 * is a 481 … or a 408 …, the UAC SHOULD terminate the dialog." */
export const onInDialogResponse = (
  state: UaState,
  call: Call,
  response: Response,
  method: string,
  nonce: string,
) => {
  if (response.status < 200 || call.phase === "Terminated") return stay(state)
  if ((response.status === 481 || response.status === 408) && method !== "BYE")
    return dialogGone(state, call, response.status, response.reason)
  switch (method) {
    case "INVITE":
      return onReinviteResponse(state, call, response, nonce)
    case "BYE":
    case "CANCEL":
    case "ACK":
      return stay(state)
    case "REFER":
      return onReferResponse(state, call, response)
    default:
      return stepWith(state, call, [
        report({
          _tag: "InDialogResponse",
          call: call.ref,
          method,
          seq: seqOf(response),
          status: response.status,
        }),
      ])
  }
}

export const dialogGone = (state: UaState, call: Call, status: number, reason: string): UaStep => {
  const dialog = call.dialog === undefined ? undefined : terminateDialog(call.dialog)
  const next: Call = { ...call, phase: "Terminated", dialog, reinvite: undefined, accepting: undefined }
  return stepWith(state, next, [ended(call, status, reason, "remote")])
}

/** §14.1: a 2xx to our re-INVITE is ACKed (§13.2.2.4) and refreshes the remote target (§12.2.1.2); a failure
 * leaves the session as it was ("the UAC … MUST … treat the re-INVITE as never sent" for the media). */
const onReinviteResponse = (state: UaState, call: Call, response: Response, nonce: string): UaStep => {
  const pending = call.reinvite
  if (pending?.role !== "client" || pending.seq !== seqOf(response) || call.dialog === undefined)
    return stay(state)
  if (response.status === 491) return backOff(state, call, pending, nonce)
  if (response.status >= 300) {
    return stepWith(state, { ...call, reinvite: undefined }, [
      report({ _tag: "ReinviteFailed", call: call.ref, status: response.status }),
    ])
  }
  const dialog = refreshRemoteTarget(call.dialog, response)
  const ack = makeAck(dialog, pending.seq, { via: viaFor(state.config.via, makeFresh(nonce)) })
  const remote = bodyText(response.body) ?? call.media.remote
  const local = pending.offer ?? call.media.local
  const acks = [...call.acks, { remoteTag: dialog.id.remoteTag, seq: pending.seq, ack }]
  const next: Call = {
    ...call,
    dialog,
    reinvite: undefined,
    acks,
    media: { ...call.media, local, remote, held: pending.held },
  }
  return stepWith(state, next, [
    sendAck(ack),
    report({
      _tag: "MediaUpdated",
      call: call.ref,
      ...(local === undefined ? {} : { localSdp: local }),
      ...(remote === undefined ? {} : { remoteSdp: remote }),
    }),
  ])
}

/** §14.1: "If a UAC receives a 491 response to a re-INVITE, it SHOULD start a timer with a value T … If the UAC is
 * the owner of the Call-ID of the dialog ID (meaning it generated the value), T has a randomly chosen value between
 * 2.1 and 4 seconds in units of 10 ms. If the UAC is not the owner …, T has a randomly chosen value of between 0
 * and 2 seconds in units of 10 ms. When the timer fires, the UAC SHOULD attempt the re-INVITE once more". The
 * randomness is the event's nonce. */
const backOff = (
  state: UaState,
  call: Call,
  pending: PendingReinvite & { role: "client" },
  nonce: string,
): UaStep => {
  const draw = [...nonce].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7)
  const after = call.role === "UAC" ? 2100 + (draw % 191) * 10 : (draw % 201) * 10
  const next: Call = { ...call, reinvite: undefined, glare: { ...pending.retry, seq: pending.seq } }
  return stepWith(state, next, [
    startTimer({ _tag: "491Retry", call: call.ref, seq: pending.seq }, after),
    report({ _tag: "ReinviteFailed", call: call.ref, status: 491, retryAfter: after }),
  ])
}

/** The 491 back-off timer: the re-INVITE once more, if the call is still up and nothing else is pending. */
export const onGlareTimer = (state: UaState, call: Call, seq: number, nonce: string): UaStep => {
  const glare = call.glare
  if (glare?.seq !== seq || call.phase !== "Confirmed") return stay(state)
  // a re-INVITE sent since (the application's, or the peer's still unanswered) supersedes the one that met glare
  if (call.reinvite !== undefined) return stepWith(state, { ...call, glare: undefined }, [])
  const command: Reinvite = {
    _tag: "Reinvite",
    call: call.ref,
    nonce,
    ...(glare.sdp === undefined ? {} : { sdp: glare.sdp }),
    ...(glare.contact === undefined ? {} : { contact: glare.contact }),
  }
  return reinvite(state, { ...call, glare: undefined }, command, glare.held)
}
