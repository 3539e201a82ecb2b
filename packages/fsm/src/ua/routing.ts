/**
 * routing — finding the call and dialog an incoming in-dialog request belongs to (§12.2.2) and running the
 * dialog's own checks on it.
 */
import type { Request, Result } from "@sipkit/codec"
import { type Dialog, type DialogError, incomingDialogId, receiveInDialogRequest } from "../dialog/index.js"
import { type Call, callRef } from "./Call.js"
import type { UaState } from "./UaState.js"

export type DialogLookup =
  | { readonly _tag: "NoDialog" }
  | { readonly _tag: "Found"; readonly call: Call; readonly verdict: Result<Dialog, DialogError> }

/** The call whose dialog has this request's (Call-ID, To tag, From tag), and the §12.2.2 verdict on it. */
export const getDialogForRequest = (state: UaState, request: Request): DialogLookup => {
  const id = incomingDialogId(request)
  if (id._tag === "Err" || id.value === undefined) return { _tag: "NoDialog" }
  const call = state.calls.get(callRef(id.value.callId, id.value.localTag))
  const dialog = call?.dialog
  if (call === undefined || dialog === undefined || dialog.id.remoteTag !== id.value.remoteTag)
    return { _tag: "NoDialog" }
  return { _tag: "Found", call, verdict: receiveInDialogRequest(dialog, request) }
}
