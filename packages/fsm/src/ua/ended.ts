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
 * So an ended call keeps its dialog (terminated) and the INVITE's identity headers, and drops the SDP, the body and
 * the other headers of the INVITE, with the typed values read from them.
 *
 * What it keeps it copies (`makeCopier`, with the codec's `ownString`): a string the codec sliced from a datagram is a view that keeps the whole
 * datagram's text (half a kilobyte) alive, for the 32 s the call is held. Lists are copied to their exact length (an
 * array grown by `push` reserves 17 slots).
 *
 * Only a UAS call with nothing pending is slimmed (no 2xx being retransmitted, no re-INVITE waiting): the UAC keeps
 * its dialog set and ACKs, which §13.2.2.4 needs for a 2xx retransmitted or forked after the end.
 *
 * Never: I/O, clocks.
 */
import { type Header, headerKey, type NameAddr, ownString, type Param, type Request } from "@sipkit/codec"
import type { Dialog } from "../dialog/index.js"
import { type Call, makeCall } from "./Call.js"
import type { UaConfig } from "./UaConfig.js"

const noBody = new Uint8Array(0)
/** The empty lists of every ended call (parameters, route sets): one shared array, never written. */
const none: ReadonlyArray<never> = []

/** An identity header: its usual spelling (an ended call names it with this shared string) and its bit. */
type Identity = readonly [usual: string, bit: number]
const via: Identity = ["Via", 1]
const from: Identity = ["From", 2]
const to: Identity = ["To", 4]
const callId: Identity = ["Call-ID", 8]
const cseq: Identity = ["CSeq", 16]
const allFive = 31

/** The identity headers by the codec's canonical key (`headerKey`: any case, compact forms expanded). */
const identityByKey = new Map([
  ["via", via],
  ["from", from],
  ["to", to],
  ["call-id", callId],
  ["cseq", cseq],
])
/** The same by their usual spellings and compact forms: most names are found without `headerKey`. */
const identityBySpelling = new Map([
  ["Via", via],
  ["v", via],
  ["From", from],
  ["f", from],
  ["To", to],
  ["t", to],
  ["Call-ID", callId],
  ["i", callId],
  ["CSeq", cseq],
])

const identityOfName = (name: string): Identity | undefined =>
  identityBySpelling.get(name) ?? identityByKey.get(headerKey(name))

/** Copies the strings of one ended call; strings that read the same share one copy (the Request-URI and the
 * local URI, the remote URI and target), and one that reads as `keep` (the configured Contact, shared by every
 * call) is `keep`. */
const makeCopier = (keep: string) => {
  const copies: Array<string> = []
  return (text: string): string => {
    if (text.length < 13) return text
    if (text === keep) return keep
    for (const copy of copies) if (copy === text) return copy
    const copy = ownString(text)
    copies.push(copy)
    return copy
  }
}
type Copier = ReturnType<typeof makeCopier>

const ownParams = (params: ReadonlyArray<Param>, own: Copier): ReadonlyArray<Param> =>
  params.length === 0
    ? none
    : params.map((p) => ({ name: own(p.name), value: p.value === undefined ? undefined : own(p.value) }))

const ownNameAddr = (nameAddr: NameAddr, own: Copier): NameAddr => ({
  displayName: nameAddr.displayName === undefined ? undefined : own(nameAddr.displayName),
  uri: own(nameAddr.uri),
  bracketed: nameAddr.bracketed,
  params: ownParams(nameAddr.params, own),
})

/** The dialog with every string its own (the same values). */
const ownDialog = (dialog: Dialog, own: Copier): Dialog => ({
  id: {
    callId: own(dialog.id.callId),
    localTag: own(dialog.id.localTag),
    remoteTag: own(dialog.id.remoteTag),
  },
  state: dialog.state,
  role: dialog.role,
  local: ownNameAddr(dialog.local, own),
  remote: ownNameAddr(dialog.remote, own),
  localSeq: dialog.localSeq,
  remoteSeq: dialog.remoteSeq,
  localTarget: dialog.localTarget === undefined ? undefined : own(dialog.localTarget),
  remoteTarget: own(dialog.remoteTarget),
  routeSet: dialog.routeSet.length === 0 ? none : dialog.routeSet.map((route) => ownNameAddr(route, own)),
  secure: dialog.secure,
})

/** The INVITE reduced to the first Via, From, To, Call-ID and CSeq fields (§9.2 matching, §8.2.2.2 routing: the
 * typed reads take the first field), in their order; the walk stops once it has all five. */
const identityOf = (invite: Request, own: Copier): Request => {
  const headers: Array<Header> = []
  let seen = 0
  for (const header of invite.headers) {
    const identity = identityOfName(header.name)
    if (identity === undefined || (seen & identity[1]) !== 0) continue
    seen |= identity[1]
    const usual = identity[0]
    headers.push({ name: header.name === usual ? usual : own(header.name), value: own(header.value) })
    if (seen === allFive) break
  }
  return {
    _tag: "Request",
    method: "INVITE",
    uri: own(invite.uri),
    version: "SIP/2.0",
    headers: headers.slice(),
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
export const endedCall = (call: Call, config: UaConfig): Call => {
  const own = makeCopier(config.contact)
  return makeCall({
    ref: call.ref,
    role: call.role,
    phase: "Terminated",
    invite: identityOf(call.invite, own),
    localTag: call.localTag,
    dialog: call.dialog === undefined ? undefined : ownDialog(call.dialog, own),
    referral: call.referral,
    notifier: call.notifier,
    replaces: call.replaces,
    subscription: call.subscription,
    ...(call.secure === undefined ? {} : { secure: call.secure }),
    ...(call.inviteKey === undefined ? {} : { inviteKey: call.inviteKey }),
    byeAfterAck: call.byeAfterAck,
  })
}
