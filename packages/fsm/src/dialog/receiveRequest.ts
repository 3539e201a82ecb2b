/**
 * receiveRequest — the UAS side of a request inside a dialog (RFC 3261 §12.2.2): the CSeq order check and the
 * target refresh.
 */
import { err, isErr, ok, type Request, type Result } from "@sipkit/codec"
import { type Dialog, type DialogError, dialogError, isTargetRefresh } from "./Dialog.js"
import { readContactUri, readCSeq } from "./read.js"

/**
 * §12.2.2: "If the remote sequence number is empty, it MUST be set to the value of the sequence number in the
 * CSeq header field value in the request. If the remote sequence number was not empty, but the sequence number of
 * the request is lower than the remote sequence number, the request is out of order and MUST be rejected with a
 * 500 (Server Internal Error) response. If the remote sequence number was not empty, and the sequence number of
 * the request is greater than the remote sequence number, the request is in order." A target refresh request
 * replaces the remote target with its Contact. ACK and CANCEL carry the CSeq of their INVITE and change nothing.
 * A terminated dialog answers 481 (§12.2.2, §15.1.2). `seq`: the request's CSeq number when the caller has read it
 * already (a UA core routes on it), else it is read here.
 */
export const receiveInDialogRequest = (
  dialog: Dialog,
  request: Request,
  seq?: number,
): Result<Dialog, DialogError> => {
  if (dialog.state === "terminated") return err(dialogError("Call/Transaction Does Not Exist", 481))
  if (seq === undefined) {
    const cseq = readCSeq(request)
    return isErr(cseq) ? cseq : receiveInDialogRequest(dialog, request, cseq.value.seq)
  }
  if (request.method === "ACK" || request.method === "CANCEL") return ok(dialog)
  if (dialog.remoteSeq !== undefined && seq < dialog.remoteSeq)
    return err(dialogError(`CSeq ${seq} is lower than ${dialog.remoteSeq}`, 500))
  const updated: Dialog = { ...dialog, remoteSeq: seq }
  if (!isTargetRefresh(request.method)) return ok(updated)
  const contact = readContactUri(request)
  if (isErr(contact)) return contact
  return ok(contact.value === undefined ? updated : { ...updated, remoteTarget: contact.value })
}
