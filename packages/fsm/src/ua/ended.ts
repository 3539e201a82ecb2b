/**
 * ended — what the UA core keeps of a UAS call once it is over, for the 64·T1 a runtime holds it before `Forget`.
 *
 * The transaction layer absorbs the retransmissions of the requests that ended the call: the BYE's non-INVITE
 * server transaction resends its 200 until Timer J (§17.2.2), the INVITE's server transaction absorbs the INVITE
 * until Timer L (RFC 6026 §7.1, Accepted) or Timer I. The core is asked only about requests with a new transaction,
 * and what it answers them needs little:
 * - a request in the dialog: 481 (§12.2.2, "the UAS … does not find a matching dialog") — the dialog ID and the
 *   terminated state;
 * - a CANCEL of the INVITE: 200 with the call's To tag and no 487 (§9.2) — the INVITE's Via, From, Call-ID, CSeq
 *   and Request-URI, and the local tag;
 * - an INVITE with Replaces naming it: 603 (RFC 3891 §3) — the dialog ID again.
 * So an ended call keeps its dialog (terminated; the object it already had, so nothing new is made) and the
 * INVITE's identity headers, and drops the SDP, the body
 * and the other headers of the INVITE, with the typed values read from them. (The strings it keeps are views into
 * the text of the INVITE's header section, which stays in memory with them: half a kilobyte, cheaper to hold
 * than to copy each string out of it.)
 *
 * Only a UAS call with nothing pending is slimmed (no 2xx being retransmitted, no re-INVITE waiting): the UAC keeps
 * its dialog set and ACKs, which §13.2.2.4 needs for a 2xx retransmitted or forked after the end.
 *
 * Never: I/O, clocks.
 */
import { type Header, headerKey, type Request } from "@sipkit/codec"
import { type Call, makeCall } from "./Call.js"

/** The identity headers by the codec's canonical key (`headerKey`: any case, compact forms expanded); `true` for
 * Via. */
const identityByKey = new Map([
  ["via", true],
  ["from", false],
  ["to", false],
  ["call-id", false],
  ["cseq", false],
])
const noBody = new Uint8Array(0)

/** The INVITE reduced to its top Via and the From, To, Call-ID and CSeq (§9.2 matching, §8.2.2.2 routing). */
const identityOf = (invite: Request): Request => {
  const headers: Array<Header> = []
  let via = false
  for (const header of invite.headers) {
    const isVia = identityByKey.get(headerKey(header.name))
    if (isVia === undefined || (isVia && via)) continue
    via ||= isVia
    headers.push({ name: header.name, value: header.value })
  }
  return {
    _tag: "Request",
    method: "INVITE",
    uri: invite.uri,
    version: "SIP/2.0",
    headers,
    body: noBody,
  }
}

/** A UAS call that ended with nothing pending: only what the requests that may still come need. */
export const isSettled = (call: Call): boolean =>
  call.role === "UAS" &&
  call.phase === "Terminated" &&
  call.accepting === undefined &&
  call.reinvite === undefined &&
  call.glare === undefined

/** Whether the call is already as `endedCall` keeps it: its INVITE is the identity made here (no other message
 * carries this module's empty body). */
export const isEnded = (call: Call): boolean => call.invite.body === noBody

/** The call as kept once settled (`isSettled`): the same answers, a fraction of the memory. */
export const endedCall = (call: Call): Call =>
  makeCall({
    ref: call.ref,
    role: call.role,
    phase: "Terminated",
    invite: identityOf(call.invite),
    localTag: call.localTag,
    dialog: call.dialog,
    referral: call.referral,
    notifier: call.notifier,
    replaces: call.replaces,
    subscription: call.subscription,
    ...(call.secure === undefined ? {} : { secure: call.secure }),
    ...(call.inviteKey === undefined ? {} : { inviteKey: call.inviteKey }),
    byeAfterAck: call.byeAfterAck,
  })
