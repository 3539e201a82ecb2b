/**
 * The specification tables (`spec.transitions`, written from RFC 3261 Figures 5–8 and RFC 6026) checked against
 * the reducers row by row, on UDP and on a reliable transport; and, as a property, random event sequences that
 * never throw and keep the laws of every machine (stale timers are no-ops, Terminated is final and last, a Send
 * never follows a StartTimer in one step).
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type Output, type Transaction, timerDuration, timerFired } from "../../src/transaction/index.js"
import { armedId, eventFor, type MachineUnderTest, machines, reachable, step } from "./support/machines.js"

const tags = (outputs: ReadonlyArray<Output>) => outputs.map((o) => o._tag)

describe.each(machines)("$spec.name", (m: MachineUnderTest) => {
  it("has exactly one row for every (state, event class) pair", () => {
    const pairs = m.spec.transitions.map((t) => `${t.from} × ${t.on}`)
    const expected = m.spec.states.flatMap((s) => m.spec.events.map((e) => `${s} × ${e}`))
    expect([...pairs].sort()).toEqual([...expected].sort())
  })

  it("reaches every state on UDP, and all but the zero-timer ones on a reliable transport", () => {
    expect([...reachable(m, false).keys()].sort()).toEqual([...m.spec.states].sort())
    const reliable = m.spec.states.filter((s) => !m.transientWhenReliable.includes(s))
    expect([...reachable(m, true).keys()].sort()).toEqual([...reliable].sort())
  })

  for (const reliable of [false, true]) {
    const transport = reliable ? "reliable" : "UDP"
    it(`follows every row of its table (${transport})`, () => {
      const states = reachable(m, reliable)
      let checked = 0
      for (const row of m.spec.transitions) {
        const from = states.get(row.from)
        if (from === undefined) continue // a state this transport never holds
        const event = eventFor(from, row.on)
        const result = step(from, event)
        const where = `${row.from} --${row.on}-->`
        const unarmed = event._tag === "TimerFired" && armedId(from, event.timer) === undefined
        if (unarmed && row.does !== undefined) {
          // only a retransmission timer a reliable transport never arms (A, E, G) may miss from its own row
          expect(reliable, where).toBe(true)
          expect(["Timer A", "Timer E", "Timer G"], where).toContain(row.on)
        }
        if (row.does === undefined || unarmed) {
          expect(result.state, where).toBe(from)
          expect(result.outputs, where).toEqual([])
        } else {
          const to = reliable ? (row.reliableTo ?? row.to) : row.to
          expect(result.state._tag, where).toBe(to)
          checkActions(row.does, to, result.outputs, reliable, where)
        }
        checked++
      }
      expect(checked).toBeGreaterThan(m.spec.states.length)
    })
  }
})

/** The action text of a row, checked against the outputs (the words of the figures: "sent", "to TU", "start"). */
const checkActions = (
  does: string,
  to: string,
  outputs: ReadonlyArray<Output>,
  reliable: boolean,
  where: string,
) => {
  const has = (tag: Output["_tag"]) => outputs.some((o) => o._tag === tag)
  if (/\bsen[dt]\b/.test(does) && !/if any/.test(does)) expect(has("Send"), `${where} sends`).toBe(true)
  if (/to TU/.test(does)) expect(has("Deliver"), `${where} delivers`).toBe(true)
  if (/inform TU/.test(does))
    expect(has("TransportFailed") || has("Terminated"), `${where} informs`).toBe(true)
  if (to === "Terminated") expect(outputs.at(-1)?._tag, `${where} ends`).toBe("Terminated")
  else expect(has("Terminated"), `${where} does not end`).toBe(false)
  for (const [, timer] of does.matchAll(/start ([A-Z]\b|Trying100)/g)) {
    const value = timerDuration(
      timer as "A",
      { t1: 500, t2: 4000, t4: 5000, trying: 200, timerD: 32000 },
      reliable,
    )
    if (to !== "Terminated" && value !== undefined && value > 0) {
      expect(
        outputs.some((o) => o._tag === "StartTimer" && o.timer === timer),
        `${where} starts ${timer}`,
      ).toBe(true)
    }
  }
}

describe("every machine, under any sequence of events (property)", () => {
  const arbitrary = fc.record({
    machine: fc.integer({ min: 0, max: machines.length - 1 }),
    reliable: fc.boolean(),
    // each entry: an event class index, or a stale/garbage timer firing
    events: fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant("class" as const), index: fc.nat() }),
        fc.record({
          kind: fc.constant("stale" as const),
          index: fc.nat(),
          id: fc.integer({ min: -5, max: 50 }),
        }),
        fc.record({ kind: fc.constant("repeat" as const) }),
      ),
      { maxLength: 40 },
    ),
  })

  it("never throws, and keeps the laws of a transaction", () => {
    fc.assert(
      fc.property(arbitrary, ({ machine, reliable, events }) => {
        const m = machines[machine] as MachineUnderTest
        const started = m.start(reliable)
        let state: Transaction = started.state
        const live = new Set<string>() // `${timer}:${id}` of every armed timer
        let lastId = 0
        const record = (outputs: ReadonlyArray<Output>) => {
          for (const o of outputs) {
            if (o._tag === "StartTimer") {
              expect(o.id).toBeGreaterThan(lastId) // ids only grow
              lastId = o.id
              live.add(`${o.timer}:${o.id}`)
            }
          }
        }
        record(started.outputs)
        let previous: ReturnType<typeof eventFor> | undefined
        for (const e of events) {
          const event =
            e.kind === "class"
              ? eventFor(state, m.spec.events[e.index % m.spec.events.length] as string)
              : e.kind === "stale"
                ? timerFired(
                    ["A", "B", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M"][e.index % 12] as "A",
                    e.id,
                  )
                : previous
          if (event === undefined) continue
          const isFiring = event._tag === "TimerFired"
          const staleFiring = isFiring && !live.has(`${event.timer}:${event.id}`)
          const before = state
          const result = step(state, event)
          // Terminated is final
          if (before._tag === "Terminated") {
            expect(result.state).toBe(before)
            expect(result.outputs).toEqual([])
          }
          // a firing of a timer that is not armed (never issued, already fired, or replaced) changes nothing
          if (staleFiring) {
            expect(result.state).toBe(before)
            expect(result.outputs).toEqual([])
          }
          if (isFiring) live.delete(`${event.timer}:${event.id}`)
          // Terminated is the last output, exactly when the machine enters Terminated
          const t = tags(result.outputs)
          const enters = before._tag !== "Terminated" && result.state._tag === "Terminated"
          expect(t.filter((x) => x === "Terminated").length).toBe(enters ? 1 : 0)
          if (enters) expect(t.at(-1)).toBe("Terminated")
          // a Send is never after a StartTimer of the same step (the Send precedes the timer that retransmits it)
          const firstStart = t.indexOf("StartTimer")
          if (firstStart >= 0) expect(t.slice(firstStart).includes("Send")).toBe(false)
          record(result.outputs)
          // a timer that is stopped is no longer live
          for (const o of result.outputs) if (o._tag === "StopTimer") live.delete(`${o.timer}:${o.id}`)
          if (enters) live.clear()
          state = result.state
          previous = event
        }
      }),
      { numRuns: 300 },
    )
  })
})
