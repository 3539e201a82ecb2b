import { describe, expect, it } from "vitest"
import { type DialogSet, type DialogSetChange, makeDialogSet, onResponse } from "../../src/dialog/index.js"
import { answer, invite, must } from "./fixtures.js"

const request = invite()
const feed = (set: DialogSet, status: number, toTag?: string): { set: DialogSet; change: DialogSetChange } =>
  must(
    onResponse(
      set,
      answer(request, status, {
        ...(toTag === undefined ? {} : { toTag }),
        contact: `<sip:bob@${toTag ?? "x"}.example.com>`,
      }),
    ),
  )

const states = (set: DialogSet) => set.dialogs.map((d) => `${d.id.remoteTag}:${d.state}`)

describe("forking: several early dialogs from one INVITE and their collapse", () => {
  it("each To tag of a provisional creates one early dialog; 100 and tagless responses create none", () => {
    let step = feed(makeDialogSet(request), 100)
    step = feed(step.set, 180)
    expect(step.change._tag).toBe("Unchanged")
    step = feed(step.set, 180, "office")
    expect(step.change).toMatchObject({ _tag: "Early", created: true })
    step = feed(step.set, 183, "mobile")
    step = feed(step.set, 180, "office")
    expect(step.change).toMatchObject({ _tag: "Early", created: false })
    expect(states(step.set)).toEqual(["office:early", "mobile:early"])
  })

  it("the first 2xx confirms its dialog and ends the other early dialogs", () => {
    let step = feed(makeDialogSet(request), 180, "office")
    step = feed(step.set, 180, "mobile")
    step = feed(step.set, 200, "mobile")
    expect(step.change).toMatchObject({ _tag: "Confirmed", created: false, retransmission: false })
    expect(states(step.set)).toEqual(["office:terminated", "mobile:confirmed"])
    const again = feed(step.set, 200, "mobile")
    expect(again.change).toMatchObject({ _tag: "Confirmed", retransmission: true })
  })

  it("a 2xx from another branch after the collapse creates a new confirmed dialog (to be ACKed and BYEd)", () => {
    let step = feed(makeDialogSet(request), 200, "mobile")
    step = feed(step.set, 200, "home")
    expect(step.change).toMatchObject({ _tag: "Confirmed", created: true, retransmission: false })
    expect(states(step.set)).toEqual(["mobile:confirmed", "home:confirmed"])
  })

  it("a non-2xx final response ends every early dialog (§12.3)", () => {
    let step = feed(makeDialogSet(request), 180, "office")
    step = feed(step.set, 183, "mobile")
    step = feed(step.set, 486, "home")
    expect(step.change).toMatchObject({ _tag: "Failed" })
    expect(step.change._tag === "Failed" && step.change.ended.length).toBe(2)
    expect(states(step.set)).toEqual(["office:terminated", "mobile:terminated"])
  })
})
