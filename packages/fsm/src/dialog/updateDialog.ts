/**
 * updateDialog — the changes a response makes to an existing dialog on the UAC side (RFC 3261 §12.2.1.2,
 * §13.2.2.4) and the target refresh of §12.2.
 */
import { isErr, ok, type Response, type Result } from "@sipkit/codec"
import type { Dialog, DialogError } from "./Dialog.js"
import { readContactUri, readRecordRoutes } from "./read.js"

/**
 * §13.2.2.4: "If the dialog identifier in the 2xx response matches the dialog identifier of an existing dialog,
 * the dialog MUST be transitioned to the 'confirmed' state, and the route set for the dialog MUST be recomputed
 * based on the 2xx response". The remote target follows the 2xx's Contact.
 */
export const confirmDialog = (dialog: Dialog, response: Response): Result<Dialog, DialogError> => {
  const recordRoutes = readRecordRoutes(response)
  const contact = readContactUri(response)
  if (isErr(recordRoutes)) return recordRoutes
  if (isErr(contact)) return contact
  return ok({
    ...dialog,
    state: "confirmed",
    routeSet: [...recordRoutes.value].reverse(),
    remoteTarget: contact.value ?? dialog.remoteTarget,
  })
}

/**
 * §12.2.1.2: "When a UAC receives a 2xx response to a target refresh request, it MUST replace the dialog's
 * remote target URI with the URI from the Contact header field in that response, if present." The route set is
 * never changed by a target refresh (§12.2).
 */
export const refreshRemoteTarget = (dialog: Dialog, response: Response): Dialog => {
  const contact = readContactUri(response)
  if (isErr(contact) || contact.value === undefined) return dialog
  return { ...dialog, remoteTarget: contact.value }
}
