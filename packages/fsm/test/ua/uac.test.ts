/**
 * The UAC core (RFC 3261 §13.2, §9.1, §22.2, §8.1.3.4), stepped directly with hand-built responses.
 */
import {
  getCallId,
  getCSeq,
  getFrom,
  getHeader,
  getHeaderValues,
  getTag,
  isOk,
  type Request,
} from "@sipkit/codec"
import { makeChallenge, parseCredentials } from "@sipkit/codec/digest"
import { describe, expect, it } from "vitest"
import type { UaOutput, UaReport } from "../../src/ua/index.js"
import { answerTo, Driver, only, requestsIn } from "./support/drive.js"
import { inviteBob } from "./support/parties.js"

const alice = (config: ConstructorParameters<typeof Driver>[0] = {}) =>
  new Driver({ contact: "sip:alice@192.168.1.100", via: "SIP/2.0/UDP 192.168.1.100:5060", ...config })

const call = "12345@192.168.1.100;a73kszlfl"

const calling = (config: ConstructorParameters<typeof Driver>[0] = {}) => {
  const driver = alice(config)
  const invite = only(requestsIn(driver.send(inviteBob())))
  return { driver, invite }
}

const reports = (outputs: ReadonlyArray<UaOutput>): ReadonlyArray<UaReport> =>
  outputs.flatMap((o) => (o._tag === "Report" ? [o.report] : []))

const acks = (outputs: ReadonlyArray<UaOutput>) => outputs.filter((o) => o._tag === "SendAck")

const seq = (request: Request) => {
  const cseq = getCSeq(request)
  return isOk(cseq) ? cseq.value : undefined
}

describe("UAC core: the INVITE and its 2xx", () => {
  it("§13.2.1: the INVITE has Contact, Allow, Supported, CSeq 1 and an SDP offer", () => {
    const { invite } = calling()
    expect(getHeaderValues(invite, "Contact")).toEqual(["<sip:alice@192.168.1.100>"])
    expect(getHeader(invite, "Allow")).toContain("INVITE")
    expect(seq(invite)).toEqual({ seq: 1, method: "INVITE" })
    expect(getHeader(invite, "Content-Type")).toBe("application/sdp")
  })

  it("§13.2.2.4: an ACK for every 2xx — the same ACK again for a retransmission — then Established once", () => {
    const { driver, invite } = calling()
    expect(reports(driver.response(answerTo(invite, 180, "b1")))).toMatchObject([
      { _tag: "Ringing", status: 180 },
    ])
    const first = driver.response(answerTo(invite, 200, "b1"))
    const ack = acks(first)
    expect(ack).toHaveLength(1)
    expect(reports(first)).toMatchObject([{ _tag: "Established", call }])
    const again = driver.response(answerTo(invite, 200, "b1"))
    expect(acks(again)).toEqual(ack)
    expect(reports(again)).toEqual([])
    const sent = (ack[0] as { request: Request }).request
    expect(sent.uri).toBe("sip:bob@10.0.0.50")
    expect(seq(sent)).toEqual({ seq: 1, method: "ACK" })
  })

  it("§13.2.2.4: a 2xx from another fork is ACKed and then BYEd; its retransmission is ACKed again", () => {
    const { driver, invite } = calling()
    driver.response(answerTo(invite, 200, "office"))
    const other = driver.response(answerTo(invite, 200, "mobile", [["Contact", "<sip:bob@mobile.example>"]]))
    expect(requestsIn(other).map((r) => [r.method, r.uri])).toEqual([
      ["ACK", "sip:bob@mobile.example"],
      ["BYE", "sip:bob@mobile.example"],
    ])
    expect(reports(other)).toEqual([])
    const again = driver.response(answerTo(invite, 200, "mobile", [["Contact", "<sip:bob@mobile.example>"]]))
    expect(requestsIn(again).map((r) => r.method)).toEqual(["ACK"])
    expect(driver.state.calls.get(call)?.dialog?.id.remoteTag).toBe("office")
  })

  it("early media (RFC 3960): the 183's SDP is reported and stays the answer when the 200 has none", () => {
    const { driver, invite } = calling()
    const sdp =
      "v=0\r\no=bob 1 1 IN IP4 10.0.0.50\r\ns=-\r\nc=IN IP4 10.0.0.50\r\nt=0 0\r\nm=audio 49172 RTP/AVP 0\r\n"
    const early = driver.response(answerTo(invite, 183, "b1", [["Contact", "<sip:bob@10.0.0.50>"]], sdp))
    expect(reports(early)).toMatchObject([{ _tag: "Ringing", status: 183, sdp }])
    expect(reports(driver.response(answerTo(invite, 200, "b1")))).toMatchObject([
      { _tag: "Established", remoteSdp: sdp },
    ])
  })

  it("a final failure ends the call (the transaction ACKs it, §17.1.1.3); a Timer B timeout is a 408", () => {
    const { driver, invite } = calling()
    const busy = driver.response(answerTo(invite, 486, "b1"))
    expect(acks(busy)).toEqual([])
    expect(reports(busy)).toMatchObject([{ _tag: "Ended", status: 486, by: "remote" }])
    const other = calling()
    const failed = other.driver.send({ _tag: "TransactionFailed", request: other.invite, reason: "Timeout" })
    expect(reports(failed)).toMatchObject([{ _tag: "Ended", status: 408 }])
  })
})

describe("UAC core: CANCEL (§9.1)", () => {
  it("waits for a provisional response, then sends a CANCEL built from the INVITE", () => {
    const { driver, invite } = calling()
    expect(driver.send({ _tag: "Cancel", call })).toEqual([])
    const cancel = only(requestsIn(driver.response(answerTo(invite, 100))))
    expect(cancel.method).toBe("CANCEL")
    expect(cancel.uri).toBe(invite.uri)
    expect(getHeaderValues(cancel, "Via")).toEqual(getHeaderValues(invite, "Via"))
    expect(getCallId(cancel)).toEqual(getCallId(invite))
    expect(getHeader(cancel, "From")).toBe(getHeader(invite, "From"))
    expect(getHeader(cancel, "To")).toBe(getHeader(invite, "To"))
    expect(seq(cancel)).toEqual({ seq: 1, method: "CANCEL" })
    expect(driver.send({ _tag: "Cancel", call })).toEqual([])
  })

  it("a 2xx that crossed the CANCEL is ACKed and BYEd, and the call ends", () => {
    const { driver, invite } = calling()
    driver.response(answerTo(invite, 180, "b1"))
    driver.send({ _tag: "Cancel", call })
    const crossed = driver.response(answerTo(invite, 200, "b1"))
    expect(requestsIn(crossed).map((r) => r.method)).toEqual(["ACK", "BYE"])
    expect(reports(crossed)).toMatchObject([{ _tag: "Ended", status: 487 }])
  })
})

describe("UAC core: digest retry (§22.2) and redirects (§8.1.3.4)", () => {
  const challenge = (nonce: string) =>
    makeChallenge({ realm: "example.com", nonce, qop: ["auth"], algorithm: "MD5" })

  it("401 → the INVITE again with Authorization, the next CSeq, a new branch; the same nonce twice ends the call", () => {
    const { driver, invite } = calling({ credentials: { username: "alice", password: "secret" } })
    const retry = only(
      requestsIn(driver.response(answerTo(invite, 401, "p1", [["WWW-Authenticate", challenge("n1")]]))),
    )
    expect(seq(retry)).toEqual({ seq: 2, method: "INVITE" })
    expect(getHeader(retry, "Via")).not.toBe(getHeader(invite, "Via"))
    expect(getCallId(retry)).toEqual(getCallId(invite))
    const from = getFrom(retry)
    expect(isOk(from) && getTag(from.value)).toBe("a73kszlfl")
    const credentials = parseCredentials(getHeader(retry, "Authorization") ?? "")
    expect(credentials).toMatchObject({
      value: {
        username: "alice",
        realm: "example.com",
        nonce: "n1",
        uri: "sip:bob@example.com",
        qop: "auth",
      },
    })
    const again = driver.response(answerTo(retry, 401, "p1", [["WWW-Authenticate", challenge("n1")]]))
    expect(requestsIn(again)).toEqual([])
    expect(reports(again)).toMatchObject([{ _tag: "Ended", status: 401 }])
  })

  it("407 → Proxy-Authorization; without credentials a 401 just ends the call", () => {
    const { driver, invite } = calling({ credentials: { username: "alice", password: "secret" } })
    const retry = only(
      requestsIn(driver.response(answerTo(invite, 407, "p1", [["Proxy-Authenticate", challenge("n2")]]))),
    )
    expect(getHeader(retry, "Proxy-Authorization")).toMatch(/^Digest /)
    const plain = calling()
    expect(
      reports(
        plain.driver.response(answerTo(plain.invite, 401, "p1", [["WWW-Authenticate", challenge("n3")]])),
      ),
    ).toMatchObject([{ _tag: "Ended", status: 401 }])
  })

  it("3xx with recursion: the INVITE again to the Contact with the highest q, never to a target twice", () => {
    const { driver, invite } = calling({ followRedirects: true })
    const moved = answerTo(invite, 302, "r1", [
      ["Contact", "<sip:bob@home.example>;q=0.5, <sip:bob@mobile.example>;q=0.9"],
    ])
    const retry = only(requestsIn(driver.response(moved)))
    expect(retry.uri).toBe("sip:bob@mobile.example")
    expect(seq(retry)).toEqual({ seq: 2, method: "INVITE" })
    const next = only(
      requestsIn(
        driver.response(
          answerTo(retry, 302, "r2", [["Contact", "<sip:bob@mobile.example>, <sip:bob@home.example>"]]),
        ),
      ),
    )
    expect(next.uri).toBe("sip:bob@home.example")
    const done = driver.response(answerTo(next, 302, "r3", [["Contact", "<sip:bob@mobile.example>"]]))
    expect(reports(done)).toMatchObject([{ _tag: "Ended", status: 302 }])
  })

  it("3xx without recursion ends the call", () => {
    const { driver, invite } = calling()
    expect(
      reports(driver.response(answerTo(invite, 302, "r1", [["Contact", "<sip:bob@home.example>"]]))),
    ).toMatchObject([{ _tag: "Ended", status: 302 }])
  })
})

describe("UAC core: reordering", () => {
  it("a provisional that arrives after the 2xx changes nothing (the call stays Confirmed, hang-up is a BYE)", () => {
    const { driver, invite } = calling()
    driver.response(answerTo(invite, 200, "b1"))
    expect(driver.response(answerTo(invite, 180, "b1"))).toEqual([])
    expect(driver.state.calls.get(call)?.phase).toBe("Confirmed")
    expect(requestsIn(driver.send({ _tag: "Hangup", call })).map((r) => r.method)).toEqual(["BYE"])
  })
})
