/**
 * UaOutput — what a UA core step asks the runtime to do, in order: transaction-level sends, its own timers, and
 * reports to the application.
 *
 * The UA core sits on the transaction layer (RFC 3261 §8, §17): it never retransmits a request itself. It asks
 * for a new client transaction (`SendRequest`), responds on the server transaction its request created
 * (`SendResponse`, including the 2xx retransmissions of §13.3.1.4, which RFC 6026's Accepted state passes
 * through), and sends the ACK for a 2xx straight to the transport (`SendAck`, §13.2.2.4 / §17.1.1.3).
 *
 * The top Via of a `SendRequest`/`SendAck` request holds the branch the core chose (the transaction's identity,
 * §8.1.1.7); its sent-protocol and sent-by are `config.via`, a default. §18.1.1 gives them to the transport: "Before
 * a request is sent, the client transport MUST insert a value of the 'sent-by' field into the Via header field",
 * and the transport is picked per destination (RFC 3263, the §18.1.1 MTU switch). A runtime with several
 * listeners sets them with `fillVia` when it knows where the request goes; the branch stays. A request goes to
 * the RFC 3263 target of its top Route (loose routing, §8.1.2) or, without Route, of its Request-URI; a CANCEL to
 * where its INVITE went (§9.1).
 */
import type { Request, Response } from "@sipkit/codec"
import type { CallRef } from "./Call.js"
import type { UaTimer } from "./UaEvent.js"

export type UaOutput =
  | { readonly _tag: "SendRequest"; readonly request: Request }
  | { readonly _tag: "SendAck"; readonly request: Request }
  | { readonly _tag: "SendResponse"; readonly response: Response }
  | { readonly _tag: "StartTimer"; readonly timer: UaTimer; readonly after: number }
  | { readonly _tag: "StopTimer"; readonly timer: UaTimer }
  | { readonly _tag: "Report"; readonly report: UaReport }

/** What the application hears. `call` names the call every later command refers to. */
export type UaReport =
  /** A new INVITE arrived (§13.3.1); answer with Progress / Answer / Reject. `replaces` names the call its RFC 3891
   * Replaces header matched: answering the new call ends that one with a BYE. */
  | {
      readonly _tag: "IncomingCall"
      readonly call: CallRef
      readonly request: Request
      readonly replaces?: CallRef
      readonly referredBy?: string
    }
  /** A provisional response to our INVITE; `sdp` is early media (RFC 3960) from that early dialog. */
  | { readonly _tag: "Ringing"; readonly call: CallRef; readonly status: number; readonly sdp?: string }
  /** The call is up: on the UAC after the 2xx (ACK sent), on the UAS when the ACK came. */
  | {
      readonly _tag: "Established"
      readonly call: CallRef
      readonly localSdp?: string
      readonly remoteSdp?: string
    }
  /** The call is over (BYE either way, a failure, a CANCEL, or the 64·T1 give-up with status 408). */
  | {
      readonly _tag: "Ended"
      readonly call: CallRef
      readonly status: number
      readonly reason: string
      readonly by: "local" | "remote"
    }
  /** An offer/answer exchange of a re-INVITE completed (hold, resume, new media). */
  | {
      readonly _tag: "MediaUpdated"
      readonly call: CallRef
      readonly localSdp?: string
      readonly remoteSdp?: string
    }
  /** Our re-INVITE failed. After a 491 (glare) the core sends it again in `retryAfter` ms (§14.1). */
  | {
      readonly _tag: "ReinviteFailed"
      readonly call: CallRef
      readonly status: number
      readonly retryAfter?: number
    }
  /** The peer asked us to call `referTo` (RFC 3515); issue an `Invite` with `referral: call` to do it. */
  | {
      readonly _tag: "Referred"
      readonly call: CallRef
      readonly referTo: string
      readonly referredBy: string
      readonly replaces?: string
    }
  /** Progress of a REFER we sent: its response, then each NOTIFY's sipfrag status (`final` when terminated). */
  | {
      readonly _tag: "ReferProgress"
      readonly call: CallRef
      readonly status: number
      readonly final: boolean
    }
  /** Another request arrived inside the dialog (INFO, MESSAGE …) and was answered 200; or, for a method in
   * `config.delegate` (BYE and re-INVITE too), it waits for the application's `Respond`. */
  | { readonly _tag: "InDialogRequest"; readonly call: CallRef; readonly request: Request }
  /** A request outside any dialog whose method is in `config.delegate` passed the §8.2 checks; answer it with
   * `Respond` (with this `toTag`). */
  | { readonly _tag: "IncomingRequest"; readonly request: Request; readonly toTag: string }
  /** The final response to a `SendInDialog` request. */
  | {
      readonly _tag: "InDialogResponse"
      readonly call: CallRef
      readonly method: string
      /** The CSeq number of the request it answers. */
      readonly seq: number
      readonly status: number
    }

export const sendRequest = (request: Request): UaOutput => ({ _tag: "SendRequest", request })
export const sendAck = (request: Request): UaOutput => ({ _tag: "SendAck", request })
export const sendResponse = (response: Response): UaOutput => ({ _tag: "SendResponse", response })
export const startTimer = (timer: UaTimer, after: number): UaOutput => ({ _tag: "StartTimer", timer, after })
export const stopTimer = (timer: UaTimer): UaOutput => ({ _tag: "StopTimer", timer })
export const report = (r: UaReport): UaOutput => ({ _tag: "Report", report: r })
