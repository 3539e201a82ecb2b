import { isErr, makeRequest } from "@sipkit/codec"
import { describe, expect, it } from "vitest"
import {
  incomingDialogId,
  makeUacDialog,
  makeUasDialog,
  receiveInDialogRequest,
  terminateDialog,
} from "../../src/dialog/index.js"
import { answer, invite, must } from "./fixtures.js"

const request = invite()
const ok200 = answer(request, 200, { toTag: "b-tag", contact: "<sip:bob@10.0.0.50>" })
const uas = must(makeUasDialog(request, ok200))
const uac = must(makeUacDialog(request, ok200))

const fromAlice = (method: string, seq: number, contact?: string) =>
  makeRequest({
    method,
    uri: "sip:bob@10.0.0.50",
    headers: [
      ["Via", "SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bKx"],
      ["From", "<sip:alice@example.com>;tag=a-tag"],
      ["To", "<sip:bob@example.com>;tag=b-tag"],
      ["Call-ID", "12345@192.168.1.100"],
      ["CSeq", `${seq} ${method}`],
      ...(contact === undefined ? [] : [["Contact", contact] as const]),
    ],
  })

describe("§12.2.2 UAS behavior for requests within a dialog", () => {
  it("a higher CSeq is in order and becomes the remote sequence number", () => {
    expect(must(receiveInDialogRequest(uas, fromAlice("BYE", 314160))).remoteSeq).toBe(314160)
  })

  it("a lower CSeq is out of order: 500", () => {
    const result = receiveInDialogRequest(uas, fromAlice("INFO", 314158))
    expect(isErr(result) && result.error.status).toBe(500)
  })

  it("an empty remote sequence number takes the request's (the UAC side receiving its first request)", () => {
    const fromBob = { ...fromAlice("BYE", 3) }
    expect(must(receiveInDialogRequest(uac, fromBob)).remoteSeq).toBe(3)
  })

  it("a target refresh replaces the remote target; other requests do not", () => {
    expect(
      must(receiveInDialogRequest(uas, fromAlice("INVITE", 314160, "<sip:alice@192.168.1.200>")))
        .remoteTarget,
    ).toBe("sip:alice@192.168.1.200")
    expect(
      must(receiveInDialogRequest(uas, fromAlice("INFO", 314160, "<sip:alice@192.168.1.200>"))).remoteTarget,
    ).toBe("sip:alice@192.168.1.100")
  })

  it("ACK keeps the INVITE's CSeq and changes nothing", () => {
    expect(must(receiveInDialogRequest(uas, fromAlice("ACK", 314159)))).toEqual(uas)
  })

  it("a terminated dialog answers 481", () => {
    const result = receiveInDialogRequest(terminateDialog(uas), fromAlice("BYE", 314160))
    expect(isErr(result) && result.error.status).toBe(481)
  })

  it("the dialog ID of an incoming request is (Call-ID, To tag, From tag); no To tag, no dialog", () => {
    expect(must(incomingDialogId(fromAlice("BYE", 1)))).toEqual(uas.id)
    expect(must(incomingDialogId(request))).toBeUndefined()
  })
})
