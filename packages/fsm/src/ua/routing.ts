/**
 * routing — finding the call and dialog an incoming in-dialog request belongs to (§12.2.2) and running the
 * dialog's own checks on it.
 */
import type { Request, Result } from "@sipkit/codec"
import { type Dialog, type DialogError, receiveInDialogRequest } from "../dialog/index.js"
import type { Call } from "./Call.js"
import { dialogCallRef, type Routing, routingOf } from "./readers.js"
import type { UaState } from "./UaState.js"

export type DialogLookup =
  | { readonly _tag: "NoDialog" }
  | { readonly _tag: "Found"; readonly call: Call; readonly verdict: Result<Dialog, DialogError> }

/** The call whose dialog has this request's (Call-ID, To tag, From tag), and the §12.2.2 verdict on it. The
 * fields come from the request's `Routing` (readers.ts) when the caller has read it already: the To tag is the
 * local tag, the From tag (or "") the remote tag, as `incomingDialogId` reads them. */
export const getDialogForRequest = (
  state: UaState,
  request: Request,
  routing: Routing | undefined = routingOf(request),
): DialogLookup => {
  if (routing?.toTag === undefined) return { _tag: "NoDialog" }
  const call = state.calls.get(dialogCallRef(request, routing.callId, routing.toTag))
  const dialog = call?.dialog
  if (call === undefined || dialog === undefined || dialog.id.remoteTag !== (routing.fromTag ?? ""))
    return { _tag: "NoDialog" }
  return { _tag: "Found", call, verdict: receiveInDialogRequest(dialog, request, routing.seq) }
}
