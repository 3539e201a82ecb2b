/**
 * Call — the state a UA core keeps for one INVITE dialog usage (RFC 3261 §13–§15) and what hangs off it
 * (re-INVITE, CANCEL, the RFC 3515 REFER subscription).
 *
 * Phases, from both sides:
 *
 *   UAC: Calling ─1xx→ Proceeding ─2xx/ACK→ Confirmed ─BYE→ Terminated   (≥300 from Calling/Proceeding → Terminated)
 *   UAS: Proceeding ─2xx→ Accepted ─ACK→ Confirmed ─BYE→ Terminated      (≥300, CANCEL → 487, 64·T1 → BYE)
 */
import type { Request, Response } from "@sipkit/codec"
import type { Dialog, DialogSet } from "../dialog/index.js"
import { join2 } from "../flatJoin.js"
import type { Credentials } from "./UaConfig.js"

/** Names a call: the Call-ID and this UA's tag (the From tag of the INVITE on the UAC, the To tag on the UAS). */
export type CallRef = string

/** `Call-ID;tag`, built by `join` as one flat string (../flatJoin.ts): a template literal would keep the Call-ID, a
 * view into the datagram it was read from, and with it the whole datagram's text for as long as the call is held
 * (ended.ts). */
export const callRef = (callId: string, localTag: string): CallRef => join2(";", callId, localTag)

export type Phase = "Calling" | "Proceeding" | "Accepted" | "Confirmed" | "Terminated"

/** An ACK this UAC sent for a 2xx, repeated for every retransmission of that 2xx (§13.2.2.4). */
export interface SentAck {
  readonly remoteTag: string
  readonly seq: number
  readonly ack: Request
}

/** A 2xx this UAS retransmits until its ACK comes (§13.3.1.4): T1, 2·T1 … capped at T2. */
export interface Accepting {
  readonly response: Response
  readonly seq: number
  readonly attempt: number
  readonly interval: number
}

/** An INVITE on the established dialog that has no final response yet (§14): ours or the peer's. */
export type PendingReinvite =
  | {
      readonly role: "client"
      readonly seq: number
      readonly offer: string | undefined
      readonly held: boolean
      /** What the application asked for, to send again after a 491 (§14.1). */
      readonly retry: Retry
    }
  | { readonly role: "server"; readonly seq: number }

/** A re-INVITE to send again after a 491: the application's SDP and Contact, and whether it holds. */
export interface Retry {
  readonly sdp: string | undefined
  readonly contact: string | undefined
  readonly held: boolean
}

/** The offer/answer state (RFC 3264) as SDP text. */
export interface Media {
  /** The last SDP this UA sent (offer or answer). */
  readonly local: string | undefined
  /** The last SDP the peer sent. */
  readonly remote: string | undefined
  /** The early-media answer of a 18x (RFC 3960), with the early dialog it came from. */
  readonly early: { readonly remoteTag: string; readonly sdp: string } | undefined
  /** True while we hold the peer (our last offer was sendonly). */
  readonly held: boolean
}

export interface Call {
  readonly ref: CallRef
  readonly role: "UAC" | "UAS"
  readonly phase: Phase
  /** UAC: the INVITE as last sent (after auth or redirect retries); UAS: as received; an ended UAS call (ended.ts):
   * an empty INVITE (it no longer holds its own). */
  readonly invite: Request
  readonly localTag: string
  /** UAC: every dialog the INVITE created (forking, §12.1.2). */
  readonly dialogs: DialogSet | undefined
  /** The dialog of the session: UAC: the confirmed one; UAS: created with the first tagged response, and none once
   * the call ended with nothing pending (ended.ts). */
  readonly dialog: Dialog | undefined
  /** §9.1: a CANCEL waits for a provisional response. */
  readonly cancel: "none" | "pending" | "sent"
  readonly acks: ReadonlyArray<SentAck>
  readonly accepting: Accepting | undefined
  readonly reinvite: PendingReinvite | undefined
  readonly media: Media
  /** `realm nonce` of the challenges already answered: one retry per challenge (§22.2). */
  readonly challenges: ReadonlyArray<string>
  /** §8.1.3.4 recursion: whether to follow 3xx and the targets already tried. */
  readonly redirect: { readonly follow: boolean; readonly tried: ReadonlyArray<string> }
  /** This call was placed for a REFER accepted in that call: its outcome is NOTIFYed there (RFC 3515 §2.4.5). */
  readonly referral: CallRef | undefined
  /** The implicit subscription of a REFER we accepted in this dialog (RFC 3515 §2.4.4, RFC 6665). */
  readonly notifier: "active" | "terminated" | undefined
  /** §14.1: our re-INVITE got 491; it goes again when the `491Retry` timer for `seq` fires. */
  readonly glare: (Retry & { readonly seq: number }) | undefined
  /** RFC 3891: the call this one replaces, ended with a BYE once this one is confirmed. */
  readonly replaces: CallRef | undefined
  /** The subscription of a REFER we sent in this dialog: "terminated" once its final NOTIFY came. */
  readonly subscription: "pending" | "terminated" | undefined
  /** UAS: the INVITE arrived over TLS (§12.1.1: with a SIPS Request-URI its dialog is secure). */
  readonly secure?: boolean | undefined
  /** UAS: Call-ID, From tag and CSeq number of the INVITE (the state's index of incoming calls). */
  readonly inviteKey?: string | undefined
  /** UAC: the credentials of this call's `Invite`, else the configuration's (§22.2). */
  readonly credentials: Credentials | undefined
  /** §15: "the callee's UA MUST NOT send a BYE on a confirmed dialog until it has received an ACK for its 2xx". */
  readonly byeAfterAck: boolean
}

const noMedia: Media = { local: undefined, remote: undefined, early: undefined, held: false }
/** Shared by every call that has none (the records are never mutated). */
const none: ReadonlyArray<never> = []
const noRedirect: Call["redirect"] = { follow: false, tried: none }

/** A call whose fields a step sets before it stores the call (a fresh record: nobody else holds it yet). */
export type CallDraft = { -readonly [K in keyof Call]: Call[K] }

/** A copy of `call` to change field by field before it is stored: the same as `{ ...call }`, which took V8's generic
 * object-clone path once the spread had seen calls of more than one shape (UAC, UAS, ended). Every field is in the
 * literal, `secure` and `inviteKey` too (`undefined` on a UAC call): added after it, they took an out-of-object
 * property array per copy (~5 a UAS call), and UAC and UAS calls were two shapes to every read of a call. */
export const copyCall = (call: Call): CallDraft => {
  const copy: CallDraft = {
    ref: call.ref,
    role: call.role,
    phase: call.phase,
    invite: call.invite,
    localTag: call.localTag,
    dialogs: call.dialogs,
    dialog: call.dialog,
    cancel: call.cancel,
    acks: call.acks,
    accepting: call.accepting,
    reinvite: call.reinvite,
    media: call.media,
    challenges: call.challenges,
    redirect: call.redirect,
    referral: call.referral,
    notifier: call.notifier,
    subscription: call.subscription,
    replaces: call.replaces,
    glare: call.glare,
    byeAfterAck: call.byeAfterAck,
    credentials: call.credentials,
    secure: call.secure,
    inviteKey: call.inviteKey,
  }
  return copy
}

/** A call with `init`'s fields and the defaults for the rest. Built field by field: a spread of `init` after the
 * defaults took V8's generic property-copy path (a new call is made twice per UAS call: INVITE and end). The same
 * fields in the same order as `copyCall`'s: one shape for every call. */
export const makeCall = (
  init: Pick<Call, "ref" | "role" | "phase" | "invite" | "localTag"> & Partial<Call>,
): Call => {
  const call: CallDraft = {
    ref: init.ref,
    role: init.role,
    phase: init.phase,
    invite: init.invite,
    localTag: init.localTag,
    dialogs: init.dialogs,
    dialog: init.dialog,
    cancel: init.cancel ?? "none",
    acks: init.acks ?? none,
    accepting: init.accepting,
    reinvite: init.reinvite,
    media: init.media ?? noMedia,
    challenges: init.challenges ?? none,
    redirect: init.redirect ?? noRedirect,
    referral: init.referral,
    notifier: init.notifier,
    subscription: init.subscription,
    replaces: init.replaces,
    glare: init.glare,
    byeAfterAck: init.byeAfterAck ?? false,
    credentials: init.credentials,
    secure: init.secure,
    inviteKey: init.inviteKey,
  }
  return call
}
