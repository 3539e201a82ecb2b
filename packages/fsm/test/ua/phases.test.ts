/**
 * Every arc of `phaseArcs` (src/ua/phases.ts) is walked through the reducer: each row has a scenario that starts
 * in its `from` phase, applies its event, and must land in its `to` phase. The table is the spec; docs/ua.md's
 * diagram is generated from it.
 */
import { describe, expect, it } from "vitest"
import type { Phase } from "../../src/ua/Call.js"
import { phaseArcs } from "../../src/ua/phases.js"
import { answerTo, Driver, fromAlice, only, requestsIn } from "./support/drive.js"
import { inviteBob } from "./support/parties.js"

const uacRef = "12345@192.168.1.100;a73kszlfl"

const uac = (config: ConstructorParameters<typeof Driver>[0] = {}) => {
  const driver = new Driver({
    contact: "sip:alice@192.168.1.100",
    via: "SIP/2.0/UDP 192.168.1.100:5060",
    ...config,
  })
  const invite = only(requestsIn(driver.send(inviteBob())))
  const phase = () => driver.state.calls.get(uacRef)?.phase
  return { driver, invite, phase }
}

const uas = () => {
  const driver = new Driver()
  driver.request(fromAlice())
  const ref = [...driver.state.calls.keys()][0]!
  const phase = () => driver.state.calls.get(ref)?.phase
  return { driver, ref, phase }
}

const accepted = () => {
  const s = uas()
  s.driver.send({ _tag: "Answer", call: s.ref })
  return s
}

type Scenario = () => { before: Phase | "Start"; after: Phase | undefined }

const scenarios: Record<string, Scenario> = {
  "Start→Calling": () => {
    const driver = new Driver()
    driver.send(inviteBob())
    return { before: "Start", after: driver.state.calls.get(uacRef)?.phase }
  },
  "Calling→Proceeding": () => {
    const { driver, invite, phase } = uac()
    const before = phase()!
    driver.response(answerTo(invite, 180, "b1"))
    return { before, after: phase() }
  },
  "Calling→Calling": () => {
    const { driver, invite, phase } = uac({ followRedirects: true })
    const before = phase()!
    driver.response(answerTo(invite, 302, "r", [["Contact", "<sip:bob@elsewhere.example>"]]))
    return { before, after: phase() }
  },
  "Calling→Confirmed": () => {
    const { driver, invite, phase } = uac()
    const before = phase()!
    driver.response(answerTo(invite, 200, "b1"))
    return { before, after: phase() }
  },
  "Calling→Terminated": () => {
    const { driver, invite, phase } = uac()
    const before = phase()!
    driver.send({ _tag: "TransactionFailed", request: invite, reason: "Timeout" })
    return { before, after: phase() }
  },
  "Proceeding→Confirmed": () => {
    const { driver, invite, phase } = uac()
    driver.response(answerTo(invite, 183, "b1"))
    const before = phase()!
    driver.response(answerTo(invite, 200, "b1"))
    return { before, after: phase() }
  },
  "Proceeding→Terminated": () => {
    const { driver, invite, phase } = uac()
    driver.response(answerTo(invite, 180, "b1"))
    const before = phase()!
    driver.response(answerTo(invite, 486, "b1"))
    return { before, after: phase() }
  },
  "Start→Proceeding": () => {
    const { phase } = uas()
    return { before: "Start", after: phase() }
  },
  "Proceeding→Accepted": () => {
    const { driver, ref, phase } = uas()
    const before = phase()!
    driver.send({ _tag: "Answer", call: ref })
    return { before, after: phase() }
  },
  "Proceeding→Terminated(UAS)": () => {
    const { driver, phase } = uas()
    const before = phase()!
    driver.request(fromAlice({ method: "CANCEL" }))
    return { before, after: phase() }
  },
  "Accepted→Confirmed": () => {
    const { driver, ref, phase } = accepted()
    const before = phase()!
    const tag = ref.split(";")[1]!
    driver.request(fromAlice({ method: "ACK", toTag: tag, branch: "z9hG4bKack" }))
    return { before, after: phase() }
  },
  "Accepted→Terminated": () => {
    const { driver, ref, phase } = accepted()
    const before = phase()!
    driver.send({ _tag: "TimerFired", timer: { _tag: "2xxTimeout", call: ref, seq: 1 } })
    return { before, after: phase() }
  },
  "Confirmed→Terminated": () => {
    const { driver, invite, phase } = uac()
    driver.response(answerTo(invite, 200, "b1"))
    const before = phase()!
    driver.send({ _tag: "Hangup", call: uacRef })
    return { before, after: phase() }
  },
}

const keyOf = (arc: (typeof phaseArcs)[number]): string =>
  `${arc.from}→${arc.to}${arc.side === "UAS" && arc.from === "Proceeding" && arc.to === "Terminated" ? "(UAS)" : ""}`

describe("the call phases of src/ua/phases.ts, row by row", () => {
  for (const arc of phaseArcs) {
    it(`${arc.side}: ${arc.from} --${arc.on}--> ${arc.to} (${arc.rfc})`, () => {
      const scenario = scenarios[keyOf(arc)]
      expect(scenario, `no scenario for ${keyOf(arc)}`).toBeDefined()
      expect(scenario!()).toEqual({ before: arc.from, after: arc.to })
    })
  }

  it("every scenario is a row of the table", () => {
    expect(Object.keys(scenarios).sort()).toEqual(phaseArcs.map(keyOf).sort())
  })
})
