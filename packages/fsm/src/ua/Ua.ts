/**
 * Ua — the UA core as one pure reducer: `step(state, event) → { state, outputs }` (RFC 3261 §8, §12–§15, §9,
 * RFC 3515). It routes each event to the call it concerns and runs the §8.2 checks on every new request.
 *
 * Never: I/O, clocks, randomness, exceptions. Time enters as `TimerFired`, randomness as each event's `nonce`.
 */
import { isOk, type Request, type Response } from "@sipkit/codec"
import { onRespond } from "./answers.js"
import { type Call, callRef } from "./Call.js"
import { isEnded } from "./ended.js"
import { makeFresh } from "./Fresh.js"
import {
  dialogGone,
  hangup,
  onGlareTimer,
  onInDialogRequest,
  onInDialogResponse,
  refer,
  reinvite,
  send,
} from "./inDialog.js"
import { type Routing, routingOf } from "./readers.js"
import { respond } from "./responses.js"
import { getDialogForRequest } from "./routing.js"
import { allowHeader, isDelegated } from "./UaConfig.js"
import type { Command, UaEvent } from "./UaEvent.js"
import { report, sendResponse } from "./UaOutput.js"
import { removeCall, stay, type UaState, type UaStep } from "./UaState.js"
import { cancelInvite, endCall, inviteSeq, onInviteResponse, onOther2xx, startInvite } from "./uac.js"
import {
  accept,
  onAck,
  onAckTimeout,
  onCancel,
  onNewInvite,
  onRetransmitTimer,
  progress,
  reject,
} from "./uas.js"
import { checkRequest } from "./uasChecks.js"

export const step = (state: UaState, event: UaEvent): UaStep => {
  switch (event._tag) {
    case "RequestReceived":
      return onRequest(state, event.request, event.nonce, event.secure === true)
    case "ResponseReceived":
      return onResponse(state, event.response, event.nonce)
    case "TransactionFailed":
      return onTransactionFailed(state, event.request, event.reason, event.nonce)
    case "TimerFired":
      return onTimer(state, event.timer, event.nonce)
    case "Invite":
    case "Progress":
    case "Answer":
    case "Reject":
    case "Cancel":
    case "Hangup":
    case "Hold":
    case "Resume":
    case "Reinvite":
    case "Refer":
    case "SendInDialog":
    case "Respond":
    case "Forget":
      return onCommand(state, event)
  }
}

// ------------------------------------------------------------------------------------------------ requests

const answer = (state: UaState, request: Request, status: number, toTag: string): UaStep => ({
  state,
  outputs: [sendResponse(respond(state.config, request, status, { toTag }))],
})

/** §8.2 then §12.2.2: checks, CANCEL, requests in a dialog (481 when it is unknown or over), new requests. */
const onRequest = (state: UaState, request: Request, nonce: string, secure: boolean): UaStep => {
  const fresh = makeFresh(nonce)
  const routing = routingOf(request)
  if (routing === undefined)
    return request.method === "ACK" ? stay(state) : answer(state, request, 400, fresh.tag())
  const rejection = checkRequest(state.config, request, fresh.tag(), routing)
  if (rejection !== undefined) return { state, outputs: [sendResponse(rejection)] }
  if (request.method === "CANCEL") return onCancel(state, request, fresh)
  if (routing.toTag !== undefined) return onDialogRequest(state, request, routing, nonce)
  if (request.method === "INVITE") return onNewInvite(state, request, routing, fresh, secure)
  if (request.method === "ACK") return stay(state)
  if (isDelegated(state.config, request.method))
    return { state, outputs: [report({ _tag: "IncomingRequest", request, toTag: fresh.tag() })] }
  switch (request.method) {
    case "OPTIONS":
      return {
        state,
        outputs: [
          sendResponse(
            respond(state.config, request, 200, {
              toTag: fresh.tag(),
              headers: [
                ["Allow", allowHeader(state.config)],
                ["Accept", state.config.accept.join(", ")],
                ["Accept-Encoding", state.config.acceptEncoding.join(", ")],
                ["Supported", state.config.supported.join(", ")],
              ],
            }),
          ),
        ],
      }
    case "REFER":
      return answer(state, request, 403, fresh.tag())
    default:
      /** §12.2.2 / §15.1.2: a request that needs a dialog and names none. */
      return answer(state, request, 481, fresh.tag())
  }
}

/** §12.2.2: "If the UAS … does not find a matching dialog … it SHOULD respond with a 481"; the ACK of a 2xx is
 * never answered. Lower CSeq → 500, terminated dialog → 481. */
const onDialogRequest = (state: UaState, request: Request, routing: Routing, nonce: string): UaStep => {
  const found = getDialogForRequest(state, request, routing)
  if (found._tag === "NoDialog")
    return request.method === "ACK" ? stay(state) : answer(state, request, 481, "")
  const { call, verdict } = found
  // an ACK the dialog refuses (it is over) may still be the ACK of a 2xx being retransmitted (§13.3.1.4)
  if (request.method === "ACK")
    return onAck(state, call, isOk(verdict) ? verdict.value : undefined, request, routing.seq, nonce)
  if (verdict._tag === "Err") return answer(state, request, verdict.error.status, "")
  return onInDialogRequest(state, call, verdict.value, request, nonce)
}

// ------------------------------------------------------------------------------------------------ responses

/** The live call a response (or a failed request) of ours belongs to: ours is the From tag. An ended call (ended.ts)
 * sent nothing that waits for an answer. */
const callOf = (state: UaState, message: Response | Request): Call | undefined => {
  const routing = routingOf(message)
  if (routing?.fromTag === undefined) return undefined
  const call = state.calls.get(callRef(routing.callId, routing.fromTag))
  return call === undefined || isEnded(call) ? undefined : call
}

const onResponse = (state: UaState, response: Response, nonce: string): UaStep => {
  const call = callOf(state, response)
  const routing = routingOf(response)
  if (call === undefined || routing === undefined) return stay(state)
  if (call.role === "UAC" && routing.method === "INVITE" && routing.seq === inviteSeq(call))
    return onInviteResponse(state, call, response, nonce)
  if (
    routing.method === "INVITE" &&
    response.status >= 200 &&
    response.status < 300 &&
    call.reinvite?.seq !== routing.seq
  )
    return onOther2xx(state, call, response)
  return onInDialogResponse(state, call, response, routing.method, nonce)
}

/** §8.1.3.1: a timeout is a 408, a transport failure a 503; in a dialog, §12.2.1.2 ends the dialog on 408. */
const onTransactionFailed = (
  state: UaState,
  request: Request,
  reason: "Timeout" | "TransportError",
  nonce: string,
): UaStep => {
  const call = callOf(state, request)
  const routing = routingOf(request)
  if (call === undefined || routing === undefined) return stay(state)
  const [status, text] = reason === "Timeout" ? [408, "Request Timeout"] : [503, "Service Unavailable"]
  if (call.role === "UAC" && routing.method === "INVITE" && routing.seq === inviteSeq(call))
    return call.phase === "Terminated" || call.phase === "Confirmed"
      ? stay(state)
      : endCall(state, call, status, text, makeFresh(nonce))
  if (call.phase === "Terminated" || request.method === "BYE" || request.method === "CANCEL")
    return stay(state)
  return dialogGone(state, call, status, text)
}

// ------------------------------------------------------------------------------------------------ timers

const onTimer = (
  state: UaState,
  timer: Extract<UaEvent, { _tag: "TimerFired" }>["timer"],
  nonce: string,
): UaStep => {
  const call = state.calls.get(timer.call)
  // an ended call has no timer running (ended.ts): a late firing finds nothing
  if (call === undefined || isEnded(call)) return stay(state)
  switch (timer._tag) {
    case "2xxRetransmit":
      return onRetransmitTimer(state, call, timer.seq, timer.attempt)
    case "2xxTimeout":
      return onAckTimeout(state, call, timer.seq, nonce)
    case "491Retry":
      return onGlareTimer(state, call, timer.seq, nonce)
  }
}

// ------------------------------------------------------------------------------------------------ commands

const onCommand = (state: UaState, command: Command): UaStep => {
  if (command._tag === "Invite") return startInvite(state, command)
  if (command._tag === "Respond") return onRespond(state, command)
  if (command._tag === "Forget") return stay(removeCall(state, command.call))
  const call = state.calls.get(command.call)
  // a command for an ended call changes nothing (ended.ts): it has no dialog to send in, nothing to answer
  if (call === undefined || isEnded(call)) return stay(state)
  switch (command._tag) {
    case "Progress":
      return progress(state, call, command)
    case "Answer":
      return accept(state, call, command)
    case "Reject":
      return reject(state, call, command)
    case "Cancel":
      return cancelInvite(state, call, command)
    case "Hangup":
      return hangup(state, call, command)
    case "Hold":
      return reinvite(state, call, { _tag: "Reinvite", call: call.ref, nonce: command.nonce }, true)
    case "Resume":
      return reinvite(state, call, { _tag: "Reinvite", call: call.ref, nonce: command.nonce }, false)
    case "Reinvite":
      return reinvite(state, call, command, call.media.held)
    case "Refer":
      return refer(state, call, command)
    case "SendInDialog":
      return send(state, call, command)
  }
}
