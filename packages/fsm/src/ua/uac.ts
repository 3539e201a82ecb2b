/**
 * uac — the UAC core for the INVITE of a call (RFC 3261 §8.1, §13.2): sending it, the responses to it, the ACK
 * for every 2xx, unwanted forks, CANCEL (§9.1), digest retries (§22.2) and 3xx recursion (§8.1.3.4).
 *
 * The INVITE client transaction below it retransmits the INVITE and ACKs non-2xx finals (§17.1.1.3); this core
 * ACKs 2xx itself (§13.2.2.4), for the first 2xx, its retransmissions, and the 2xx of every other fork.
 */
import {
  getContacts,
  getCSeq,
  getParam,
  isErr,
  makeRequest,
  type Request,
  type Response,
  reasonPhrase,
  setHeader,
} from "@sipkit/codec"
import {
  type Dialog,
  onResponse as dialogSetOnResponse,
  failAll,
  makeAck,
  makeDialogSet,
  makeInDialogRequest,
} from "../dialog/index.js"
import { authorize } from "./auth.js"
import { type Call, callRef, makeCall } from "./Call.js"
import { makeCancel } from "./cancel.js"
import { type Fresh, makeFresh, viaFor } from "./Fresh.js"
import { answer, bodyText, offer } from "./media.js"
import { routingOf, uriOf } from "./readers.js"
import { notifyReferral } from "./refer.js"
import { allowHeader, supportedHeader } from "./UaConfig.js"
import type { Cancel, Invite } from "./UaEvent.js"
import { report, sendAck, sendRequest, type UaOutput } from "./UaOutput.js"
import { andThen, stay, stepWith, type UaState, type UaStep } from "./UaState.js"

/** §13.2.1: the INVITE of a new call, with Contact, Allow, Supported and the offer (if any). */
export const startInvite = (state: UaState, command: Invite): UaStep => {
  const { config } = state
  const fresh = makeFresh(command.nonce)
  const uri = command.uri ?? uriOf(command.to)
  const sdp = offer(config, command.sdp, undefined)
  const request = makeRequest({
    method: "INVITE",
    uri,
    headers: [
      ["Via", viaFor(config.via, fresh)],
      ["Max-Forwards", String(config.maxForwards)],
      ...(command.route ?? []).map((route) => ["Route", route] as const),
      ["From", `${command.from};tag=${command.fromTag}`],
      ["To", command.to],
      ["Call-ID", command.callId],
      ["CSeq", "1 INVITE"],
      ["Contact", `<${command.contact ?? config.contact}>`],
      ["Allow", allowHeader(config)],
      ["Supported", supportedHeader(config)],
      ...(command.referredBy === undefined ? [] : [["Referred-By", command.referredBy] as const]),
      ...(command.replaces === undefined ? [] : [["Replaces", command.replaces] as const]),
      ...(command.headers ?? []),
      ...(sdp === undefined ? [] : [["Content-Type", "application/sdp"] as const]),
    ],
    ...(sdp === undefined ? {} : { body: sdp }),
  })
  const call = makeCall({
    ref: callRef(command.callId, command.fromTag),
    role: "UAC",
    phase: "Calling",
    invite: request,
    localTag: command.fromTag,
    dialogs: makeDialogSet(request, sipsOverTls),
    redirect: { follow: command.followRedirects ?? config.followRedirects, tried: [uri] },
    referral: command.referral,
    media: { local: sdp, remote: undefined, early: undefined, held: false },
    credentials: command.credentials,
  })
  return stepWith(state, call, [sendRequest(request)])
}

const seqOf = (message: Request | Response): number => {
  const cseq = getCSeq(message)
  return isErr(cseq) ? 0 : cseq.value.seq
}

export const inviteSeq = (call: Call): number => seqOf(call.invite)

/** §9.1: "If no provisional response has been received, the CANCEL request MUST NOT be sent; rather, the client
 * MUST wait for the arrival of a provisional response before sending the request." */
export const cancelInvite = (state: UaState, call: Call, _command?: Cancel): UaStep => {
  if (call.role !== "UAC" || call.cancel !== "none") return stay(state)
  if (call.phase === "Calling") return stepWith(state, { ...call, cancel: "pending" }, [])
  if (call.phase !== "Proceeding") return stay(state)
  return stepWith(state, { ...call, cancel: "sent" }, [sendRequest(makeCancel(call.invite))])
}

/** A response to the call's INVITE (the initial one, or a retry of it after 401/407/3xx). */
export const onInviteResponse = (state: UaState, call: Call, response: Response, nonce: string): UaStep => {
  const fresh = makeFresh(nonce)
  if (response.status < 200) return onProvisional(state, call, response)
  if (response.status < 300) return onSuccess(state, call, response, fresh)
  return onFailure(state, call, response, fresh)
}

const onProvisional = (state: UaState, call: Call, response: Response): UaStep => {
  if (call.dialogs === undefined || call.phase === "Terminated") return stay(state)
  const result = dialogSetOnResponse(call.dialogs, response)
  const dialogs = isErr(result) ? call.dialogs : result.value.set
  const early =
    result._tag === "Ok" && result.value.change._tag === "Early" ? result.value.change.dialog : undefined
  const sdp = bodyText(response.body)
  const media =
    early !== undefined && sdp !== undefined
      ? { ...call.media, early: { remoteTag: early.id.remoteTag, sdp } }
      : call.media
  // a provisional that arrives late (after the 2xx, reordered) must not take the call back to Proceeding
  const phase = call.phase === "Calling" ? "Proceeding" : call.phase
  const next: Call = { ...call, dialogs, media, phase }
  const ringing =
    response.status === 100 || call.phase === "Confirmed"
      ? []
      : [
          report({
            _tag: "Ringing",
            call: call.ref,
            status: response.status,
            ...(sdp === undefined ? {} : { sdp }),
          }),
        ]
  const step = stepWith(state, next, ringing)
  return call.cancel === "pending" ? andThen(step, (s) => cancelInvite(s, { ...next, cancel: "none" })) : step
}

/** The ACK for a 2xx of the INVITE (§13.2.2.4); when the 2xx carries an offer (our INVITE had none) the ACK
 * carries the answer. */
const ackFor = (state: UaState, call: Call, dialog: Dialog, response: Response, fresh: Fresh): Request => {
  const theirs = bodyText(response.body)
  const mine =
    call.media.local === undefined && theirs !== undefined
      ? answer(state.config, undefined, theirs, undefined)
      : undefined
  const body = mine !== undefined && mine._tag === "Ok" ? mine.value : undefined
  return makeAck(dialog, seqOf(response), {
    via: viaFor(state.config.via, fresh),
    ...(body === undefined ? {} : { body, contentType: "application/sdp" }),
  })
}

/**
 * §13.2.2.4: "The UAC core MUST generate an ACK request for each 2xx received from the transaction layer." The
 * first 2xx of a live call makes the session; a 2xx of another fork, or one that crossed our CANCEL, is ACKed and
 * then ended with a BYE ("the UAC core … SHOULD … terminate the dialog by sending a BYE").
 */
const onSuccess = (state: UaState, call: Call, response: Response, fresh: Fresh): UaStep => {
  const resent = resendAck(call, response)
  if (resent !== undefined) return stepWith(state, call, [resent])
  if (call.dialogs === undefined) return stay(state)
  const result = dialogSetOnResponse(call.dialogs, response)
  if (isErr(result) || result.value.change._tag !== "Confirmed") return stay(state)
  const dialog = result.value.change.dialog
  const ack = ackFor(state, call, dialog, response, fresh)
  const acks = [...call.acks, { remoteTag: dialog.id.remoteTag, seq: seqOf(response), ack }]
  const withDialogs: Call = { ...call, dialogs: result.value.set, acks }
  const wanted = call.dialog === undefined && call.phase !== "Terminated" && call.cancel === "none"
  if (!wanted) return byeUnwanted(state, withDialogs, dialog, ack, fresh)
  return establish(state, { ...withDialogs, dialog }, response, ack, fresh)
}

/** A 2xx to an INVITE of this call that is neither the initial one nor a pending re-INVITE: the retransmission of
 * a 2xx already ACKed gets that ACK again (§13.2.2.4); anything else is stale and ignored. */
export const onOther2xx = (state: UaState, call: Call, response: Response): UaStep => {
  const resent = resendAck(call, response)
  return resent === undefined ? stay(state) : stepWith(state, call, [resent])
}

const resendAck = (call: Call, response: Response): UaOutput | undefined => {
  const seq = seqOf(response)
  const tag = toTagOf(response)
  const sent = call.acks.find((a) => a.seq === seq && a.remoteTag === tag)
  return sent === undefined ? undefined : sendAck(sent.ack)
}

const toTagOf = (response: Response): string | undefined => routingOf(response)?.toTag

const establish = (state: UaState, call: Call, response: Response, ack: Request, fresh: Fresh): UaStep => {
  const theirs = bodyText(response.body)
  const early = call.media.early?.remoteTag === call.dialog?.id.remoteTag ? call.media.early?.sdp : undefined
  const ackBody = bodyText(ack.body)
  const media = {
    ...call.media,
    remote: theirs ?? early ?? call.media.remote,
    local: ackBody ?? call.media.local,
  }
  const next: Call = { ...call, phase: "Confirmed", media }
  const established = report({
    _tag: "Established",
    call: call.ref,
    ...(media.local === undefined ? {} : { localSdp: media.local }),
    ...(media.remote === undefined ? {} : { remoteSdp: media.remote }),
  })
  const step = stepWith(state, next, [sendAck(ack), established])
  return andThen(step, (s) => notifyReferral(s, next, response.status, response.reason, fresh))
}

const byeUnwanted = (state: UaState, call: Call, dialog: Dialog, ack: Request, fresh: Fresh): UaStep => {
  const bye = makeInDialogRequest(dialog, { method: "BYE", via: viaFor(state.config.via, fresh) })
  const outputs: Array<UaOutput> = [sendAck(ack)]
  if (bye._tag === "Ok") outputs.push(sendRequest(bye.value.request))
  const crossedCancel = call.dialog === undefined && call.phase !== "Terminated"
  if (!crossedCancel) return stepWith(state, call, outputs)
  const ended = report({
    _tag: "Ended",
    call: call.ref,
    status: 487,
    reason: "Request Terminated",
    by: "local",
  })
  return stepWith(state, { ...call, phase: "Terminated" }, [...outputs, ended])
}

/** A final response ≥ 300: retry with credentials, follow a redirect, or end the call. */
const onFailure = (state: UaState, call: Call, response: Response, fresh: Fresh): UaStep => {
  if (call.phase === "Terminated" || call.dialogs === undefined) return stay(state)
  const failed: Call = { ...call, dialogs: failAll(call.dialogs).set }
  const retry = call.cancel === "none" ? retryInvite(state, failed, response, fresh) : undefined
  if (retry !== undefined) return retry
  return endCall(state, failed, response.status, response.reason || reasonPhrase(response.status), fresh)
}

/** The call failed before it was established (final ≥ 300, Timer B, transport error). */
export const endCall = (state: UaState, call: Call, status: number, reason: string, fresh: Fresh): UaStep => {
  const next: Call = { ...call, phase: "Terminated" }
  const step = stepWith(state, next, [
    report({ _tag: "Ended", call: call.ref, status, reason, by: "remote" }),
  ])
  return andThen(step, (s) => notifyReferral(s, next, status, reason, fresh))
}

const retryInvite = (state: UaState, call: Call, response: Response, fresh: Fresh): UaStep | undefined => {
  if (response.status === 401 || response.status === 407)
    return retryWithCredentials(state, call, response, fresh)
  if (response.status >= 300 && response.status < 400 && call.redirect.follow)
    return followRedirect(state, call, response, fresh)
  return undefined
}

/** The INVITE again with a new branch and the next CSeq (§22.2, §8.1.3.4), optionally to a new target. */
const reissue = (
  state: UaState,
  call: Call,
  fresh: Fresh,
  uri: string,
  extra: ReadonlyArray<readonly [string, string]>,
) => {
  let request: Request = { ...call.invite, uri }
  request = setHeader(request, "Via", viaFor(state.config.via, fresh))
  request = setHeader(request, "CSeq", `${seqOf(call.invite) + 1} INVITE`)
  for (const [name, value] of extra) request = setHeader(request, name, value)
  const next: Call = { ...call, invite: request, dialogs: makeDialogSet(request, sipsOverTls) }
  return stepWith(state, { ...next, phase: "Calling" }, [sendRequest(request)])
}

/** §12.1.2: "If the request was sent over TLS, and the Request-URI contained a SIPS URI, the 'secure' flag is set to
 * TRUE." A SIPS URI asks for TLS on every hop (§26.2.2), and a runtime resolves it to TLS targets only (RFC 3263),
 * so a SIPS INVITE is taken as sent over TLS; a SIP one never makes a secure dialog either way. */
const sipsOverTls = { transportSecure: true } as const

/** A server that keeps inventing nonces cannot keep the call retrying forever. */
const maxChallenges = 3

/** §22.2: "When a UAC resubmits a request with its credentials after receiving a 401 … or 407 … it MUST increment
 * the CSeq header field value as it would normally when sending an updated request." One retry per challenge: a
 * second challenge with a nonce already answered ends the call. */
const retryWithCredentials = (
  state: UaState,
  call: Call,
  response: Response,
  fresh: Fresh,
): UaStep | undefined => {
  const credentials = call.credentials ?? state.config.credentials
  if (credentials === undefined || call.challenges.length >= maxChallenges) return undefined
  const authorized = authorize(response, call.invite, credentials, fresh.tag())
  if (authorized === undefined || call.challenges.includes(authorized.challenge)) return undefined
  const next: Call = { ...call, challenges: [...call.challenges, authorized.challenge] }
  return reissue(state, next, fresh, call.invite.uri, [authorized.header])
}

/** §8.1.3.4: "the client SHOULD use the Contact URIs to retry", highest q first, never a target twice. */
const followRedirect = (state: UaState, call: Call, response: Response, fresh: Fresh): UaStep | undefined => {
  const contacts = getContacts(response)
  if (isErr(contacts) || contacts.value === "*") return undefined
  const q = (params: ReadonlyArray<{ name: string; value: string | undefined }>) =>
    Number.parseFloat(getParam(params, "q") ?? "1") || 0
  const targets = [...contacts.value].sort((a, b) => q(b.params) - q(a.params)).map((c) => c.uri)
  const target = targets.find((uri) => !call.redirect.tried.includes(uri))
  if (target === undefined) return undefined
  const next: Call = { ...call, redirect: { ...call.redirect, tried: [...call.redirect.tried, target] } }
  return reissue(state, next, fresh, target, [])
}
