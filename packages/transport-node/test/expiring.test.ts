/**
 * The queue of what goes 64·T1 after it was queued (engine/Expiring.ts): records come due in the order they were
 * queued, each at its deadline and not before, with ONE timer of the facility set at a time; a record whose step
 * fails does not stop the ones after it; a step that leaves work has the next records wait for it.
 */
import { Effect, Exit } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { Core } from "../src/engine/Core.js"
import { deadlineAfter, Expiring, expireLater, expiringFired } from "../src/engine/Expiring.js"
import type { Rest } from "../src/engine/Now.js"

/** Just what the queue reads of a core: its three fields and a timer facility on a clock the test moves. */
const fakeCore = () => {
  let now = 0
  const armed: Array<number> = []
  const core = {
    expiringFirst: undefined,
    expiringLast: undefined,
    expiringArmed: false,
    timers: { now: () => now, addNow: (delay: number) => void armed.push(now + delay) },
  } as unknown as Core
  return {
    core,
    armed,
    /** Moves the clock to the earliest armed deadline and fires it, as the facility does. */
    fire: (): Rest => {
      armed.sort((a, b) => a - b)
      now = Math.max(now, armed.shift()!)
      return expiringFired(core)
    },
    at: (t: number) => {
      now = t
    },
    get now() {
      return now
    },
  }
}

class Note extends Expiring {
  constructor(
    deadline: number,
    readonly name: string,
    readonly log: Array<readonly [string, number]>,
    readonly clock: () => number,
    readonly step: () => Rest = () => undefined,
  ) {
    super(deadline)
  }
  expire(): Rest {
    this.log.push([this.name, this.clock()])
    return this.step()
  }
}

describe("Expiring (the 64·T1 queue)", () => {
  it("law: every record goes once, in queue order, at its deadline or after and never before; one timer at a time", () =>
    fc.assert(
      fc.property(fc.array(fc.nat(50), { minLength: 1, maxLength: 40 }), (gaps) => {
        const f = fakeCore()
        const log: Array<readonly [string, number]> = []
        const deadlines = new Map<string, number>()
        for (const [i, gap] of gaps.entries()) {
          f.at(f.now + gap)
          const deadline = deadlineAfter(f.core, 3200)
          deadlines.set(`r${i}`, deadline)
          expireLater(f.core, new Note(deadline, `r${i}`, log, () => f.now))
          expect(f.armed.length).toBeLessThanOrEqual(1)
        }
        for (let i = 0; i < gaps.length && f.armed.length > 0; i++) {
          expect(f.fire()).toBeUndefined()
          expect(f.armed.length).toBeLessThanOrEqual(1)
        }
        expect(log.map(([n]) => n)).toEqual(gaps.map((_, i) => `r${i}`))
        for (const [n, t] of log) expect(t).toBeGreaterThanOrEqual(deadlines.get(n)!)
        expect(f.armed).toEqual([])
        expect(f.core.expiringFirst).toBeUndefined()
      }),
      { numRuns: 100 },
    ))

  it("a record queued with an earlier deadline than the newest (a clock set back) waits for the newest", () => {
    const f = fakeCore()
    f.at(1000)
    const first = deadlineAfter(f.core, 3200)
    expireLater(f.core, new Note(first, "a", [], () => f.now))
    f.at(500)
    expect(deadlineAfter(f.core, 3200)).toBe(first)
  })

  it("a step that fails is logged and the records after it still go; a step that leaves work is waited for", async () => {
    const f = fakeCore()
    const log: Array<readonly [string, number]> = []
    const clock = () => f.now
    let ran = false
    expireLater(
      f.core,
      new Note(10, "throws", log, clock, () => {
        throw new Error("boom")
      }),
    )
    expireLater(
      f.core,
      new Note(10, "leaves work", log, clock, () =>
        Effect.sync(() => {
          ran = true
        }),
      ),
    )
    expireLater(f.core, new Note(10, "after", log, clock))
    const rest = f.fire()
    // the failing step's log line is left to run, before anything after it
    expect(rest).toBeDefined()
    expect(log.map(([n]) => n)).toEqual(["throws"])
    const exit = await Effect.runPromiseExit(rest as Effect.Effect<void>)
    expect(Exit.isSuccess(exit)).toBe(true)
    expect(ran).toBe(true)
    expect(log.map(([n]) => n)).toEqual(["throws", "leaves work", "after"])
    expect(f.core.expiringFirst).toBeUndefined()
  })
})
