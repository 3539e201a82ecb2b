/**
 * ended — what the UA core keeps of a UAS call once it is over, for the 64·T1 a runtime holds it before `Forget`.
 *
 * The transaction layer absorbs the retransmissions of the requests that ended the call: the BYE's non-INVITE
 * server transaction resends its 200 until Timer J (§17.2.2), the INVITE's server transaction absorbs the INVITE
 * until Timer L (RFC 6026 §7.1, Accepted) or Timer I. The core is asked only about requests with a new transaction,
 * and what it answers them needs little:
 * - a request in the dialog: 481 (§12.2.2, "the UAS … does not find a matching dialog") — no dialog at all;
 * - a CANCEL of the INVITE: 200 with the call's To tag and no 487 (§9.2). The CANCEL's own Via, From, To, Call-ID
 *   and CSeq make the 200 (§8.2.6.2); what it is matched against (the top Via branch, Call-ID, From tag, CSeq number
 *   and Request-URI of the INVITE, what §17.2.3 amounts to for a UA, `cancels` in cancel.ts) is the index key (Call-ID,
 *   From tag, CSeq number), the Call-ID, and one string of the branch and Request-URI;
 * - an INVITE with Replaces naming it: 603 (RFC 3891 §3) — the dialog ID: the Call-ID and local tag are the call's
 *   ref, the remote tag (the INVITE's From tag) is in the index key;
 * - a response, a timer, a command: nothing (the live record answered none of them once ended with nothing pending).
 *
 * So an ended call is one `EndedCall`: the ref and the index key the state's two maps already hold as their keys
 * (`Call-ID;local tag`, `Call-ID From-tag CSeq`), the length of the local tag, and the `branch Request-URI` string —
 * four fields, one string of its own, none of them a view of a datagram (each is a `join`, a flat copy). The
 * INVITE, its header records, the dialog and its name-addrs, the SDP are all let go. It reads as a `Call` (the
 * runtime reads `phase`, `dialog`, `ref` of every call it is told about): the fields it does not hold are getters
 * answering what a call that ended with nothing pending holds (`Terminated`, no dialog, no media, an empty INVITE).
 * Ua.ts answers the responses, timers and commands for an ended call with nothing before any handler of live calls
 * sees it (a spread `{ ...call }` copies own fields only: no handler may copy an `EndedCall` that way); the requests
 * that name it reach only the reads above (`callForInvite` and `isCancelledBy` in uas.ts's CANCEL, `isDialog` in
 * replaces.ts, `hasRemoteTag` in answers.ts).
 *
 * Only a UAS call with nothing pending is ended so (no 2xx being retransmitted, no re-INVITE waiting): the UAC keeps
 * its dialog set and ACKs, which §13.2.2.4 needs for a 2xx retransmitted or forked after the end.
 *
 * Never: I/O, clocks.
 */
import { getCallId, getTopViaBranch, isErr, type Request } from "@sipkit/codec"
import type { Dialog, DialogSet } from "../dialog/index.js"
import { join2 } from "../flatJoin.js"
import type { Accepting, Call, CallRef, Media, PendingReinvite, Retry, SentAck } from "./Call.js"
import type { Credentials } from "./UaConfig.js"

/** The empty lists of every ended call: one shared array, never written. */
const none: ReadonlyArray<never> = []
const noMedia: Media = { local: undefined, remote: undefined, early: undefined, held: false }
const noRedirect: Call["redirect"] = { follow: false, tried: none }
/** What `invite` reads on an ended call: the INVITE is no longer held. One record for every ended call. */
const noInvite: Request = {
  _tag: "Request",
  method: "INVITE",
  uri: "",
  version: "SIP/2.0",
  headers: none,
  body: new Uint8Array(0),
}

/** Whether `text` has `part` at `at` and ends there (`startsWith` at a position, then the length): no slice. */
const isAt = (text: string, part: string, at: number, end: number): boolean =>
  end - at === part.length && text.startsWith(part, at)

/** A UAS call that ended with nothing pending (`isSettled`), as the core keeps it until `Forget`. */
export class EndedCall implements Call {
  /** `Call-ID;local tag` (`callRef`): the key of the state's `calls` entry, the same string. */
  readonly ref: CallRef
  /** `Call-ID From-tag CSeq-number` (`inviteKeyOf`): the key of the state's `invites` entry, the same string. */
  readonly inviteKey: string
  /** The length of the local tag at the end of `ref`. */
  readonly tagLength: number
  /** `branch Request-URI` of the INVITE (§9.2), undefined when its top Via could not be read (no CANCEL matches). */
  readonly cancelMatch: string | undefined

  constructor(ref: CallRef, inviteKey: string, tagLength: number, cancelMatch: string | undefined) {
    this.ref = ref
    this.inviteKey = inviteKey
    this.tagLength = tagLength
    this.cancelMatch = cancelMatch
  }

  get role(): "UAS" {
    return "UAS"
  }
  get phase(): "Terminated" {
    return "Terminated"
  }
  get invite(): Request {
    return noInvite
  }
  /** The To tag of every response the call sent (read from `ref` when asked: a CANCEL's 200). */
  get localTag(): string {
    return this.ref.slice(this.ref.length - this.tagLength)
  }
  get dialogs(): DialogSet | undefined {
    return undefined
  }
  /** None: the dialog ended (§12.2.2 answers a request in it with 481, as when no dialog matches). */
  get dialog(): Dialog | undefined {
    return undefined
  }
  get cancel(): "none" {
    return "none"
  }
  get acks(): ReadonlyArray<SentAck> {
    return none
  }
  get accepting(): Accepting | undefined {
    return undefined
  }
  get reinvite(): PendingReinvite | undefined {
    return undefined
  }
  get media(): Media {
    return noMedia
  }
  get challenges(): ReadonlyArray<string> {
    return none
  }
  get redirect(): Call["redirect"] {
    return noRedirect
  }
  get referral(): CallRef | undefined {
    return undefined
  }
  get notifier(): "active" | "terminated" | undefined {
    return undefined
  }
  get glare(): (Retry & { readonly seq: number }) | undefined {
    return undefined
  }
  get replaces(): CallRef | undefined {
    return undefined
  }
  get subscription(): "pending" | "terminated" | undefined {
    return undefined
  }
  get credentials(): Credentials | undefined {
    return undefined
  }
  get byeAfterAck(): boolean {
    return false
  }

  /** The length of the Call-ID at the start of `ref` and of `inviteKey`. */
  #callIdLength(): number {
    return this.ref.length - this.tagLength - 1
  }

  /** Whether the dialog's Call-ID is `callId`. */
  isCallId(callId: string): boolean {
    return isAt(this.ref, callId, 0, this.#callIdLength())
  }

  /** Whether the dialog's remote tag (the INVITE's From tag, "" when it had none) is `tag`. */
  hasRemoteTag(tag: string): boolean {
    const key = this.inviteKey
    return isAt(key, tag, this.#callIdLength() + 1, key.lastIndexOf(" "))
  }

  /** Whether the dialog's ID is (`callId`, `localTag`, `remoteTag`) (RFC 3891 §3). */
  isDialog(callId: string, localTag: string, remoteTag: string): boolean {
    return (
      this.isCallId(callId) &&
      isAt(this.ref, localTag, this.ref.length - this.tagLength, this.ref.length) &&
      this.hasRemoteTag(remoteTag)
    )
  }

  /** §9.2 for a CANCEL the state's index found by this call's key (Call-ID, From tag, CSeq number): the same
   * Call-ID, top Via branch and Request-URI as the INVITE (`cancels` in cancel.ts, on what was kept of it). */
  isCancelledBy(cancel: Request): boolean {
    const match = this.cancelMatch
    const top = getTopViaBranch(cancel)
    const callId = getCallId(cancel)
    if (match === undefined || isErr(top) || isErr(callId) || !this.isCallId(callId.value)) return false
    const branch = top.value ?? ""
    const uri = cancel.uri
    return (
      isAt(match, branch, 0, match.length - uri.length - 1) &&
      match.charCodeAt(branch.length) === 32 &&
      match.endsWith(uri)
    )
  }
}

/** A UAS call that ended with nothing pending: only what the requests that may still come need. */
export const isSettled = (call: Call): boolean =>
  call.role === "UAS" &&
  call.phase === "Terminated" &&
  call.accepting === undefined &&
  call.reinvite === undefined &&
  call.glare === undefined

/** Whether the call is kept as `endedCall` makes it. */
export const isEnded = (call: Call): call is EndedCall => call instanceof EndedCall

/** `branch Request-URI` of the INVITE, one flat string (`join`: not a view of the datagram). The branch read in place
 * (`getTopViaBranch`: `viaBranch(getTopVia(…))` and its errors, without building the Via). */
const matchOf = (invite: Request): string | undefined => {
  const branch = getTopViaBranch(invite)
  return isErr(branch) ? undefined : join2(" ", branch.value ?? "", invite.uri)
}

/** The call as kept once settled (`isSettled`): the same answers, a fraction of the memory. A call whose ref does
 * not end with its local tag, or that has no index key, is kept as it is (every UAS call has both). */
export const endedCall = (call: Call): Call => {
  const { ref, inviteKey, localTag } = call
  const at = ref.length - localTag.length
  if (inviteKey === undefined || at < 1 || ref.charCodeAt(at - 1) !== 59 || !ref.endsWith(localTag))
    return call
  return new EndedCall(ref, inviteKey, localTag.length, matchOf(call.invite))
}

/** Whether `call`'s dialog has this remote tag (§12.2.2: with its Call-ID and local tag in the call's ref). */
export const hasRemoteTag = (call: Call, tag: string): boolean =>
  isEnded(call) ? call.hasRemoteTag(tag) : call.dialog?.id.remoteTag === tag

/** Whether `call`'s dialog, live or ended, has this ID (RFC 3891 §3). */
export const isDialog = (call: Call, callId: string, localTag: string, remoteTag: string): boolean => {
  if (isEnded(call)) return call.isDialog(callId, localTag, remoteTag)
  const id = call.dialog?.id
  return id !== undefined && id.callId === callId && id.localTag === localTag && id.remoteTag === remoteTag
}
