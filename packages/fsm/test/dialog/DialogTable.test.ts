import { describe, expect, it } from "vitest"
import {
  dialogKey,
  emptyDialogTable,
  getDialog,
  isSameDialog,
  makeUasDialog,
  putDialog,
  removeDialog,
  terminateDialog,
} from "../../src/dialog/index.js"
import { answer, invite, must } from "./fixtures.js"

const request = invite()
const dialog = must(makeUasDialog(request, answer(request, 200, { toTag: "b-tag" })))

describe("DialogTable", () => {
  it("puts, finds by ID, replaces and removes dialogs without touching the table it was given", () => {
    const table = putDialog(emptyDialogTable, dialog)
    expect(emptyDialogTable.size).toBe(0)
    expect(getDialog(table, dialog.id)).toBe(dialog)
    const ended = putDialog(table, terminateDialog(dialog))
    expect(getDialog(ended, dialog.id)?.state).toBe("terminated")
    expect(getDialog(table, dialog.id)?.state).toBe("confirmed")
    expect(getDialog(removeDialog(ended, dialog.id), dialog.id)).toBeUndefined()
  })

  it("dialog IDs are equal only when Call-ID and both tags are", () => {
    expect(isSameDialog(dialog.id, { ...dialog.id })).toBe(true)
    expect(isSameDialog(dialog.id, { ...dialog.id, remoteTag: "other" })).toBe(false)
    expect(dialogKey(dialog.id)).not.toBe(dialogKey({ ...dialog.id, localTag: "a-tag", remoteTag: "b-tag" }))
  })
})
