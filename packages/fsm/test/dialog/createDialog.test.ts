import { getHeaderValues, isErr, isOk, printNameAddr } from "@sipkit/codec"
import { describe, expect, it } from "vitest"
import { makeUacDialog, makeUasDialog } from "../../src/dialog/index.js"
import { answer, invite, must, seedRecordRoute } from "./fixtures.js"

describe("§12.1 dialog creation", () => {
  const request = invite({ recordRoute: seedRecordRoute })
  const ok200 = answer(request, 200, {
    toTag: "b-tag",
    contact: "<sip:bob@10.0.0.50>",
    recordRoute: seedRecordRoute,
  })

  it("§12.1.2 UAC: id from From tag and To tag, route set reversed, target from Contact, local seq from CSeq", () => {
    const dialog = must(makeUacDialog(request, ok200))
    expect(dialog.id).toEqual({ callId: "12345@192.168.1.100", localTag: "a-tag", remoteTag: "b-tag" })
    expect(dialog.state).toBe("confirmed")
    expect(dialog.role).toBe("UAC")
    expect(dialog.routeSet.map(printNameAddr)).toEqual(["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"])
    expect(dialog.remoteTarget).toBe("sip:bob@10.0.0.50")
    expect(dialog.localTarget).toBe("sip:alice@192.168.1.100")
    expect(dialog.localSeq).toBe(314159)
    expect(dialog.remoteSeq).toBeUndefined()
    expect(dialog.secure).toBe(false)
  })

  it("§12.1.1 UAS: the mirror image — route set as it came, target from the request's Contact, remote seq", () => {
    const dialog = must(makeUasDialog(request, ok200))
    expect(dialog.id).toEqual({ callId: "12345@192.168.1.100", localTag: "b-tag", remoteTag: "a-tag" })
    expect(dialog.role).toBe("UAS")
    expect(dialog.routeSet.map(printNameAddr)).toEqual(seedRecordRoute)
    expect(dialog.remoteTarget).toBe("sip:alice@192.168.1.100")
    expect(dialog.localTarget).toBe("sip:bob@10.0.0.50")
    expect(dialog.remoteSeq).toBe(314159)
    expect(dialog.localSeq).toBeUndefined()
  })

  it("a provisional response with a To tag creates an early dialog; 100 and tagless responses create none", () => {
    const ringing = answer(request, 180, { toTag: "b-tag", contact: "<sip:bob@10.0.0.50>" })
    expect(must(makeUacDialog(request, ringing)).state).toBe("early")
    expect(must(makeUasDialog(request, ringing)).state).toBe("early")
    expect(isErr(makeUacDialog(request, answer(request, 100)))).toBe(true)
    expect(isErr(makeUacDialog(request, answer(request, 180)))).toBe(true)
    expect(isErr(makeUacDialog(request, answer(request, 486, { toTag: "x" })))).toBe(true)
  })

  it("the secure flag needs both a SIPS Request-URI and a secure transport", () => {
    const sips = invite({ uri: "sips:bob@example.com" })
    const ok = answer(sips, 200, { toTag: "b", contact: "<sips:bob@10.0.0.50>" })
    expect(must(makeUacDialog(sips, ok, { transportSecure: true })).secure).toBe(true)
    expect(must(makeUacDialog(sips, ok)).secure).toBe(false)
    expect(must(makeUasDialog(sips, ok, { transportSecure: true })).secure).toBe(true)
    expect(must(makeUacDialog(request, ok200, { transportSecure: true })).secure).toBe(false)
  })

  it("a UAS cannot build a dialog from a request without Contact (400)", () => {
    const bare = invite()
    const noContact = { ...bare, headers: bare.headers.filter((h) => h.name !== "Contact") }
    const result = makeUasDialog(noContact, answer(noContact, 200, { toTag: "b" }))
    expect(isErr(result) && result.error.status).toBe(400)
    expect(isOk(makeUasDialog(bare, answer(bare, 200, { toTag: "b" })))).toBe(true)
    expect(getHeaderValues(bare, "Contact")).toHaveLength(1)
  })
})
