/**
 * UaEvent — everything that can happen to a UA core: a message from the transaction layer, a timer, or a
 * command of the application.
 *
 * Every event carries `nonce`, a fresh random token from the runtime (at least 32 random bits, §19.3): the
 * core derives the tags and branches it needs in this step from it. The core itself has no randomness.
 */
import type { Request, Response } from "@sipkit/codec"
import type { CallRef } from "./Call.js"
import type { Credentials } from "./UaConfig.js"

/** A request from the transaction layer: a new server transaction's request, or an ACK for a 2xx (which no
 * transaction absorbs, §17.2.1 / RFC 6026). */
export interface RequestReceived {
  readonly _tag: "RequestReceived"
  readonly request: Request
  /** It arrived over TLS (or WSS): with a SIPS Request-URI the dialog it creates is secure (§12.1.1). */
  readonly secure?: boolean
  readonly nonce: string
}

/** A response from a client transaction: every provisional and final response, and (RFC 6026) every 2xx
 * retransmission of an INVITE. */
export interface ResponseReceived {
  readonly _tag: "ResponseReceived"
  readonly response: Response
  readonly nonce: string
}

/** A client transaction ended without a final response: Timer B/F (a 408, §8.1.3.1) or a transport error
 * (a 503, §8.1.3.1). */
export interface TransactionFailed {
  readonly _tag: "TransactionFailed"
  readonly request: Request
  readonly reason: "Timeout" | "TransportError"
  readonly nonce: string
}

/** The UA core's own timers: the 2xx retransmission of §13.3.1.4 and its 64·T1 give-up, and the glare back-off
 * of §14.1. `seq` is the CSeq of
 * the INVITE whose 2xx is retransmitted and `attempt` counts the retransmissions, so a stale firing is a no-op. */
export type UaTimer =
  | { readonly _tag: "2xxRetransmit"; readonly call: CallRef; readonly seq: number; readonly attempt: number }
  | { readonly _tag: "2xxTimeout"; readonly call: CallRef; readonly seq: number }
  /** §14.1: send a re-INVITE refused with 491 (CSeq `seq`) again. */
  | { readonly _tag: "491Retry"; readonly call: CallRef; readonly seq: number }

export interface TimerFired {
  readonly _tag: "TimerFired"
  readonly timer: UaTimer
  readonly nonce: string
}

// ------------------------------------------------------------------------------------------ application commands

/** Place a call (§13.2.1). The Call-ID and From tag come from the application; the call is `callRef(callId, fromTag)`. */
export interface Invite {
  readonly _tag: "Invite"
  readonly callId: string
  readonly fromTag: string
  /** The caller, a name-addr without tag: `"Alice" <sip:alice@example.com>`. */
  readonly from: string
  /** The callee, a name-addr without tag. */
  readonly to: string
  /** The Request-URI; default the URI of `to`. */
  readonly uri?: string
  /** The SDP offer; default one made from `config.session`. */
  readonly sdp?: string
  readonly headers?: ReadonlyArray<readonly [string, string]>
  /** This INVITE answers a REFER we accepted in `referral` (RFC 3515): its outcome is NOTIFYed there. */
  readonly referral?: CallRef
  /** RFC 3892 Referred-By value to carry. */
  readonly referredBy?: string
  /** RFC 3891 Replaces value to carry (from the Refer-To URI). */
  readonly replaces?: string
  /** Recurse on 3xx for this INVITE (§8.1.3.4), overriding `config.followRedirects`. */
  readonly followRedirects?: boolean
  /** §8.1.2: a preloaded route set (an outbound proxy), each a name-addr such as `<sip:proxy.example.com;lr>`:
   * the INVITE (and its CANCEL) carry it as Route headers and go to its first entry. */
  readonly route?: ReadonlyArray<string>
  /** This call's Contact URI (§8.1.1.8), overriding `config.contact`. */
  readonly contact?: string
  /** Answers one 401/407 per challenge for this call (§22.2), overriding `config.credentials`. */
  readonly credentials?: Credentials
  readonly nonce: string
}

/** Send a provisional response to an incoming INVITE: 180 Ringing, 183 Session Progress (with SDP: early media,
 * RFC 3960). */
export interface Progress {
  readonly _tag: "Progress"
  readonly call: CallRef
  readonly status: number
  readonly sdp?: string
  readonly nonce: string
}

/** Accept an incoming INVITE with a 200 (§13.3.1.4); the SDP answer defaults to one negotiated from
 * `config.session`. */
export interface Answer {
  readonly _tag: "Answer"
  readonly call: CallRef
  readonly sdp?: string
  readonly nonce: string
}

/** Refuse an incoming INVITE with a final status ≥ 300 (§13.3.1.3). */
export interface Reject {
  readonly _tag: "Reject"
  readonly call: CallRef
  readonly status: number
  readonly headers?: ReadonlyArray<readonly [string, string]>
  readonly nonce: string
}

/** Cancel an outgoing INVITE (§9.1): sent at once after a provisional, or as soon as one arrives. */
export interface Cancel {
  readonly _tag: "Cancel"
  readonly call: CallRef
  readonly nonce: string
}

/** End a call: BYE on a confirmed dialog (§15.1.1); CANCEL before it; a 603 when still ringing on our side. */
export interface Hangup {
  readonly _tag: "Hangup"
  readonly call: CallRef
  readonly nonce: string
}

/** Put the peer on hold (re-INVITE with a sendonly offer) or take it off (sendrecv), RFC 3264 §8.4. */
export interface Hold {
  readonly _tag: "Hold"
  readonly call: CallRef
  readonly nonce: string
}

export interface Resume {
  readonly _tag: "Resume"
  readonly call: CallRef
  readonly nonce: string
}

/** A re-INVITE with the given offer (or the current local session), optionally from a new Contact (§14.1). */
export interface Reinvite {
  readonly _tag: "Reinvite"
  readonly call: CallRef
  readonly sdp?: string
  readonly contact?: string
  readonly nonce: string
}

/** Ask the peer to call `referTo` (RFC 3515): REFER in the dialog of `call`. */
export interface Refer {
  readonly _tag: "Refer"
  readonly call: CallRef
  /** The Refer-To value: a name-addr, possibly with `?Replaces=…` (RFC 3891). */
  readonly referTo: string
  readonly nonce: string
}

/** Send any other request inside the dialog (INFO, MESSAGE, OPTIONS …). */
export interface SendInDialog {
  readonly _tag: "SendInDialog"
  readonly call: CallRef
  readonly method: string
  readonly headers?: ReadonlyArray<readonly [string, string]>
  readonly body?: string
  readonly contentType?: string
  readonly nonce: string
}

/**
 * The application's answer to a request the core reported (`IncomingCall`, `IncomingRequest`, `InDialogRequest`):
 * any status, provisional or final, at any time, with its own reason, headers and body. The core builds the
 * response (§8.2.6: To tag; §12.1.1: Contact and the Record-Route copy when it creates a dialog) and does what the
 * status means for the call: a 1xx with a tag makes the early dialog, a 2xx to an INVITE confirms it and is
 * retransmitted until the ACK (§13.3.1.4), a final ≥ 300 ends the call, a 2xx to a BYE ends the dialog.
 */
export interface Respond {
  readonly _tag: "Respond"
  /** The request as reported. */
  readonly request: Request
  readonly status: number
  /** Default: the standard reason phrase (§21). */
  readonly reason?: string
  readonly headers?: ReadonlyArray<readonly [string, string]>
  readonly body?: string | Uint8Array
  /** Default `application/sdp` for INVITE, UPDATE, PRACK, else `text/plain` (only with a body). */
  readonly contentType?: string
  /** The `toTag` of the `IncomingRequest` report (a call's INVITE and in-dialog requests have theirs). */
  readonly toTag?: string
  /** The Contact URI of a dialog-creating response, overriding `config.contact`. */
  readonly contact?: string
  /**
   * The `call` of the `IncomingCall` report of this INVITE, when the caller has it: the core then finds the call by
   * it instead of reading the INVITE's Call-ID, From tag and CSeq. Only a hint — a call whose INVITE is not this very
   * request is looked up as without it.
   */
  readonly call?: CallRef
  readonly nonce: string
}

/** The runtime is done with a call (it ended a while ago, its store lost the dialog, or the application took the
 * request elsewhere, e.g. proxied it): the core drops it. A later request of its dialog gets 481 (§12.2.2). */
export interface Forget {
  readonly _tag: "Forget"
  readonly call: CallRef
  readonly nonce: string
}

export type Command =
  | Invite
  | Respond
  | Forget
  | Progress
  | Answer
  | Reject
  | Cancel
  | Hangup
  | Hold
  | Resume
  | Reinvite
  | Refer
  | SendInDialog

export type UaEvent = RequestReceived | ResponseReceived | TransactionFailed | TimerFired | Command
