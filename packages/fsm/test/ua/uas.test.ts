/**
 * The UAS core (RFC 3261 §8.2, §12.2.2, §13.3, §14.2, §9.2), stepped directly with hand-built requests.
 */
import { getCSeq, getHeader, getHeaderValues, getTag, getTo, isOk, type Response } from "@sipkit/codec"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { UaOutput, UaTimer } from "../../src/ua/index.js"
import { Driver, fromAlice, only, requestsIn, responsesIn } from "./support/drive.js"

const toTag = (response: Response): string | undefined => {
  const to = getTo(response)
  return isOk(to) ? getTag(to.value) : undefined
}

/** Bob receives Alice's INVITE; returns the driver and the call. */
const incoming = (extra: Parameters<typeof fromAlice>[0] = {}) => {
  const driver = new Driver()
  const [report] = driver.request(fromAlice({ body: offerSdp, ...extra }))
  if (report?._tag !== "Report" || report.report._tag !== "IncomingCall") throw new Error("no IncomingCall")
  return { driver, call: report.report.call }
}

const offerSdp =
  "v=0\r\no=alice 1 1 IN IP4 192.168.1.100\r\ns=-\r\nc=IN IP4 192.168.1.100\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\n"

/** Bob answers: returns the 200 and its To tag. */
const answered = () => {
  const { driver, call } = incoming()
  driver.send({ _tag: "Progress", call, status: 180 })
  const ok = only(responsesIn(driver.send({ _tag: "Answer", call })))
  return { driver, call, ok, tag: toTag(ok)! }
}

const confirmed = () => {
  const setup = answered()
  setup.driver.request(fromAlice({ method: "ACK", seq: 1, toTag: setup.tag, branch: "z9hG4bKack" }))
  return setup
}

const timersIn = (outputs: ReadonlyArray<UaOutput>) =>
  outputs.flatMap((o) => (o._tag === "StartTimer" ? [o] : []))

describe("UAS core: responses to the INVITE", () => {
  it("§8.2.6.2 / §12.1.1: 180 and 200 carry the same To tag and a Contact; the 200 carries the SDP answer", () => {
    const { driver, call } = incoming()
    const ringing = only(responsesIn(driver.send({ _tag: "Progress", call, status: 180 })))
    const ok = only(responsesIn(driver.send({ _tag: "Answer", call })))
    expect(toTag(ringing)).toBeDefined()
    expect(toTag(ok)).toBe(toTag(ringing))
    expect(getHeaderValues(ringing, "Contact")).toEqual(["<sip:bob@10.0.0.50>"])
    expect(getHeaderValues(ok, "Contact")).toEqual(["<sip:bob@10.0.0.50>"])
    expect(getHeader(ok, "Content-Type")).toBe("application/sdp")
    expect(new TextDecoder().decode(ok.body)).toContain("m=audio 49172 RTP/AVP 0")
  })

  it("§19.3: the To tag is the step's fresh nonce itself, whether the INVITE is answered or rejected by §8.2", () => {
    // the driver's first event gets nonce "n1"; the §8.2 checks must not use up a tag the answer then cannot have
    const { driver, call } = incoming()
    expect(toTag(only(responsesIn(driver.send({ _tag: "Progress", call, status: 180 }))))).toBe("n1")
    const rejected = only(responsesIn(new Driver().request(fromAlice({ extra: [["Require", "foo"]] }))))
    expect(rejected.status).toBe(420)
    expect(toTag(rejected)).toBe("n1")
  })

  it("an INVITE without Contact cannot create a dialog: 400", () => {
    const driver = new Driver()
    const bare = fromAlice()
    const noContact = { ...bare, headers: bare.headers.filter((h) => h.name !== "Contact") }
    expect(only(responsesIn(driver.request(noContact))).status).toBe(400)
  })

  it("an offer nothing can answer: 488 with Warning (RFC 3264 §6)", () => {
    const { driver, call } = incoming({ body: offerSdp.replace("RTP/AVP 0", "RTP/AVP 18") })
    const rejected = only(responsesIn(driver.send({ _tag: "Answer", call })))
    expect(rejected.status).toBe(488)
    expect(getHeader(rejected, "Warning")).toMatch(/^30\d /)
  })
})

describe("UAS core: §13.3.1.4 2xx retransmission until the ACK", () => {
  it("retransmits at T1, 2·T1, 4·T1 … capped at T2, and after 64·T1 without ACK sends BYE and reports 408", () => {
    const { driver, call } = answered()
    const [retransmit, timeout] = timersIn(driver.log)
    expect(retransmit).toMatchObject({ timer: { _tag: "2xxRetransmit", attempt: 0 }, after: 500 })
    expect(timeout).toMatchObject({ timer: { _tag: "2xxTimeout" }, after: 32_000 })
    let now = 0
    let timer = retransmit!
    const sentAt: Array<number> = []
    while (now + timer.after < 32_000) {
      now += timer.after
      const outputs = driver.send({ _tag: "TimerFired", timer: timer.timer })
      expect(only(responsesIn(outputs)).status).toBe(200)
      sentAt.push(now)
      timer = only(timersIn(outputs))
    }
    expect(sentAt).toEqual([500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500])
    const end = driver.send({ _tag: "TimerFired", timer: timeout!.timer })
    expect(only(requestsIn(end)).method).toBe("BYE")
    expect(end.find((o) => o._tag === "Report")).toMatchObject({
      report: { _tag: "Ended", status: 408, call },
    })
  })

  it("the ACK stops the retransmissions; later and stale firings change nothing", () => {
    const { driver, ok } = answered()
    const [retransmit, timeout] = timersIn(driver.log)
    const acked = driver.request(
      fromAlice({ method: "ACK", seq: 1, toTag: toTag(ok)!, branch: "z9hG4bKack" }),
    )
    expect(acked.filter((o) => o._tag === "StopTimer")).toHaveLength(2)
    expect(acked.find((o) => o._tag === "Report")).toMatchObject({ report: { _tag: "Established" } })
    const before = driver.state
    expect(driver.send({ _tag: "TimerFired", timer: retransmit!.timer })).toEqual([])
    expect(driver.send({ _tag: "TimerFired", timer: timeout!.timer })).toEqual([])
    expect(driver.state).toBe(before)
  })

  it("a stale retransmission firing (an older attempt) is a no-op", () => {
    const { driver } = answered()
    const [retransmit] = timersIn(driver.log)
    driver.send({ _tag: "TimerFired", timer: retransmit!.timer })
    const before = driver.state
    expect(driver.send({ _tag: "TimerFired", timer: retransmit!.timer })).toEqual([])
    expect(driver.state).toBe(before)
  })
})

/** Virtual time for one driven core: its timers by deadline, fired in order until none is left (bounded). */
const runTimers = (driver: Driver, from: ReadonlyArray<UaOutput>): ReadonlyArray<UaOutput> => {
  const armed = new Map<string, { at: number; timer: UaTimer }>()
  let now = 0
  const track = (outputs: ReadonlyArray<UaOutput>) => {
    for (const o of outputs) {
      if (o._tag === "StartTimer") armed.set(JSON.stringify(o.timer), { at: now + o.after, timer: o.timer })
      if (o._tag === "StopTimer") armed.delete(JSON.stringify(o.timer))
    }
  }
  track(from)
  const fired: Array<UaOutput> = []
  for (let i = 0; i < 100 && armed.size > 0; i++) {
    const [key, next] = [...armed].reduce((a, b) => (b[1].at < a[1].at ? b : a))
    armed.delete(key)
    now = next.at
    const outputs = driver.send({ _tag: "TimerFired", timer: next.timer })
    fired.push(...outputs)
    track(outputs)
  }
  return fired
}

const endedIn = (outputs: ReadonlyArray<UaOutput>) =>
  outputs.flatMap((o) => (o._tag === "Report" && o.report._tag === "Ended" ? [o.report] : []))

describe("UAS core: hanging up while a re-INVITE's 2xx is retransmitted (§13.3.1.4, §14.2, §15)", () => {
  /** Bob's call confirmed, Alice's re-INVITE answered 200 (retransmitted until its ACK), then Bob hangs up. */
  const byeDuringReinvite2xx = () => {
    const setup = confirmed()
    const { driver, call, tag } = setup
    const reinvite = fromAlice({ seq: 2, toTag: tag, branch: "z9hG4bKre", body: offerSdp })
    expect(only(responsesIn(driver.request(reinvite))).status).toBe(200)
    const hungUp = driver.send({ _tag: "Hangup", call })
    expect(only(requestsIn(hungUp)).method).toBe("BYE")
    expect(endedIn(hungUp)).toMatchObject([{ status: 200, by: "local" }])
    return setup
  }

  it("the ACK of the 2xx still stops its retransmissions after our BYE, and the call reports Ended once", () => {
    const { driver, call, tag } = byeDuringReinvite2xx()
    const acked = driver.request(fromAlice({ method: "ACK", seq: 2, toTag: tag, branch: "z9hG4bKack2" }))
    expect(
      acked.filter((o) => o._tag === "StopTimer").map((o) => o._tag === "StopTimer" && o.timer._tag),
    ).toEqual(["2xxRetransmit", "2xxTimeout"])
    const later = runTimers(driver, driver.log)
    expect(responsesIn(later)).toEqual([])
    expect(endedIn(driver.log)).toHaveLength(1)
    // settled now: kept as an ended call (ended.ts), without the INVITE or the dialog
    const ended = driver.state.calls.get(call)!
    expect([ended.accepting, ended.dialog, ended.invite.body.length]).toEqual([undefined, undefined, 0])
    expect(ended.invite.headers).toEqual([])
  })

  it("without the ACK the 2xx stops at 64·T1 with no second BYE and no second Ended", () => {
    const { driver } = byeDuringReinvite2xx()
    const later = runTimers(driver, driver.log)
    expect(responsesIn(later).length).toBeGreaterThan(0)
    expect(requestsIn(later)).toEqual([])
    expect(endedIn(driver.log)).toHaveLength(1)
  })
})

describe("UAS core: requests inside the dialog", () => {
  it("§12.2.2: a request for an unknown dialog gets 481; its ACK gets nothing", () => {
    const { driver } = confirmed()
    expect(
      only(responsesIn(driver.request(fromAlice({ method: "BYE", seq: 2, toTag: "other" })))).status,
    ).toBe(481)
    expect(driver.request(fromAlice({ method: "ACK", seq: 2, toTag: "other" }))).toEqual([])
  })

  it("§12.2.2: a lower CSeq gets 500", () => {
    const { driver, tag } = confirmed()
    driver.request(fromAlice({ method: "INFO", seq: 5, toTag: tag, branch: "z9hG4bKi5" }))
    expect(
      only(
        responsesIn(driver.request(fromAlice({ method: "INFO", seq: 4, toTag: tag, branch: "z9hG4bKi4" }))),
      ).status,
    ).toBe(500)
  })

  it("§14.2: an INVITE while our own re-INVITE is pending gets 491 (glare)", () => {
    const { driver, call, tag } = confirmed()
    const hold = requestsIn(driver.send({ _tag: "Hold", call }))
    expect(only(hold).method).toBe("INVITE")
    const glare = driver.request(
      fromAlice({ method: "INVITE", seq: 2, toTag: tag, branch: "z9hG4bKre", body: offerSdp }),
    )
    expect(only(responsesIn(glare)).status).toBe(491)
  })

  it("§14.2: a second INVITE before the first was ACKed gets 500 with Retry-After", () => {
    const { driver, tag } = confirmed()
    driver.request(fromAlice({ method: "INVITE", seq: 2, toTag: tag, branch: "z9hG4bKre1", body: offerSdp }))
    const second = driver.request(
      fromAlice({ method: "INVITE", seq: 3, toTag: tag, branch: "z9hG4bKre2", body: offerSdp }),
    )
    const response = only(responsesIn(second))
    expect(response.status).toBe(500)
    expect(Number(getHeader(response, "Retry-After"))).toBeLessThanOrEqual(10)
  })

  it("§15.1.2: BYE gets 200 and ends the call; the dialog then answers 481", () => {
    const { driver, tag } = confirmed()
    const bye = driver.request(fromAlice({ method: "BYE", seq: 2, toTag: tag, branch: "z9hG4bKbye" }))
    expect(only(responsesIn(bye)).status).toBe(200)
    expect(bye.find((o) => o._tag === "Report")).toMatchObject({ report: { _tag: "Ended", by: "remote" } })
    expect(only(responsesIn(driver.request(fromAlice({ method: "INFO", seq: 3, toTag: tag })))).status).toBe(
      481,
    )
  })

  it("a BYE outside any dialog gets 481; REFER outside a dialog is refused (403)", () => {
    const driver = new Driver()
    expect(only(responsesIn(driver.request(fromAlice({ method: "BYE" })))).status).toBe(481)
    expect(only(responsesIn(driver.request(fromAlice({ method: "REFER" })))).status).toBe(403)
  })
})

describe("UAS core: merged requests (§8.2.2.2)", () => {
  it("the same INVITE arriving along a second fork (another top Via) gets 482", () => {
    const { driver } = incoming()
    const merged = driver.request(fromAlice({ body: offerSdp, branch: "z9hG4bKfork2" }))
    expect(only(responsesIn(merged)).status).toBe(482)
    expect(driver.state.calls.size).toBe(1)
  })
})

describe("UAS core: CANCEL (§9.2)", () => {
  it("a CANCEL of a pending INVITE: 200 to the CANCEL, 487 to the INVITE, same To tag", () => {
    const { driver } = incoming()
    driver.send({ _tag: "Progress", call: [...driver.state.calls.keys()][0]!, status: 180 })
    const responses = responsesIn(driver.request(fromAlice({ method: "CANCEL" })))
    expect(
      responses.map((r) => [
        r.status,
        isOk(getCSeq(r)) ? (getCSeq(r) as { value: { method: string } }).value.method : "",
      ]),
    ).toEqual([
      [200, "CANCEL"],
      [487, "INVITE"],
    ])
    expect(toTag(responses[0]!)).toBe(toTag(responses[1]!))
  })

  it("a CANCEL after the final response: 200 only; a CANCEL matching nothing: 481", () => {
    const { driver } = answered()
    expect(responsesIn(driver.request(fromAlice({ method: "CANCEL" }))).map((r) => r.status)).toEqual([200])
    expect(
      responsesIn(driver.request(fromAlice({ method: "CANCEL", branch: "z9hG4bKzz" }))).map((r) => r.status),
    ).toEqual([481])
  })
})

describe("law: a To tag on every response but 100 (§8.2.6.2)", () => {
  const methods = ["INVITE", "BYE", "CANCEL", "OPTIONS", "INFO", "REFER", "NOTIFY", "REGISTER", "FOO", "ACK"]
  const request = fc.record({
    method: fc.constantFrom(...methods),
    seq: fc.integer({ min: 1, max: 5 }),
    toTag: fc.option(fc.constantFrom("n1", "x"), { nil: undefined }),
    branch: fc.constantFrom("z9hG4bKa1", "z9hG4bKa2"),
    require: fc.boolean(),
  })
  const command = fc.constantFrom("Progress", "Answer", "Reject", "Hangup")

  it("holds for any sequence of requests and commands", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(request, command), { maxLength: 12 }), (events) => {
        const driver = new Driver()
        for (const event of events) {
          if (typeof event === "string") {
            for (const call of driver.state.calls.keys())
              driver.send(
                event === "Progress"
                  ? { _tag: "Progress", call, status: 180 }
                  : event === "Reject"
                    ? { _tag: "Reject", call, status: 486 }
                    : { _tag: event, call },
              )
          } else {
            const extra: ReadonlyArray<readonly [string, string]> = event.require ? [["Require", "foo"]] : []
            const { toTag: tag, ...rest } = event
            driver.request(fromAlice({ ...rest, ...(tag === undefined ? {} : { toTag: tag }), extra }))
          }
        }
        for (const response of responsesIn(driver.log)) expect(toTag(response)).toBeTruthy()
      }),
      { numRuns: 200 },
    )
  })
})
