/**
 * answers — the application's answers (`Respond`) to the requests the core reported: a call's INVITE, a request
 * inside a dialog, or one outside any dialog (RFC 3261 §8.2.6, §12.1.1, §13.3.1, §15.1.2).
 *
 * The application decides the status, reason, headers and body; the core builds the response (To tag, Contact and
 * the Record-Route copy of a dialog-creating response) and keeps the call in step with what it says.
 */
import { getToTag, isErr, type Request } from "@sipkit/codec"
import { terminateDialog } from "../dialog/index.js"
import { type Call, copyCall } from "./Call.js"
import { hasRemoteTag } from "./ended.js"
import { bodyText } from "./media.js"
import { dialogNameOf } from "./readers.js"
import { type ResponseInit, respond } from "./responses.js"
import type { Respond } from "./UaEvent.js"
import { report, sendResponse } from "./UaOutput.js"
import { callForInvite, stay, stepWith, type UaState, type UaStep } from "./UaState.js"
import { acceptReinvite, localSdp, sendRetransmitting, seqOf, withDialog, withLocalSdp } from "./uas.js"

const sdpMethods = new Set(["INVITE", "UPDATE", "PRACK", "ACK"])

type Init = { -readonly [K in keyof ResponseInit]: ResponseInit[K] }

/** What the command asks for, as `respond` options: its reason, headers and body (SDP by default for INVITE …),
 * with the To tag and Contact given. One record, its fields set in place (spreads of conditional parts take V8's
 * generic object-clone path). */
const initOf = (command: Respond, toTag?: string, contact?: true | string): Init => {
  const init: Init = {}
  if (toTag !== undefined) init.toTag = toTag
  if (contact !== undefined) init.contact = contact
  if (command.reason !== undefined) init.reason = command.reason
  if (command.headers !== undefined) init.headers = command.headers
  if (command.body !== undefined)
    init.body = {
      content: command.body,
      type:
        command.contentType ?? (sdpMethods.has(command.request.method) ? "application/sdp" : "text/plain"),
    }
  return init
}

const sdpOf = (command: Respond): string | undefined => {
  if (command.body === undefined) return undefined
  const type = command.contentType ?? (sdpMethods.has(command.request.method) ? "application/sdp" : "")
  if (!type.toLowerCase().startsWith("application/sdp")) return undefined
  return typeof command.body === "string" ? command.body : bodyText(command.body)
}

export const onRespond = (state: UaState, command: Respond): UaStep => {
  const { request } = command
  if (request.method === "ACK" || request.method === "CANCEL" || command.status < 100 || command.status > 699)
    return stay(state)
  const named = command.call === undefined ? undefined : state.calls.get(command.call)
  const invited =
    request.method !== "INVITE"
      ? undefined
      : named !== undefined && named.invite === request
        ? named
        : callForInvite(state, request)
  if (invited !== undefined && invited.role === "UAS" && invited.invite === request)
    return answerInvite(state, invited, command)
  // §13.3.1: an INVITE's responses belong to its call; one the core does not hold (forgotten, never reported) gets
  // none from here
  if (request.method === "INVITE" && !hasToTag(request)) return stay(state)
  const inDialog = callForDialogRequest(state, request)
  if (inDialog !== undefined) return answerInDialog(state, inDialog, command)
  return {
    state,
    outputs: [sendResponse(respond(state.config, request, command.status, initOf(command, command.toTag)))],
  }
}

const hasToTag = (request: Request): boolean => {
  const to = getToTag(request)
  return !isErr(to) && to.value !== undefined
}

/** The call whose dialog an incoming request names (Call-ID, To tag as ours, From tag as theirs, §12.2.2). The
 * runtime asks this of every request in a dialog and every answer to one: the name is `dialogCallRef`'s, shared
 * with the core's own lookup of the same request. An ended call (ended.ts) is found too: it has no dialog any more,
 * and its answers are those of a call that ended. */
export const callForDialogRequest = (state: UaState, request: Request): Call | undefined => {
  const name = dialogNameOf(request)
  if (name === undefined) return undefined
  const call = state.calls.get(name.ref)
  return call !== undefined && hasRemoteTag(call, name.remoteTag) ? call : undefined
}

/** §13.3.1: the INVITE of a call on our side. 1xx: provisional (§13.3.1.1, the early dialog when tagged); 2xx: the
 * call is accepted and the 2xx retransmitted until the ACK (§13.3.1.4); ≥ 300: refused (§13.3.1.3). Once a final
 * response went, nothing more is sent. */
const answerInvite = (state: UaState, call: Call, command: Respond): UaStep => {
  if (call.phase !== "Proceeding") return stay(state)
  const status = command.status
  if (status === 100)
    return { state, outputs: [sendResponse(respond(state.config, call.invite, 100, initOf(command)))] }
  if (status < 200) {
    const init = initOf(command, call.localTag, command.contact ?? true)
    const response = respond(state.config, call.invite, status, init)
    const sdp = sdpOf(command)
    const next = copyCall(call)
    next.dialog = withDialog(state, call, response, init)
    if (sdp !== undefined) next.media = withLocalSdp(call.media, sdp)
    return stepWith(state, next, [sendResponse(response)])
  }
  if (status < 300) return acceptInvite(state, call, command)
  const response = respond(state.config, call.invite, status, initOf(command, call.localTag))
  const next = copyCall(call)
  next.phase = "Terminated"
  next.dialog = call.dialog === undefined ? undefined : terminateDialog(call.dialog)
  const ended = report({ _tag: "Ended", call: call.ref, status, reason: response.reason, by: "local" })
  return stepWith(state, next, [sendResponse(response), ended])
}

/** A 2xx without a body carries the core's own SDP (an answer to the offer, or an offer) when it has a session. */
const acceptInvite = (state: UaState, call: Call, command: Respond): UaStep => {
  const own = command.body === undefined ? localSdp(state, call, undefined) : undefined
  const sdp = own !== undefined && !isErr(own) ? own.value : undefined
  const init = initOf(command, call.localTag, command.contact ?? true)
  if (sdp !== undefined) init.sdp = sdp
  const response = respond(state.config, call.invite, command.status, init)
  const seq = seqOf(call.invite)
  const next = copyCall(call)
  next.phase = "Accepted"
  next.dialog = withDialog(state, call, response, init)
  next.media = withLocalSdp(call.media, sdpOf(command) ?? sdp ?? call.media.local)
  next.accepting = { response, seq, attempt: 0, interval: state.config.t1 }
  return stepWith(state, next, sendRetransmitting(state, call, seq, response))
}

/** A request inside the call's dialog: a re-INVITE's final (§14.2), a BYE's 2xx ending the session (§15.1.2), or
 * any other response as asked. */
const answerInDialog = (state: UaState, call: Call, command: Respond): UaStep => {
  const { request, status } = command
  const response = respond(state.config, request, status, initOf(command))
  if (request.method === "INVITE" && status >= 200) {
    if (call.reinvite?.role !== "server" || call.reinvite.seq !== seqOf(request)) return stay(state)
    if (status < 300)
      return acceptReinvite(state, call, request, sdpOf(command) ?? call.media.local, initOf(command))
    return stepWith(state, { ...call, reinvite: undefined }, [sendResponse(response)])
  }
  if (request.method === "BYE" && status >= 200 && status < 300 && call.phase !== "Terminated") {
    const ended = report({ _tag: "Ended", call: call.ref, status: 200, reason: "BYE", by: "remote" })
    // the outputs as one literal (a list grown by `push`, then spread into another, made two)
    const outputs =
      call.role === "UAS" && call.phase === "Proceeding"
        ? [
            sendResponse(response),
            sendResponse(respond(state.config, call.invite, 487, { toTag: call.localTag })),
            ended,
          ]
        : [sendResponse(response), ended]
    const next = copyCall(call)
    next.phase = "Terminated"
    next.dialog = call.dialog === undefined ? undefined : terminateDialog(call.dialog)
    next.accepting = undefined
    return stepWith(state, next, outputs)
  }
  return { state, outputs: [sendResponse(response)] }
}
