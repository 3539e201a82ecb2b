/**
 * Dialog — the dialog state of RFC 3261 §12 as one immutable value.
 *
 * A dialog is a peer-to-peer relationship between two UAs that persists for some time (§12). Its state is the
 * dialog ID (Call-ID, local tag, remote tag), the local and remote sequence numbers, the local and remote URIs,
 * the remote target, the route set and the secure flag (§12, second paragraph). The functions in this folder
 * build it from a request and a response (§12.1), use it to build requests inside it (§12.2.1.1) and check the
 * requests that arrive in it (§12.2.2).
 *
 * Never: I/O, clocks, randomness. Every change returns a new dialog.
 */
import type { NameAddr } from "@sipkit/codec"

/** §12: "A dialog is identified at each UA with a dialog ID, which consists of a Call-ID value, a local tag and a
 * remote tag." The remote tag is `""` when the peer sent none (RFC 2543, §12.1.1). */
export interface DialogId {
  readonly callId: string
  readonly localTag: string
  readonly remoteTag: string
}

/** §12: early (created by a provisional response), confirmed (created or confirmed by a 2xx), terminated. */
export type DialogState = "early" | "confirmed" | "terminated"

export interface Dialog {
  readonly id: DialogId
  readonly state: DialogState
  /** Which side of the dialog-creating request this UA was: it decides how the route set was read (§12.1). */
  readonly role: "UAC" | "UAS"
  /** The local URI with the local tag: the From of requests this UA sends in the dialog (§12.2.1.1). */
  readonly local: NameAddr
  /** The remote URI with the remote tag: the To of requests this UA sends in the dialog (§12.2.1.1). */
  readonly remote: NameAddr
  /** The CSeq of the last request this UA sent in the dialog; empty (undefined) on a fresh UAS dialog (§12.1.1). */
  readonly localSeq: number | undefined
  /** The CSeq of the last request the peer sent in the dialog; empty on a fresh UAC dialog (§12.1.2). */
  readonly remoteSeq: number | undefined
  /** This UA's Contact URI, sent again in target refresh requests (§12.2.1.1), when known. */
  readonly localTarget: string | undefined
  /** The peer's Contact URI: the Request-URI of requests sent in the dialog (§12.2.1.1). */
  readonly remoteTarget: string
  /** Record-Route, reversed on the UAC side and as it came on the UAS side (§12.1.1, §12.1.2). */
  readonly routeSet: ReadonlyArray<NameAddr>
  /** True when the dialog-creating request had a SIPS Request-URI and went over TLS (§12.1.1, §12.1.2). */
  readonly secure: boolean
}

/** A failure to build or use a dialog, with the status a UAS would answer when it came from the network. */
export interface DialogError {
  readonly _tag: "DialogError"
  readonly reason: string
  readonly status: number
}

export const dialogError = (reason: string, status: number): DialogError => ({
  _tag: "DialogError",
  reason,
  status,
})

/** A string key for maps of dialogs; tags are tokens (§25.1), so `;` cannot occur inside them. */
export const dialogKey = (id: DialogId): string => `${id.callId};${id.localTag};${id.remoteTag}`

export const isSameDialog = (a: DialogId, b: DialogId): boolean => dialogKey(a) === dialogKey(b)

/** §12.2: the methods that update the remote target (re-INVITE, UPDATE of RFC 3311, SUBSCRIBE/NOTIFY of
 * RFC 6665 and REFER, which RFC 6665 §4.1 treats like SUBSCRIBE). */
export const isTargetRefresh = (method: string): boolean =>
  method === "INVITE" ||
  method === "UPDATE" ||
  method === "SUBSCRIBE" ||
  method === "NOTIFY" ||
  method === "REFER"

/** §12.3 and §15: the dialog is over; nothing is sent in it any more and its requests are answered 481. */
export const terminateDialog = (dialog: Dialog): Dialog => ({ ...dialog, state: "terminated" })
