/**
 * DialogSet — every dialog one INVITE created on the UAC side: the early dialogs of a forked request and their
 * collapse when one of them is confirmed (RFC 3261 §12.1.2, §13.2.2.4, §12.3).
 *
 * A forking proxy may return provisional responses with different To tags: each creates its own early dialog
 * (§12.1.2: "a UAC … MUST be prepared to receive … multiple early dialogs"). The first 2xx confirms its dialog and
 * collapses the set: the other early dialogs end (the proxy cancels their branches, §16.7 step 10). A later 2xx
 * from another branch creates a fresh confirmed dialog, which the UAC core ACKs and then ends with a BYE
 * (§13.2.2.4). A non-2xx final response ends every early dialog (§12.3).
 */
import { isErr, ok, type Request, type Response, type Result } from "@sipkit/codec"
import { type CreateDialogOptions, makeUacDialog } from "./createDialog.js"
import { type Dialog, type DialogError, terminateDialog } from "./Dialog.js"
import { readTo, tagOf } from "./read.js"
import { confirmDialog, refreshRemoteTarget } from "./updateDialog.js"

export interface DialogSet {
  /** The INVITE that created the set. */
  readonly request: Request
  /** Every dialog of the set, in order of creation (one per remote tag). */
  readonly dialogs: ReadonlyArray<Dialog>
  readonly options: CreateDialogOptions
}

/** What a response did to the set. */
export type DialogSetChange =
  | { readonly _tag: "Unchanged" }
  | { readonly _tag: "Early"; readonly dialog: Dialog; readonly created: boolean }
  | {
      readonly _tag: "Confirmed"
      readonly dialog: Dialog
      readonly created: boolean
      readonly retransmission: boolean
    }
  | { readonly _tag: "Failed"; readonly ended: ReadonlyArray<Dialog> }

export const makeDialogSet = (request: Request, options: CreateDialogOptions = {}): DialogSet => ({
  request,
  dialogs: [],
  options,
})

export const findByRemoteTag = (set: DialogSet, remoteTag: string): Dialog | undefined =>
  set.dialogs.find((dialog) => dialog.id.remoteTag === remoteTag)

const put = (set: DialogSet, dialog: Dialog): DialogSet => {
  const exists = set.dialogs.some((d) => d.id.remoteTag === dialog.id.remoteTag)
  return {
    ...set,
    dialogs: exists
      ? set.dialogs.map((d) => (d.id.remoteTag === dialog.id.remoteTag ? dialog : d))
      : [...set.dialogs, dialog],
  }
}

const unchanged = (set: DialogSet) => ok({ set, change: { _tag: "Unchanged" } as DialogSetChange })

/** Feed one response of the INVITE to the set. A 100 or a response without a To tag changes nothing. */
export const onResponse = (
  set: DialogSet,
  response: Response,
): Result<{ readonly set: DialogSet; readonly change: DialogSetChange }, DialogError> => {
  if (response.status >= 300) return ok(failAll(set))
  const to = readTo(response)
  if (isErr(to)) return to
  const remoteTag = tagOf(to.value)
  if (response.status === 100 || remoteTag === undefined) return unchanged(set)
  const existing = findByRemoteTag(set, remoteTag)
  return response.status < 200 ? onProvisional(set, response, existing) : onSuccess(set, response, existing)
}

const onProvisional = (set: DialogSet, response: Response, existing: Dialog | undefined) => {
  if (existing !== undefined && existing.state !== "early") return unchanged(set)
  if (existing !== undefined) {
    const dialog = refreshRemoteTarget(existing, response)
    return ok({ set: put(set, dialog), change: { _tag: "Early", dialog, created: false } as DialogSetChange })
  }
  const created = makeUacDialog(set.request, response, set.options)
  if (isErr(created)) return created
  const dialog = created.value
  return ok({ set: put(set, dialog), change: { _tag: "Early", dialog, created: true } as DialogSetChange })
}

const onSuccess = (set: DialogSet, response: Response, existing: Dialog | undefined) => {
  if (existing?.state === "confirmed") {
    const change: DialogSetChange = {
      _tag: "Confirmed",
      dialog: existing,
      created: false,
      retransmission: true,
    }
    return ok({ set, change })
  }
  const next =
    existing?.state === "early"
      ? confirmDialog(existing, response)
      : makeUacDialog(set.request, response, set.options)
  if (isErr(next)) return next
  const dialog = next.value
  const collapsed = collapse(put(set, dialog), dialog)
  const change: DialogSetChange = {
    _tag: "Confirmed",
    dialog,
    created: existing?.state !== "early",
    retransmission: false,
  }
  return ok({ set: collapsed, change })
}

/** The first 2xx collapses the set: every other early dialog ends. */
export const collapse = (set: DialogSet, confirmed: Dialog): DialogSet => ({
  ...set,
  dialogs: set.dialogs.map((d) =>
    d.state === "early" && d.id.remoteTag !== confirmed.id.remoteTag ? terminateDialog(d) : d,
  ),
})

/** §12.3: "if a request outside of a dialog generates a non-2xx final response, any early dialogs created through
 * provisional responses to that request are terminated." Also what the UAC does when the INVITE transaction ends. */
export const failAll = (set: DialogSet): { readonly set: DialogSet; readonly change: DialogSetChange } => {
  const ended = set.dialogs.filter((d) => d.state === "early").map(terminateDialog)
  const dialogs = set.dialogs.map((d) => (d.state === "early" ? terminateDialog(d) : d))
  return { set: { ...set, dialogs }, change: { _tag: "Failed", ended } }
}
