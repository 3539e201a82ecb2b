/**
 * §8.2 request checks of the UAS core, and the answers RFC 4475 expects of an endpoint for its torture messages
 * (the fixtures are the codec's copies of RFC 4475 §3, read as raw text and parsed by the codec).
 */
import { getHeader, getTag, getTo, isErr, isOk, parseMessage, type Response } from "@sipkit/codec"
import { describe, expect, it } from "vitest"
import badvers from "../../../codec/test/fixtures/rfc4475/badvers.sip?raw"
import bext01 from "../../../codec/test/fixtures/rfc4475/bext01.sip?raw"
import insuf from "../../../codec/test/fixtures/rfc4475/insuf.sip?raw"
import intmeth from "../../../codec/test/fixtures/rfc4475/intmeth.sip?raw"
import invut from "../../../codec/test/fixtures/rfc4475/invut.sip?raw"
import mismatch01 from "../../../codec/test/fixtures/rfc4475/mismatch01.sip?raw"
import mismatch02 from "../../../codec/test/fixtures/rfc4475/mismatch02.sip?raw"
import novelsc from "../../../codec/test/fixtures/rfc4475/novelsc.sip?raw"
import unkscm from "../../../codec/test/fixtures/rfc4475/unkscm.sip?raw"
import { Driver, fromAlice, only, responsesIn } from "./support/drive.js"

/** What the endpoint answers: the UA core's response, or the codec's status when the message does not parse. */
const answerTo = (raw: string): { status: number; response?: Response } => {
  const parsed = parseMessage(raw)
  if (isErr(parsed)) return { status: parsed.error.status }
  if (parsed.value._tag !== "Request") throw new Error("not a request")
  const response = only(responsesIn(new Driver().request(parsed.value)))
  return { status: response.status, response }
}

describe("RFC 4475: what an endpoint answers", () => {
  it("bext01 — unknown Require option tags: 420 with Unsupported naming them (§8.2.2.3)", () => {
    const { status, response } = answerTo(bext01)
    expect(status).toBe(420)
    expect(response && getHeader(response, "Unsupported")).toBe(
      "nothingSupportsThis, nothingSupportsThisEither",
    )
  })

  it("invut — an unknown body type: 415 with Accept (§8.2.3)", () => {
    const { status, response } = answerTo(invut)
    expect(status).toBe(415)
    expect(response && getHeader(response, "Accept")).toBe("application/sdp, message/sipfrag, text/plain")
  })

  it("unkscm, novelsc — an unknown Request-URI scheme: 416 (§8.2.2.1)", () => {
    expect(answerTo(unkscm).status).toBe(416)
    expect(answerTo(novelsc).status).toBe(416)
  })

  it("badvers — SIP/7.0: 505 (§8.2, §21.5.6)", () => {
    expect(answerTo(badvers).status).toBe(505)
  })

  it("mismatch01 — CSeq method differs from the request's: 400; mismatch02 — unknown method: 501", () => {
    expect(answerTo(mismatch01).status).toBe(400)
    expect(answerTo(mismatch02).status).toBe(501)
  })

  it("intmeth — a legal but unknown method: 501 with Allow", () => {
    const { status, response } = answerTo(intmeth)
    expect(status).toBe(501)
    expect(response && getHeader(response, "Allow")).toContain("INVITE")
  })

  it("insuf — missing Call-ID, From, To: 400", () => {
    expect(answerTo(insuf).status).toBe(400)
  })
})

describe("§8.2 checks", () => {
  const one = (request: ReturnType<typeof fromAlice>) => only(responsesIn(new Driver().request(request)))

  it("a known method this UA does not allow: 405 with Allow (§8.2.1)", () => {
    const response = one(fromAlice({ method: "REGISTER" }))
    expect(response.status).toBe(405)
    expect(getHeader(response, "Allow")).toBe(
      "INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, NOTIFY, INFO, MESSAGE",
    )
  })

  it("an unknown Content-Encoding: 415 with Accept-Encoding", () => {
    const response = one(fromAlice({ body: "v=0\r\n", extra: [["Content-Encoding", "compress"]] }))
    expect(response.status).toBe(415)
    expect(getHeader(response, "Accept-Encoding")).toBe("identity")
  })

  it("a supported Require passes; CANCEL skips the Require check", () => {
    const driver = new Driver()
    expect(responsesIn(driver.request(fromAlice({ extra: [["Require", "replaces"]] })))).toEqual([])
    const cancel = fromAlice({ method: "CANCEL", extra: [["Require", "nothingSupportsThis"]] })
    expect(responsesIn(driver.request(cancel)).map((r) => r.status)).toEqual([200, 487])
  })

  it("every rejection carries a To tag (§8.2.6.2); ACK is never answered", () => {
    for (const request of [fromAlice({ method: "REGISTER" }), fromAlice({ method: "FOO" })]) {
      const to = getTo(one(request))
      expect(isOk(to) && getTag(to.value)).toBeTruthy()
    }
    expect(new Driver().request(fromAlice({ method: "ACK", toTag: "nope" }))).toEqual([])
  })

  it("OPTIONS outside a dialog: 200 with Allow, Accept and Supported", () => {
    const response = one(fromAlice({ method: "OPTIONS" }))
    expect(response.status).toBe(200)
    expect(getHeader(response, "Supported")).toBe("replaces")
  })
})
