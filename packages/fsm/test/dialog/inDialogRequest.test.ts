import { getCSeq, getFrom, getHeaderValues, getTag, getTo, isErr, printNameAddr } from "@sipkit/codec"
import { describe, expect, it } from "vitest"
import {
  type Dialog,
  makeAck,
  makeInDialogRequest,
  makeUacDialog,
  makeUasDialog,
  requestTarget,
  terminateDialog,
} from "../../src/dialog/index.js"
import { answer, invite, must, seedRecordRoute } from "./fixtures.js"

const via = "SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bKnext"
const request = invite({ recordRoute: seedRecordRoute })
const ok200 = answer(request, 200, {
  toTag: "b-tag",
  contact: "<sip:bob@10.0.0.50>",
  recordRoute: seedRecordRoute,
})
const uac = must(makeUacDialog(request, ok200))
const uas = must(makeUasDialog(request, ok200))

describe("§12.2.1.1 requests within a dialog", () => {
  it("loose routing: Request-URI is the remote target, Route is the route set in order (the seed's ACK)", () => {
    const ack = makeAck(uac, 314159, { via })
    expect(ack.method).toBe("ACK")
    expect(ack.uri).toBe("sip:bob@10.0.0.50")
    expect(getHeaderValues(ack, "Route")).toEqual(["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"])
    expect(must(getCSeq(ack))).toEqual({ seq: 314159, method: "ACK" })
  })

  it("an empty route set: Request-URI is the remote target and no Route", () => {
    const direct: Dialog = { ...uac, routeSet: [] }
    expect(requestTarget(direct)).toEqual({ uri: "sip:bob@10.0.0.50", routes: [] })
  })

  it("strict router: the first route becomes the Request-URI (method param stripped), the target goes last", () => {
    const strict = must(
      makeUacDialog(
        request,
        answer(request, 200, {
          toTag: "b",
          contact: "<sip:bob@10.0.0.50>",
          recordRoute: ["<sip:p2.example.com;lr>", "<sip:p1.example.com;method=INVITE>"],
        }),
      ),
    )
    expect(requestTarget(strict)).toEqual({
      uri: "sip:p1.example.com",
      routes: ["<sip:p2.example.com;lr>", "<sip:bob@10.0.0.50>"],
    })
    const bye = must(makeInDialogRequest(strict, { method: "BYE", via })).request
    expect(bye.uri).toBe("sip:p1.example.com")
    expect(getHeaderValues(bye, "Route")).toEqual(["<sip:p2.example.com;lr>", "<sip:bob@10.0.0.50>"])
  })

  it("CSeq increments by one per request; ACK keeps the INVITE's number and does not move the counter", () => {
    const first = must(makeInDialogRequest(uac, { method: "INFO", via }))
    const second = must(makeInDialogRequest(first.dialog, { method: "BYE", via }))
    expect(must(getCSeq(first.request)).seq).toBe(314160)
    expect(must(getCSeq(second.request))).toEqual({ seq: 314161, method: "BYE" })
    expect(second.dialog.localSeq).toBe(314161)
    expect(must(getCSeq(makeAck(second.dialog, 314159, { via }))).seq).toBe(314159)
  })

  it("From/To carry the local and remote URIs with their tags; a UAS dialog sends the mirror image", () => {
    const bye = must(makeInDialogRequest(uas, { method: "BYE", via, initialSeq: 7 })).request
    expect(printNameAddr(must(getFrom(bye)))).toBe("<sip:bob@example.com>;tag=b-tag")
    const to = must(getTo(bye))
    expect([to.displayName, to.uri, getTag(to)]).toEqual(["Alice", "sip:alice@example.com", "a-tag"])
    expect(bye.uri).toBe("sip:alice@192.168.1.100")
    expect(getHeaderValues(bye, "Route")).toEqual(seedRecordRoute)
    expect(must(getCSeq(bye)).seq).toBe(7)
  })

  it("target refresh requests carry the local Contact; a body gets its Content-Type", () => {
    const reinvite = must(
      makeInDialogRequest(uac, { method: "INVITE", via, body: "v=0\r\n", contentType: "application/sdp" }),
    ).request
    expect(getHeaderValues(reinvite, "Contact")).toEqual(["<sip:alice@192.168.1.100>"])
    expect(getHeaderValues(reinvite, "Content-Type")).toEqual(["application/sdp"])
    const bye = must(makeInDialogRequest(uac, { method: "BYE", via })).request
    expect(getHeaderValues(bye, "Contact")).toEqual([])
  })

  it("nothing is sent in a terminated dialog; ACK and CANCEL are refused", () => {
    const ended = makeInDialogRequest(terminateDialog(uac), { method: "BYE", via })
    expect(isErr(ended) && ended.error.status).toBe(481)
    expect(isErr(makeInDialogRequest(uac, { method: "ACK", via }))).toBe(true)
    expect(isErr(makeInDialogRequest(uac, { method: "CANCEL", via }))).toBe(true)
  })
})
