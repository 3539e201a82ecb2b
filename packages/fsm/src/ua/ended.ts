/**
 * ended — what the UA core keeps of a UAS call once it is over, for the 64·T1 a runtime holds it before `Forget`.
 *
 * The transaction layer absorbs the retransmissions of the requests that ended the call (§17.2.1, §17.2.2: the
 * server transaction resends its last response until Timer I/J). The core is asked only about requests with a new
 * transaction, and what it answers them needs little:
 * - a request in the dialog: 481 (§12.2.2, "the UAS … does not find a matching dialog") — the dialog ID and the
 *   terminated state;
 * - a CANCEL of the INVITE: 200 with the call's To tag and no 487 (§9.2) — the INVITE's Via, From, Call-ID, CSeq
 *   and Request-URI, and the local tag;
 * - an INVITE with Replaces naming it: 603 (RFC 3891 §3) — the dialog ID again.
 * So an ended call keeps the dialog (terminated) and the INVITE's identity headers, as copies, and drops the SDP
 * and the INVITE as received. Copies, because a header value parsed from a datagram is a slice of the datagram's
 * text: keeping one would keep every byte of that text alive.
 *
 * Only a UAS call with nothing pending is slimmed (no 2xx being retransmitted, no re-INVITE waiting): the UAC keeps
 * its dialog set and ACKs, which §13.2.2.4 needs for a 2xx retransmitted or forked after the end.
 *
 * Never: I/O, clocks.
 */
import type { Header, NameAddr, Param, Request } from "@sipkit/codec"
import type { Dialog } from "../dialog/index.js"
import { type Call, makeCall } from "./Call.js"

/** How the record's strings are taken: as they are (to list them), or as copies. */
type Copy = (text: string) => string

const copyParam = (param: Param, copy: Copy): Param => ({
  name: copy(param.name),
  value: param.value === undefined ? undefined : copy(param.value),
})

const copyNameAddr = (nameAddr: NameAddr, copy: Copy): NameAddr => ({
  displayName: nameAddr.displayName === undefined ? undefined : copy(nameAddr.displayName),
  uri: copy(nameAddr.uri),
  bracketed: nameAddr.bracketed,
  params: nameAddr.params.map((param) => copyParam(param, copy)),
})

const copyDialog = (dialog: Dialog, copy: Copy): Dialog => ({
  id: {
    callId: copy(dialog.id.callId),
    localTag: copy(dialog.id.localTag),
    remoteTag: copy(dialog.id.remoteTag),
  },
  state: dialog.state,
  role: dialog.role,
  local: copyNameAddr(dialog.local, copy),
  remote: copyNameAddr(dialog.remote, copy),
  localSeq: dialog.localSeq,
  remoteSeq: dialog.remoteSeq,
  localTarget: dialog.localTarget === undefined ? undefined : copy(dialog.localTarget),
  remoteTarget: copy(dialog.remoteTarget),
  routeSet: dialog.routeSet.map((route) => copyNameAddr(route, copy)),
  secure: dialog.secure,
})

const identityHeaders = ["via", "v", "from", "f", "to", "t", "call-id", "i", "cseq"]
const noBody = new Uint8Array(0)

/** The INVITE reduced to its top Via and the From, To, Call-ID and CSeq (§9.2 matching, §8.2.2.2 routing). */
const identityOf = (invite: Request, copy: Copy): Request => {
  const headers: Array<Header> = []
  let via = false
  for (const header of invite.headers) {
    const name = header.name.toLowerCase()
    if (!identityHeaders.includes(name) || ((name === "via" || name === "v") && via)) continue
    if (name === "via" || name === "v") via = true
    headers.push({ name: copy(header.name), value: copy(header.value) })
  }
  return {
    _tag: "Request",
    method: "INVITE",
    uri: copy(invite.uri),
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

const slim = (call: Call, copy: Copy): Call =>
  makeCall({
    ref: copy(call.ref),
    role: call.role,
    phase: "Terminated",
    invite: identityOf(call.invite, copy),
    localTag: copy(call.localTag),
    dialog: call.dialog === undefined ? undefined : copyDialog(call.dialog, copy),
    referral: call.referral,
    notifier: call.notifier,
    replaces: call.replaces,
    subscription: call.subscription,
    ...(call.secure === undefined ? {} : { secure: call.secure }),
    ...(call.inviteKey === undefined ? {} : { inviteKey: copy(call.inviteKey) }),
    byeAfterAck: call.byeAfterAck,
  })

/** The call as kept once settled (`isSettled`): the same answers, a fraction of the memory. Its strings are copies
 * (one JSON round trip for all of them makes new strings): a header value read from a datagram is a view into the
 * datagram's text, and keeping one would keep all of that text. */
export const endedCall = (call: Call): Call => {
  const texts: Array<string> = []
  slim(call, (text) => {
    texts.push(text)
    return text
  })
  const copies = JSON.parse(JSON.stringify(texts)) as ReadonlyArray<string>
  let at = 0
  return slim(call, () => copies[at++] ?? "")
}
