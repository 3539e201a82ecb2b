/**
 * refer — REFER (RFC 3515) and the implicit RFC 6665 subscription it creates, on both sides.
 *
 * Transferee (receives REFER): 202 Accepted, a NOTIFY with `Event: refer`, `Subscription-State: active` and the
 * sipfrag `SIP/2.0 100 Trying`, then — when the application's new INVITE (placed with `referral`) ends — a NOTIFY
 * with the final status line and `Subscription-State: terminated;reason=noresource` (RFC 3515 §2.4.4–§2.4.5).
 * Transferor (sends REFER): the response and each NOTIFY's sipfrag status become `ReferProgress` reports.
 */
import {
  getHeader,
  getHeaderValues,
  isErr,
  parseNameAddr,
  parseUri,
  printNameAddr,
  printUri,
  type Request,
  type Response,
} from "@sipkit/codec"
import { type Dialog, makeInDialogRequest } from "../dialog/index.js"
import type { Call } from "./Call.js"
import { type Fresh, makeFresh, viaFor } from "./Fresh.js"
import { bodyText } from "./media.js"
import { respond } from "./responses.js"
import { report, sendRequest, sendResponse } from "./UaOutput.js"
import { stay, stepWith, type UaState, type UaStep } from "./UaState.js"

/** The pieces of a Refer-To value: the URI to call (without its header part) and the Replaces it asks for. */
export interface ReferTarget {
  readonly uri: string
  readonly replaces: string | undefined
}

const percentDecode = (text: string): string =>
  text.replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))

/** RFC 3515 §2.1 / RFC 3891 §3: `Refer-To: <sip:carol@example.com?Replaces=12345%40host%3Bto-tag%3D…>`. */
export const parseReferTo = (value: string): ReferTarget | undefined => {
  const nameAddr = parseNameAddr(value, "Refer-To")
  if (isErr(nameAddr)) return undefined
  const uri = parseUri(nameAddr.value.uri)
  if (isErr(uri) || uri.value._tag !== "SipUri") return { uri: nameAddr.value.uri, replaces: undefined }
  const replaces = uri.value.headers.find((h) => h.name.toLowerCase() === "replaces")?.value
  return {
    uri: printUri({ ...uri.value, headers: [] }),
    replaces: replaces === undefined ? undefined : percentDecode(replaces),
  }
}

const notify = (state: UaState, dialog: Dialog, fresh: Fresh, frag: string, subscriptionState: string) =>
  makeInDialogRequest(dialog, {
    method: "NOTIFY",
    via: viaFor(state.config.via, fresh),
    headers: [
      ["Event", "refer"],
      ["Subscription-State", subscriptionState],
    ],
    body: `${frag}\r\n`,
    contentType: "message/sipfrag",
  })

/** RFC 3515 §2.4.1: "A REFER request MUST contain exactly one Refer-To header field value" (else 400); §2.4.2:
 * "the agent … SHOULD respond with 202 Accepted"; §2.4.4: "the agent MUST … send a NOTIFY … SIP/2.0 100 Trying". */
export const onRefer = (
  state: UaState,
  call: Call,
  dialog: Dialog,
  request: Request,
  nonce: string,
): UaStep => {
  const fresh = makeFresh(nonce)
  const values = getHeaderValues(request, "Refer-To")
  const target = values.length === 1 && values[0] !== undefined ? parseReferTo(values[0]) : undefined
  if (target === undefined)
    return stepWith(state, { ...call, dialog }, [sendResponse(respond(state.config, request, 400))])
  if (call.notifier === "active")
    return stepWith(state, { ...call, dialog }, [sendResponse(respond(state.config, request, 403))])
  const accepted = respond(state.config, request, 202, { contact: dialog.localTarget ?? true })
  const first = notify(state, dialog, fresh, "SIP/2.0 100 Trying", "active;expires=60")
  if (isErr(first)) return stay(state)
  const referredBy = getHeader(request, "Referred-By") ?? printNameAddr({ ...dialog.remote, params: [] })
  const next: Call = { ...call, dialog: first.value.dialog, notifier: "active" }
  return stepWith(state, next, [
    sendResponse(accepted),
    sendRequest(first.value.request),
    report({
      _tag: "Referred",
      call: call.ref,
      referTo: target.uri,
      referredBy,
      ...(target.replaces === undefined ? {} : { replaces: target.replaces }),
    }),
  ])
}

/** RFC 3515 §2.4.5: the final NOTIFY, with the status line of the referred INVITE's final response. */
export const notifyReferral = (
  state: UaState,
  referred: Call,
  status: number,
  reason: string,
  fresh: Fresh,
): UaStep => {
  if (referred.referral === undefined) return stay(state)
  const referrer = state.calls.get(referred.referral)
  if (referrer?.notifier !== "active" || referrer.dialog === undefined) return stay(state)
  const final = notify(
    state,
    referrer.dialog,
    fresh,
    `SIP/2.0 ${status} ${reason}`,
    "terminated;reason=noresource",
  )
  if (isErr(final)) return stay(state)
  const next: Call = { ...referrer, dialog: final.value.dialog, notifier: "terminated" }
  return stepWith(state, next, [sendRequest(final.value.request)])
}

const fragStatus = (body: Uint8Array): number | undefined => {
  const match = /^SIP\/2\.0\s+(\d{3})/.exec(bodyText(body) ?? "")
  return match?.[1] === undefined ? undefined : Number(match[1])
}

/** The transferor's side: a NOTIFY of the refer subscription (RFC 3515 §2.4.4). 489 for another event package
 * (RFC 6665 §4.2.2 — only `refer` lives in an INVITE dialog here). */
export const onNotify = (state: UaState, call: Call, dialog: Dialog, request: Request): UaStep => {
  const event = (getHeader(request, "Event") ?? "").split(";")[0]?.trim().toLowerCase()
  if (event !== "refer")
    return stepWith(state, { ...call, dialog }, [sendResponse(respond(state.config, request, 489))])
  const status = fragStatus(request.body)
  const final = (getHeader(request, "Subscription-State") ?? "").trim().toLowerCase().startsWith("terminated")
  const ok = sendResponse(respond(state.config, request, 200))
  const progress =
    status === undefined ? [] : [report({ _tag: "ReferProgress", call: call.ref, status, final })]
  const subscription = final ? "terminated" : call.subscription
  return stepWith(state, { ...call, dialog, subscription }, [ok, ...progress])
}

/** The response to our REFER. */
export const onReferResponse = (state: UaState, call: Call, response: Response): UaStep => {
  if (response.status < 200 || call.subscription === "terminated") return stay(state)
  return stepWith(state, call, [
    report({ _tag: "ReferProgress", call: call.ref, status: response.status, final: response.status >= 300 }),
  ])
}
