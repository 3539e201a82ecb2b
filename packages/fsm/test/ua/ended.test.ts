/**
 * An ended UAS call, as the core keeps it for the 64·T1 before the runtime's `Forget` (src/ua/ended.ts): the same
 * answers as the live record would give (§17.2.2 absorbs the BYE's retransmissions, §12.2.2 481, §9.2 CANCEL,
 * RFC 3891 §3 Replaces), none of the INVITE's SDP or headers, and nothing at all after `Forget`.
 */
import { getHeader, getTag, getTo, isOk, parseMessage, type Request, type Response } from "@sipkit/codec"
import { describe, expect, it } from "vitest"
import { receive, respond, TransactionTable } from "../../src/transaction/index.js"
import { step, type UaEvent } from "../../src/ua/index.js"
import { Driver, fromAlice, only, responsesIn } from "./support/drive.js"

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

const offerSdp =
  "v=0\r\no=alice 1 1 IN IP4 192.168.1.100\r\ns=-\r\nc=IN IP4 192.168.1.100\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\n"

const toTag = (response: Response): string | undefined => {
  const to = getTo(response)
  return isOk(to) ? getTag(to.value) : undefined
}

/** INVITE, 180, 200 and ACK: a confirmed call on Bob's side. */
const answeredAndAcked = () => {
  const driver = new Driver()
  const invite = fromAlice({ body: offerSdp, extra: [["Subject", "Performance Test"]] })
  const [report] = driver.request(invite)
  if (report?._tag !== "Report" || report.report._tag !== "IncomingCall") throw new Error("no IncomingCall")
  const call = report.report.call
  driver.send({ _tag: "Respond", request: invite, status: 180 })
  const ok = only(responsesIn(driver.send({ _tag: "Respond", request: invite, status: 200 })))
  const tag = toTag(ok)!
  driver.request(fromAlice({ method: "ACK", seq: 1, toTag: tag, branch: "z9hG4bKack" }))
  return { driver, call, invite, tag }
}

/** SIPp's uac seen by Bob: INVITE, 180, 200, ACK, BYE (answered 200). */
const endedCall = () => {
  const { driver, call, invite, tag } = answeredAndAcked()
  const bye = fromAlice({ method: "BYE", seq: 2, toTag: tag, branch: "z9hG4bKbye" })
  const byeOk = only(responsesIn(driver.request(bye)))
  return { driver, call, invite, tag, bye, byeOk }
}

const statusOf = (outputs: ReturnType<Driver["request"]>): ReadonlyArray<number> =>
  responsesIn(outputs).map((r) => r.status)

describe("an ended UAS call (§17, §12.2.2, §9.2)", () => {
  it("keeps none of the INVITE, its dialog or SDP: it reads as a call that ended with nothing pending", () => {
    const { driver, call, invite, tag, byeOk } = endedCall()
    expect(byeOk.status).toBe(200)
    const ended = driver.state.calls.get(call)!
    expect([ended.ref, ended.role, ended.phase, ended.localTag]).toEqual([call, "UAS", "Terminated", tag])
    expect([ended.dialog, ended.dialogs, ended.accepting, ended.reinvite, ended.glare]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ])
    expect(ended.media).toEqual({ local: undefined, remote: undefined, early: undefined, held: false })
    expect(ended.invite).not.toBe(invite)
    expect([ended.invite.headers.length, ended.invite.body.length]).toEqual([0, 0])
    expect(getHeader(ended.invite, "Subject")).toBeUndefined()
  })

  it("is one flat record of strings and numbers: no Request, header record, dialog or name-addr, no datagram's text", () => {
    const { driver, call } = endedCall()
    const ended = driver.state.calls.get(call)!
    const fields = Object.values(ended)
    expect(fields.every((v) => typeof v === "string" || typeof v === "number" || v === undefined)).toBe(true)
    // its strings are the call's name, the INVITE's index key and `branch Request-URI`: not a message's text
    const strings = fields.filter((v): v is string => typeof v === "string")
    expect(strings.join("").length).toBeLessThan(160)
    for (const text of strings) expect(text).not.toMatch(/SIP\/2\.0|\r\n/)
    // the state's index of INVITEs holds it under its key
    expect(driver.state.invites.get(ended.inviteKey ?? "")).toBe(call)
  })

  it("§17.2.2: a retransmitted BYE is absorbed by its server transaction, which resends the same 200", () => {
    const { bye, byeOk } = endedCall()
    const started = TransactionTable.startServer(TransactionTable.empty, bye, { reliable: false })
    if (started._tag === "Err") throw new Error("no server transaction")
    const { table, key } = started.value
    const answered = TransactionTable.step(table, key, respond(byeOk))
    const again = TransactionTable.step(answered.table, key, receive<Request>(bye))
    expect(again.outputs).toEqual([{ _tag: "Send", message: byeOk }])
  })

  it("§12.2.2: a request in the ended dialog that reaches the core (new transaction) gets 481; an ACK nothing", () => {
    const { driver, tag } = endedCall()
    const again = fromAlice({ method: "BYE", seq: 2, toTag: tag, branch: "z9hG4bKbye2" })
    expect(statusOf(driver.request(again))).toEqual([481])
    const info = fromAlice({ method: "INFO", seq: 3, toTag: tag, branch: "z9hG4bKinfo" })
    expect(statusOf(driver.request(info))).toEqual([481])
    expect(driver.request(fromAlice({ method: "ACK", seq: 1, toTag: tag, branch: "z9hG4bKack2" }))).toEqual(
      [],
    )
  })

  it("§9.2: a CANCEL of its INVITE still gets 200 with the call's To tag, and no 487", () => {
    const { driver, tag } = endedCall()
    const responses = responsesIn(driver.request(fromAlice({ method: "CANCEL", seq: 1 })))
    expect(responses.map((r) => [r.status, toTag(r)])).toEqual([[200, tag]])
    const other = responsesIn(driver.request(fromAlice({ method: "CANCEL", seq: 1, branch: "z9hG4bKother" })))
    expect(other.map((r) => r.status)).toEqual([481])
  })

  it("RFC 3891 §3: an INVITE whose Replaces names the ended dialog is refused with 603", () => {
    const { driver, tag } = endedCall()
    const replacing = fromAlice({
      callId: "c2@192.168.1.100",
      branch: "z9hG4bKnew",
      extra: [["Replaces", `c1@192.168.1.100;to-tag=${tag};from-tag=a-tag`]],
    })
    expect(statusOf(driver.request(replacing))).toEqual([603])
  })

  it("§13.3.1.4: a call that ends while its re-INVITE's 2xx is still retransmitted keeps retransmitting it", () => {
    const { driver, call, invite, tag } = answeredAndAcked()
    const reinvite = fromAlice({ method: "INVITE", seq: 2, toTag: tag, branch: "z9hG4bKre", body: offerSdp })
    const ok = only(responsesIn(driver.request(reinvite)))
    driver.send({ _tag: "Hangup", call })
    const ended = driver.state.calls.get(call)!
    expect([ended.phase, ended.invite]).toEqual(["Terminated", invite])
    const again = driver.send({
      _tag: "TimerFired",
      timer: { _tag: "2xxRetransmit", call, seq: 2, attempt: 0 },
    })
    expect(responsesIn(again)).toEqual([ok])
  })

  it("answers from what it kept of long values as the live call did: 481, CANCEL 200 (Request-URI and branch), Replaces 603", () => {
    const wire = (method: string, seq: number, toTag: string, body = "") =>
      `${method} sip:bob@10.0.0.50:5060;transport=udp SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bK-${method}-long-branch\r\n` +
      `Record-Route: <sip:proxy.example.com;lr>, "A Proxy Display Name" <sip:p2.example.com;lr>\r\n` +
      `From: "Alice Liddell of Wonderland" <sip:alice@example.com>;tag=a-long-from-tag-1234\r\n` +
      `t: Bob <sip:bob@example.com>${toTag === "" ? "" : `;tag=${toTag}`}\r\n` +
      `Call-ID: long-call-id-0123456789@192.168.1.100\r\nCSeq: ${seq} ${method}\r\n` +
      `Contact: <sip:alice@192.168.1.100:5060;transport=udp>\r\n` +
      `Content-Length: ${body.length}\r\n${body === "" ? "" : "Content-Type: application/sdp\r\n"}\r\n${body}`
    const parsed = (text: string): Request => {
      const message = parseMessage(text)
      if (!isOk(message) || message.value._tag !== "Request") throw new Error("did not parse")
      return message.value
    }
    const driver = new Driver()
    const invite = parsed(wire("INVITE", 1, "", offerSdp))
    const [report] = driver.request(invite)
    if (report?._tag !== "Report" || report.report._tag !== "IncomingCall") throw new Error("no IncomingCall")
    const call = report.report.call
    const tag = toTag(only(responsesIn(driver.send({ _tag: "Respond", request: invite, status: 200 }))))!
    driver.request(parsed(wire("ACK", 1, tag)))
    expect(statusOf(driver.request(parsed(wire("BYE", 2, tag))))).toEqual([200])
    expect(driver.state.calls.get(call)?.dialog).toBeUndefined()
    expect(statusOf(driver.request(parsed(wire("INFO", 3, tag))))).toEqual([481])
    const cancelOf = (text: string) => parsed(text.replace("branch=z9hG4bK-CANCEL", "branch=z9hG4bK-INVITE"))
    const cancel = wire("CANCEL", 1, "")
    expect(responsesIn(driver.request(cancelOf(cancel))).map((r) => [r.status, toTag(r)])).toEqual([
      [200, tag],
    ])
    // §9.2 matches the INVITE's Request-URI and top Via branch too (what was kept of them)
    const otherUri = cancelOf(
      cancel.replace("CANCEL sip:bob@10.0.0.50:5060", "CANCEL sip:bob@10.0.0.51:5060"),
    )
    expect(statusOf(driver.request(otherUri))).toEqual([481])
    const longer = cancelOf(cancel.replace("-long-branch", "-long-branch-2"))
    expect(statusOf(driver.request(longer))).toEqual([481])
    // RFC 3891 §3 in both orientations of the tags; another From tag names no dialog
    const callId = "long-call-id-0123456789@192.168.1.100"
    const replacing = (value: string) =>
      parsed(
        wire("INVITE", 1, "")
          .replace(callId, "another-call@192.168.1.100")
          .replace("Content-Length: 0\r\n", `Replaces: ${value}\r\nContent-Length: 0\r\n`),
      )
    const fromTag = "a-long-from-tag-1234"
    expect(statusOf(driver.request(replacing(`${callId};to-tag=${tag};from-tag=${fromTag}`)))).toEqual([603])
    expect(statusOf(driver.request(replacing(`${callId};to-tag=${fromTag};from-tag=${tag}`)))).toEqual([603])
    expect(
      statusOf(driver.request(replacing(`${callId};to-tag=${tag};from-tag=a-long-from-tag-123`))),
    ).toEqual([481])
    expect(statusOf(driver.request(replacing(`${callId}x;to-tag=${tag};from-tag=${fromTag}`)))).toEqual([481])
  })

  it("holds none of its datagrams' text: calls whose INVITE and BYE are 8 KB each hold under 6 KB each once ended (12.6 KB when a string is kept as a view)", async () => {
    // a full GC, then the heap the ended calls hold; a string kept as a view of its datagram would keep its 8 KB
    const v8 = await import("node:v8")
    const vm = await import("node:vm")
    v8.setFlagsFromString("--expose-gc")
    const gc = vm.runInNewContext("gc") as () => void
    const pad = "x".repeat(8000)
    const wire = (n: number, method: string, seq: number, toTag: string) =>
      `${method} sip:bob@10.0.0.50:5060;transport=udp SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bK-${method}-long-branch-${n}\r\n` +
      `From: "Alice Liddell of Wonderland" <sip:alice@example.com>;tag=a-long-from-tag-${n}\r\n` +
      `To: Bob <sip:bob@example.com>${toTag === "" ? "" : `;tag=${toTag}`}\r\n` +
      `Call-ID: long-call-id-${n}@192.168.1.100\r\nCSeq: ${seq} ${method}\r\n` +
      `Contact: <sip:alice@192.168.1.100:5060;transport=udp>\r\nX-Pad: ${pad}\r\nContent-Length: 0\r\n\r\n`
    const parsed = (text: string): Request => {
      const message = parseMessage(text)
      if (!isOk(message) || message.value._tag !== "Request") throw new Error("did not parse")
      return message.value
    }
    // stepped without the test Driver, whose log keeps every output (and with it every request)
    let state = new Driver().state
    let nonce = 0
    const run = (event: DistributiveOmit<UaEvent, "nonce">) => {
      const result = step(state, { ...event, nonce: `n${nonce++}` } as UaEvent)
      state = result.state
      return result.outputs
    }
    const calls = 300
    gc()
    const before = process.memoryUsage().heapUsed
    for (let n = 0; n < calls; n++) {
      const invite = parsed(wire(n, "INVITE", 1, ""))
      run({ _tag: "RequestReceived", request: invite })
      const tag = toTag(only(responsesIn(run({ _tag: "Respond", request: invite, status: 200 }))))!
      run({ _tag: "RequestReceived", request: parsed(wire(n, "ACK", 1, tag)) })
      expect(statusOf(run({ _tag: "RequestReceived", request: parsed(wire(n, "BYE", 2, tag)) }))).toEqual([
        200,
      ])
    }
    gc()
    const held = (process.memoryUsage().heapUsed - before) / calls
    expect(state.calls.size).toBe(calls)
    expect([...state.calls.values()].every((call) => call.phase === "Terminated")).toBe(true)
    expect(held).toBeLessThan(6000)
  })

  it("after Forget (the runtime's 64·T1) nothing of the call is held", () => {
    const { driver, call } = endedCall()
    driver.send({ _tag: "Forget", call })
    expect(driver.state.calls.size).toBe(0)
    expect(driver.state.invites.size).toBe(0)
  })
})
