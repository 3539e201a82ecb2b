/**
 * DialogTable — the dialogs a UA holds, keyed by dialog ID, and the matching of incoming requests to them
 * (RFC 3261 §12.2.2): "the UAS … uses the Call-ID, the local tag (from the To header field) and the remote tag
 * (from the From header field) of the request to match it to a dialog".
 */
import { isErr, ok, type Request, type Result } from "@sipkit/codec"
import { type Dialog, type DialogError, type DialogId, dialogKey } from "./Dialog.js"
import { readCallId, readFromTag, readToTag } from "./read.js"

export type DialogTable = ReadonlyMap<string, Dialog>

export const emptyDialogTable: DialogTable = new Map()

export const putDialog = (table: DialogTable, dialog: Dialog): DialogTable =>
  new Map(table).set(dialogKey(dialog.id), dialog)

export const removeDialog = (table: DialogTable, id: DialogId): DialogTable => {
  const next = new Map(table)
  next.delete(dialogKey(id))
  return next
}

export const getDialog = (table: DialogTable, id: DialogId): Dialog | undefined => table.get(dialogKey(id))

/** The dialog ID an incoming request names, seen from the receiving UA; `undefined` when it has no To tag (it
 * is then outside any dialog, §12.2.2 / §8.2). */
export const incomingDialogId = (request: Request): Result<DialogId | undefined, DialogError> => {
  const callId = readCallId(request)
  const from = readFromTag(request)
  const to = readToTag(request)
  if (isErr(callId)) return callId
  if (isErr(from)) return from
  if (isErr(to)) return to
  if (to.value === undefined) return ok(undefined)
  return ok({ callId: callId.value, localTag: to.value, remoteTag: from.value ?? "" })
}
