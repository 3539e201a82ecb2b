import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import * as fc from "fast-check"
import { describe, it as vit } from "vitest"
import { makeTimerHeap } from "../src/TimerHeap.js"
import { makeTimers } from "../src/Timers.js"

describe("TimerHeap", () => {
  vit("pops due entries in deadline order, skipping cancelled and replaced ones", () => {
    const h = makeTimerHeap<string>()
    h.schedule("a", 30, "A")
    h.schedule("b", 10, "B")
    h.schedule("c", 20, "C")
    h.schedule("a", 5, "A2") // replaces a@30
    h.cancel("c")
    expect(h.nextDeadline()).toBe(5)
    expect(h.popDue(15).map((e) => e.value)).toEqual(["A2", "B"])
    expect(h.popDue(100)).toEqual([])
    expect(h.size()).toBe(0)
  })

  /** The model: live keys with their deadline and scheduling order; due entries fire earliest first, ties in
   * scheduling order. Checked after every operation: what `popDue` returns, `nextDeadline` and `size`. */
  const law = (keys: number, maxOps: number, numRuns: number, width?: number) => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant("s" as const),
        key: fc.integer({ min: 0, max: keys - 1 }),
        at: fc.nat(100),
      }),
      fc.record({ kind: fc.constant("c" as const), key: fc.integer({ min: 0, max: keys - 1 }) }),
      fc.record({ kind: fc.constant("p" as const), now: fc.nat(120) }),
      // a timer without a key (`add`), and the cancelling of one added earlier by its handle (`drop`)
      fc.record({ kind: fc.constant("a" as const), at: fc.nat(100) }),
      fc.record({ kind: fc.constant("d" as const), which: fc.nat(1000) }),
    )
    fc.assert(
      fc.property(fc.array(op, { maxLength: maxOps }), fc.nat(120), (ops, now) => {
        const h = makeTimerHeap<number>(width)
        // keyed timers under their key; added ones under -1, -2 … (their value too)
        const model = new Map<number, { at: number; order: number }>()
        const handles: Array<ReturnType<typeof h.add>> = []
        let order = 0
        const popModel = (at: number) => {
          const due = [...model.entries()]
            .filter(([, d]) => d.at <= at)
            .sort(([, a], [, b]) => a.at - b.at || a.order - b.order)
          for (const [k] of due) model.delete(k)
          return due.map(([k, d]) => [d.at, k])
        }
        const nextModel = () =>
          model.size === 0 ? undefined : Math.min(...[...model.values()].map((d) => d.at))
        for (const o of ops) {
          if (o.kind === "s") {
            h.schedule(String(o.key), o.at, o.key)
            model.set(o.key, { at: o.at, order: order++ })
          } else if (o.kind === "c") {
            expect(h.cancel(String(o.key))).toBe(model.delete(o.key))
          } else if (o.kind === "a") {
            const id = -(handles.length + 1)
            handles.push(h.add(o.at, id))
            model.set(id, { at: o.at, order: order++ })
          } else if (o.kind === "d") {
            if (handles.length === 0) continue
            const i = o.which % handles.length
            expect(h.drop(handles[i]!)).toBe(model.delete(-(i + 1)))
            expect(handles[i]!.live).toBe(false)
          } else expect(h.popDue(o.now).map((d) => [d.deadline, d.value])).toEqual(popModel(o.now))
          expect(h.nextDeadline()).toBe(nextModel())
          // a cancelled, replaced or fired timer is in no bucket: the buckets hold the live ones only
          expect(h.held()).toBe(model.size)
        }
        expect(h.popDue(now).map((d) => [d.deadline, d.value])).toEqual(popModel(now))
        expect(h.size()).toBe(model.size)
        for (const [i, handle] of handles.entries()) expect(handle.live).toBe(model.has(-(i + 1)))
      }),
      { numRuns },
    )
  }

  vit("law: popDue(now) returns exactly the live entries with deadline ≤ now, sorted", () => law(10, 60, 200))

  vit("law: the same with many keys and few pops", () => law(300, 1500, 40))

  vit("law: the same whatever the bucket width (one ms, a few, wider than every deadline)", () => {
    law(10, 60, 100, 1)
    law(10, 60, 100, 7)
    law(10, 60, 100, 1000)
  })

  vit(
    "timers cancelled long before their deadline let go of their values at once, the live ones keep their order",
    () => {
      const h = makeTimerHeap<number>()
      const deadlines = Array.from({ length: 400 }, (_, i) => (i * 7919) % 1000)
      for (const [i, at] of deadlines.entries()) h.schedule(String(i), at, i)
      // three in four cancelled (a 2xx timeout stopped by its ACK): the stale entries outnumber the live ones
      for (const i of deadlines.keys()) if (i % 4 !== 0) h.cancel(String(i))
      h.schedule("late", 2000, -1)
      expect(h.size()).toBe(101)
      // and they left their buckets at once (a 64·T1 timeout stopped by its ACK holds nothing for 32 s)
      expect(h.held()).toBe(101)
      const live = deadlines.filter((_, i) => i % 4 === 0).sort((a, b) => a - b)
      expect(h.popDue(999).map((e) => e.deadline)).toEqual(live)
      expect(h.popDue(5000).map((e) => e.value)).toEqual([-1])
    },
  )
})

describe("Timers (one fiber, TestClock)", () => {
  it.effect("fires each value once at its deadline, honours cancel and replacement", () =>
    Effect.gen(function* () {
      const fired: Array<string> = []
      const timers = yield* makeTimers((v: string) => Effect.sync(() => void fired.push(v)))
      yield* timers.schedule("E", 500, "E@500")
      yield* timers.schedule("F", 32_000, "F@32000")
      yield* timers.schedule("K", 5_000, "K@5000")
      yield* timers.cancel("K")
      yield* TestClock.adjust(499)
      expect(fired).toEqual([])
      yield* TestClock.adjust(1)
      expect(fired).toEqual(["E@500"])
      yield* timers.schedule("E", 1_000, "E@1500") // an earlier deadline than the sleeping one wakes the fiber
      yield* TestClock.adjust(1_000)
      expect(fired).toEqual(["E@500", "E@1500"])
      yield* TestClock.adjust(40_000)
      expect(fired).toEqual(["E@500", "E@1500", "F@32000"])
      expect(yield* timers.size).toBe(0)
    }),
  )

  it.effect("a thousand transactions' timers share one heap and fire in order", () =>
    Effect.gen(function* () {
      const fired: Array<number> = []
      const timers = yield* makeTimers((v: number) => Effect.sync(() => void fired.push(v)))
      for (let i = 999; i >= 0; i--) yield* timers.schedule(`t${i}`, 10 + i, i)
      expect(yield* timers.size).toBe(1000)
      yield* TestClock.adjust(2_000)
      expect(fired).toEqual(Array.from({ length: 1000 }, (_, i) => i))
    }),
  )

  it.effect(
    "wakes at most once per resolution: a deadline soon after a wake fires at the next tick, none is lost",
    () =>
      Effect.gen(function* () {
        const fired: Array<string> = []
        const coarse = yield* makeTimers((v: string) => Effect.sync(() => void fired.push(`coarse ${v}`)))
        const exact = yield* makeTimers((v: string) => Effect.sync(() => void fired.push(`exact ${v}`)), {
          resolutionMs: 0,
        })
        for (const timers of [coarse, exact]) {
          yield* timers.schedule("a", 100, "a@100")
          yield* timers.schedule("b", 104, "b@104")
        }
        yield* TestClock.adjust(100)
        expect(fired).toEqual(["coarse a@100", "exact a@100"])
        yield* TestClock.adjust(4)
        expect(fired).toEqual(["coarse a@100", "exact a@100", "exact b@104"])
        yield* TestClock.adjust(6) // 10 ms after the last wake
        expect(fired).toEqual(["coarse a@100", "exact a@100", "exact b@104", "coarse b@104"])
        // a deadline well after the last wake is kept to the millisecond
        yield* coarse.schedule("c", 500, "c@610")
        yield* TestClock.adjust(499)
        expect(fired).toHaveLength(4)
        yield* TestClock.adjust(1)
        expect(fired.at(-1)).toBe("coarse c@610")
      }),
  )

  it.effect(
    "fireNow: due values fire at once in order; work one leaves runs before the next; a throw is logged, the rest fire",
    () =>
      Effect.gen(function* () {
        const fired: Array<string> = []
        const timers = yield* makeTimers((v: string) => Effect.sync(() => void fired.push(`onFire ${v}`)), {
          fireNow: (v: string) => {
            if (v === "throws") throw new Error("boom")
            fired.push(`now ${v}`)
            return v === "leaves" ? Effect.sync(() => void fired.push(`left by ${v}`)) : undefined
          },
        })
        yield* timers.schedule("a", 10, "first")
        yield* timers.schedule("b", 11, "leaves")
        yield* timers.schedule("c", 12, "throws")
        yield* timers.schedule("d", 13, "last")
        const handle = timers.addNow(14, "added")
        timers.addNow(30, "later")
        timers.dropNow(timers.addNow(15, "dropped"))
        yield* TestClock.adjust(20)
        expect(fired).toEqual(["now first", "now leaves", "left by leaves", "now last", "now added"])
        expect(handle.live).toBe(false)
        expect(yield* timers.size).toBe(1)
        yield* TestClock.adjust(20)
        expect(fired.at(-1)).toBe("now later")
        expect(fired).not.toContain("now dropped")
        expect(yield* timers.size).toBe(0)
      }),
  )

  it.effect("a failing handler is logged and the facility keeps running", () =>
    Effect.gen(function* () {
      const fired: Array<string> = []
      const timers = yield* makeTimers((v: string) =>
        v === "bad" ? Effect.die("boom") : Effect.sync(() => void fired.push(v)),
      )
      yield* timers.schedule("a", 10, "bad")
      yield* timers.schedule("b", 20, "good")
      yield* TestClock.adjust(30)
      expect(fired).toEqual(["good"])
    }),
  )
})
