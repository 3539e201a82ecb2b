/**
 * @module dialog — RFC 3261 §12 dialogs as pure values: creation (§12.1), requests inside a dialog (§12.2.1),
 * the UAS checks of §12.2.2, forking (several early dialogs from one INVITE) and the dialog table.
 *
 * Never: I/O, clocks, randomness; tags, branches and initial CSeq numbers come in from the caller.
 */

export { type CreateDialogOptions, makeUacDialog, makeUasDialog, makeUasDialogFrom } from "./createDialog.js"
export {
  type Dialog,
  type DialogError,
  type DialogId,
  type DialogState,
  dialogError,
  dialogKey,
  isSameDialog,
  isTargetRefresh,
  terminateDialog,
} from "./Dialog.js"
export {
  collapse,
  type DialogSet,
  type DialogSetChange,
  failAll,
  findByRemoteTag,
  makeDialogSet,
  onResponse,
} from "./DialogSet.js"
export {
  type DialogTable,
  emptyDialogTable,
  getDialog,
  incomingDialogId,
  putDialog,
  removeDialog,
} from "./DialogTable.js"
export {
  type InDialogRequestInit,
  makeAck,
  makeInDialogRequest,
  type RequestTarget,
  requestTarget,
} from "./inDialogRequest.js"
export { receiveInDialogRequest } from "./receiveRequest.js"
export { confirmDialog, refreshRemoteTarget } from "./updateDialog.js"
