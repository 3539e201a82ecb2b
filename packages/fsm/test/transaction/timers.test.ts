/**
 * Timer schedules, value by value (RFC 3261 §17.1.1.2, §17.1.2.2, §17.2.1, Table 4; RFC 6026 Timers L and M).
 * The driver fires every timer a machine asked for — stopped ones included — so these also show that stale
 * firings change nothing.
 */
import { describe, expect, it } from "vitest"
import {
  defaultTimerConfig,
  InviteClientTransaction,
  InviteServerTransaction,
  NonInviteClientTransaction,
  NonInviteServerTransaction,
  type Output,
  receive,
  respond,
  timerDuration,
  timerNames,
} from "../../src/transaction/index.js"
import { Driven } from "./support/machine.js"
import { makeTestRequest, makeTestResponse } from "./support/messages.js"

const udp = { reliable: false } as const
const tcp = { reliable: true } as const
const invite = makeTestRequest()
const options = makeTestRequest({ method: "OPTIONS", branch: "z9hG4bKnashds7" })

/** Gaps between consecutive values. */
const gaps = (times: ReadonlyArray<number>): ReadonlyArray<number> =>
  times.slice(1).map((t, i) => t - (times[i] ?? 0))

const terminations = (log: ReadonlyArray<{ at: number; output: Output }>) =>
  log.flatMap((l) => (l.output._tag === "Terminated" ? [{ at: l.at, reason: l.output.reason }] : []))

describe("Table 4 defaults", () => {
  it("T1 = 500 ms, T2 = 4 s, T4 = 5 s", () => {
    expect(defaultTimerConfig).toMatchObject({ t1: 500, t2: 4000, t4: 5000, trying: 200, timerD: 32000 })
  })

  it("gives every timer its value on UDP and on a reliable transport", () => {
    const table = Object.fromEntries(
      timerNames.map((t) => [
        t,
        [timerDuration(t, defaultTimerConfig, false), timerDuration(t, defaultTimerConfig, true)],
      ]),
    )
    expect(table).toEqual({
      A: [500, undefined],
      B: [32000, 32000],
      D: [32000, 0],
      E: [500, undefined],
      F: [32000, 32000],
      G: [500, undefined],
      H: [32000, 32000],
      I: [5000, 0],
      J: [32000, 0],
      K: [5000, 0],
      L: [32000, 32000],
      M: [32000, 32000],
      Trying100: [200, 200],
    })
  })

  it("derives every value from T1, T2 and T4 when they are configured", () => {
    const config = { ...defaultTimerConfig, t1: 100, t2: 1000, t4: 2000 }
    expect(timerDuration("B", config, false)).toBe(6400)
    expect(timerDuration("I", config, false)).toBe(2000)
    expect(timerDuration("J", config, false)).toBe(6400)
    expect(timerDuration("L", config, true)).toBe(6400)
  })
})

describe("INVITE client over UDP (§17.1.1.2)", () => {
  it("retransmits at 0.5, 1, 2, 4, 8, 16 s intervals and times out with Timer B at 32 s", () => {
    const m = new Driven(InviteClientTransaction.step, InviteClientTransaction.start(invite, udp))
    m.run()
    const sends = m.times("Send")
    expect(sends).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500])
    expect(gaps(sends)).toEqual([500, 1000, 2000, 4000, 8000, 16000])
    expect(terminations(m.log)).toEqual([{ at: 32000, reason: { _tag: "Timeout", timer: "B" } }])
    expect(m.state._tag).toBe("Terminated")
  })

  it("arms A at T1 then 2·T1, 4·T1 … with the Send before the StartTimer that retransmits it", () => {
    const started = InviteClientTransaction.start(invite, udp)
    expect(started.outputs.map((o) => o._tag)).toEqual(["Send", "StartTimer", "StartTimer"])
    expect(started.outputs[1]).toMatchObject({ timer: "A", after: 500 })
    expect(started.outputs[2]).toMatchObject({ timer: "B", after: 32000 })
    const m = new Driven(InviteClientTransaction.step, started)
    m.fireNext()
    expect(m.log.slice(-2).map((l) => l.output)).toMatchObject([
      { _tag: "Send" },
      { _tag: "StartTimer", timer: "A", after: 1000 },
    ])
  })

  it("stops retransmitting in Proceeding and never times out there", () => {
    const m = new Driven(InviteClientTransaction.step, InviteClientTransaction.start(invite, udp))
    m.fireNext() // A at 500
    m.now = 700
    m.send(receive(makeTestResponse(invite, 180)))
    m.run()
    expect(m.times("Send")).toEqual([0, 500])
    expect(m.state._tag).toBe("Proceeding")
  })

  it("keeps Completed for Timer D = 32 s after a 486, resending the ACK for each retransmitted 486", () => {
    const m = new Driven(InviteClientTransaction.step, InviteClientTransaction.start(invite, udp))
    m.now = 100
    const busy = makeTestResponse(invite, 486)
    m.send(receive(busy))
    m.now = 1100
    m.send(receive(busy))
    m.run()
    const sent = m
      .outputs("Send")
      .map((o) => (o._tag === "Send" && o.message._tag === "Request" ? o.message.method : ""))
    expect(sent).toEqual(["INVITE", "ACK", "ACK"])
    expect(m.outputs("Deliver")).toHaveLength(1)
    expect(terminations(m.log)).toEqual([{ at: 32100, reason: { _tag: "Normal" } }])
  })

  it("stays in Accepted for Timer M = 64·T1 after a 2xx, passing every 2xx up", () => {
    const m = new Driven(InviteClientTransaction.step, InviteClientTransaction.start(invite, udp))
    m.now = 200
    const ok = makeTestResponse(invite, 200)
    m.send(receive(ok))
    m.now = 700
    m.send(receive(ok))
    m.run()
    expect(m.times("Deliver")).toEqual([200, 700])
    expect(m.times("Send")).toEqual([0])
    expect(terminations(m.log)).toEqual([{ at: 32200, reason: { _tag: "Normal" } }])
  })
})

describe("INVITE client over a reliable transport", () => {
  it("never retransmits; Timer B still times out at 64·T1", () => {
    const m = new Driven(InviteClientTransaction.step, InviteClientTransaction.start(invite, tcp))
    m.run()
    expect(m.times("Send")).toEqual([0])
    expect(terminations(m.log)).toEqual([{ at: 32000, reason: { _tag: "Timeout", timer: "B" } }])
  })

  it("Timer D is zero: a 486 is ACKed, passed up and the transaction ends at once", () => {
    const m = new Driven(InviteClientTransaction.step, InviteClientTransaction.start(invite, tcp))
    m.now = 100
    const outputs = m.send(receive(makeTestResponse(invite, 486)))
    expect(outputs.map((o) => o._tag)).toEqual(["StopTimer", "Send", "Deliver", "Terminated"])
    expect(m.state._tag).toBe("Terminated")
  })
})

describe("non-INVITE client over UDP (§17.1.2.2)", () => {
  it("retransmits at 0.5, 1, 2, 4, 4, 4 … s intervals until Timer F at 32 s", () => {
    const m = new Driven(NonInviteClientTransaction.step, NonInviteClientTransaction.start(options, udp))
    m.run()
    const sends = m.times("Send")
    expect(gaps(sends)).toEqual([500, 1000, 2000, 4000, 4000, 4000, 4000, 4000, 4000, 4000])
    expect(sends).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500])
    expect(terminations(m.log)).toEqual([{ at: 32000, reason: { _tag: "Timeout", timer: "F" } }])
  })

  it("in Proceeding, Timer E is reset to T2", () => {
    const m = new Driven(NonInviteClientTransaction.step, NonInviteClientTransaction.start(options, udp))
    m.now = 100
    m.send(receive(makeTestResponse(options, 100)))
    m.run()
    // E armed at 0 with T1 fires at 500 (now in Proceeding) and is reset to T2 from then on.
    expect(m.times("Send")).toEqual([0, 500, 4500, 8500, 12500, 16500, 20500, 24500, 28500])
    expect(terminations(m.log)).toEqual([{ at: 32000, reason: { _tag: "Timeout", timer: "F" } }])
  })

  it("stays Completed for Timer K = T4 after a final response, absorbing retransmissions", () => {
    const m = new Driven(NonInviteClientTransaction.step, NonInviteClientTransaction.start(options, udp))
    m.run(600)
    m.now = 600
    const ok = makeTestResponse(options, 200)
    m.send(receive(ok))
    m.now = 900
    expect(m.send(receive(ok))).toEqual([])
    m.run()
    expect(m.times("Send")).toEqual([0, 500])
    expect(m.times("Deliver")).toEqual([600])
    expect(terminations(m.log)).toEqual([{ at: 5600, reason: { _tag: "Normal" } }])
  })

  it("on a reliable transport: no Timer E, Timer K is zero", () => {
    const m = new Driven(NonInviteClientTransaction.step, NonInviteClientTransaction.start(options, tcp))
    expect(m.timers.map((t) => t.timer)).toEqual(["F"])
    m.now = 50
    const outputs = m.send(receive(makeTestResponse(options, 200)))
    expect(outputs.map((o) => o._tag)).toEqual(["StopTimer", "Deliver", "Terminated"])
  })
})

describe("INVITE server (§17.2.1)", () => {
  it("sends 100 Trying after 200 ms when the TU has not answered", () => {
    const m = new Driven(InviteServerTransaction.step, InviteServerTransaction.start(invite, udp))
    expect(m.log.map((l) => l.output._tag)).toEqual(["StartTimer", "Deliver"])
    m.fireNext()
    expect(m.now).toBe(200)
    const trying = m.outputs("Send")[0]
    expect(trying?._tag === "Send" && trying.message._tag === "Response" && trying.message.status).toBe(100)
    // a retransmitted INVITE gets the 100 again
    expect(m.send(receive(invite)).map((o) => o._tag)).toEqual(["Send"])
  })

  it("does not send 100 Trying when the TU answers within 200 ms", () => {
    const m = new Driven(InviteServerTransaction.step, InviteServerTransaction.start(invite, udp))
    m.now = 150
    m.send(respond(makeTestResponse(invite, 180)))
    m.fireNext() // the stale Trying100 at 200 ms
    const statuses = m
      .outputs("Send")
      .map((o) => (o._tag === "Send" && o.message._tag === "Response" ? o.message.status : 0))
    expect(statuses).toEqual([180])
  })

  it("Timer G doubles from T1 to T2 and stays there until Timer H at 64·T1", () => {
    const m = new Driven(InviteServerTransaction.step, InviteServerTransaction.start(invite, udp))
    m.now = 100
    m.send(respond(makeTestResponse(invite, 486)))
    m.run()
    const sends = m.times("Send")
    expect(gaps(sends)).toEqual([500, 1000, 2000, 4000, 4000, 4000, 4000, 4000, 4000, 4000])
    expect(sends[0]).toBe(100)
    expect(terminations(m.log)).toEqual([{ at: 32100, reason: { _tag: "Timeout", timer: "H" } }])
  })

  it("an ACK stops G and H; Confirmed lasts Timer I = T4", () => {
    const m = new Driven(InviteServerTransaction.step, InviteServerTransaction.start(invite, udp))
    m.now = 100
    const busy = makeTestResponse(invite, 486)
    m.send(respond(busy))
    m.run(700) // G at 600
    m.now = 800
    m.send(receive(InviteClientAck(busy)))
    expect(m.state._tag).toBe("Confirmed")
    m.run()
    expect(m.times("Send")).toEqual([100, 600])
    expect(terminations(m.log)).toEqual([{ at: 5800, reason: { _tag: "Normal" } }])
  })

  it("Accepted lasts Timer L = 64·T1 after a 2xx", () => {
    const m = new Driven(InviteServerTransaction.step, InviteServerTransaction.start(invite, udp))
    m.now = 100
    m.send(respond(makeTestResponse(invite, 200)))
    m.run()
    expect(m.times("Send")).toEqual([100])
    expect(terminations(m.log)).toEqual([{ at: 32100, reason: { _tag: "Normal" } }])
  })

  it("on a reliable transport: no Timer G, Timer I is zero, H still 64·T1", () => {
    const m = new Driven(InviteServerTransaction.step, InviteServerTransaction.start(invite, tcp))
    m.now = 100
    const busy = makeTestResponse(invite, 486)
    const outputs = m.send(respond(busy))
    expect(outputs.filter((o) => o._tag === "StartTimer")).toMatchObject([{ timer: "H", after: 32000 }])
    m.now = 300
    expect(m.send(receive(InviteClientAck(busy))).map((o) => o._tag)).toEqual(["StopTimer", "Terminated"])
  })
})

describe("non-INVITE server (§17.2.2)", () => {
  it("Completed lasts Timer J = 64·T1 on UDP", () => {
    const m = new Driven(NonInviteServerTransaction.step, NonInviteServerTransaction.start(options, udp))
    m.now = 100
    m.send(respond(makeTestResponse(options, 200)))
    m.run()
    expect(terminations(m.log)).toEqual([{ at: 32100, reason: { _tag: "Normal" } }])
  })

  it("Timer J is zero on a reliable transport", () => {
    const m = new Driven(NonInviteServerTransaction.step, NonInviteServerTransaction.start(options, tcp))
    expect(m.send(respond(makeTestResponse(options, 200))).map((o) => o._tag)).toEqual(["Send", "Terminated"])
  })
})

/** The ACK a client transaction would send for `response` (the §17.1.1.3 construction). */
function InviteClientAck(response: ReturnType<typeof makeTestResponse>) {
  const step = InviteClientTransaction.step(
    InviteClientTransaction.start(invite, udp).state,
    receive(response),
  )
  const ack = step.outputs.find((o) => o._tag === "Send")
  if (ack?._tag !== "Send" || ack.message._tag !== "Request") throw new Error("no ACK")
  return ack.message
}
