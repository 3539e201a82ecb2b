/**
 * RerootingMap's laws: every version answers as its own immutable copy would, whichever versions are read or
 * updated and in whatever order; an update that changes nothing gives back the very same map; two maps of the same
 * entries are equal to `toEqual` whatever their histories; rerooting is a loop; an old version nobody holds is
 * garbage. The model-based programs run long enough to cross several cuts (the copies that end a chain).
 */
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { PersistentMap } from "../../src/persistent/PersistentMap.js"
import { emptyRerootingMap } from "../../src/persistent/RerootingMap.js"

type Value = number | undefined
type Entries = ReadonlyArray<readonly [string, Value]>
const byKey = (a: readonly [string, Value], b: readonly [string, Value]) =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0
const sorted = (entries: Iterable<readonly [string, Value]>): Entries => [...entries].sort(byKey)

// short keys over a small alphabet: the same key comes back often
const arbKey = fc.string({ maxLength: 2, unit: fc.constantFrom("a", "b", "c") })
/** Which version an operation acts on: mostly the newest (the reducers' use), often any older one. */
const arbVersion = fc.oneof(fc.constant(-1), fc.nat())
/** Values, `undefined` among them: a key holding `undefined` is not a missing key (the recall keeps no `undefined`). */
const arbValue = fc.option(fc.nat(3), { nil: undefined, freq: 4 })
const arbOp = fc.oneof(
  fc.record({ op: fc.constant("set" as const), at: arbVersion, key: arbKey, value: arbValue }),
  fc.record({ op: fc.constant("delete" as const), at: arbVersion, key: arbKey }),
  fc.record({ op: fc.constant("deleteIf" as const), at: arbVersion, key: arbKey, value: arbValue }),
  fc.record({ op: fc.constantFrom("get" as const, "has" as const), at: arbVersion, key: arbKey }),
  fc.record({ op: fc.constantFrom("size" as const, "entries" as const, "keys" as const), at: arbVersion }),
)
type Op = typeof arbOp extends fc.Arbitrary<infer O> ? O : never

/** A version and the immutable copy it must behave as. */
interface Pair {
  readonly map: PersistentMap<Value>
  readonly model: ReadonlyMap<string, Value>
}

/** The model's answer to an update: a new copy, or the same one when nothing changes. */
const updated = (model: ReadonlyMap<string, Value>, op: Op): ReadonlyMap<string, Value> => {
  if (op.op !== "set" && op.op !== "delete" && op.op !== "deleteIf") return model
  const changes =
    op.op === "set"
      ? !model.has(op.key) || model.get(op.key) !== op.value
      : model.has(op.key) && (op.op === "delete" || model.get(op.key) === op.value)
  if (!changes) return model
  const copy = new Map(model)
  if (op.op === "set") copy.set(op.key, op.value)
  else copy.delete(op.key)
  return copy
}

/** Runs `op` on a version and on its copy; checks they agree; the new pair when it was an update. */
const apply = ({ map, model }: Pair, op: Op): Pair | undefined => {
  switch (op.op) {
    case "set":
    case "delete":
    case "deleteIf": {
      const next =
        op.op === "set"
          ? map.set(op.key, op.value)
          : op.op === "delete"
            ? map.delete(op.key)
            : map.deleteIf(op.key, op.value)
      const after = updated(model, op)
      expect(next === map).toBe(after === model)
      return { map: next, model: after }
    }
    case "get":
      expect(map.get(op.key)).toBe(model.get(op.key))
      return undefined
    case "has":
      expect(map.has(op.key)).toBe(model.has(op.key))
      return undefined
    case "size":
      expect(map.size).toBe(model.size)
      return undefined
    case "entries":
      expect(sorted(map.entries())).toEqual(sorted(model))
      expect([...map.values()].sort()).toEqual([...model.values()].sort())
      return undefined
    case "keys":
      expect([...map.keys()].sort()).toEqual([...model.keys()].sort())
      return undefined
  }
}

const pick = (history: ReadonlyArray<Pair>, at: number): Pair =>
  history[at < 0 ? history.length - 1 : at % history.length] as Pair

/** The whole law, as a function so that the test of the test can run it on a map that is not persistent. */
const behavesAsCopies = (empty: () => PersistentMap<Value>) =>
  // `size: "max"`: programs long enough for several cuts (fast-check's default keeps arrays to about ten)
  fc.property(
    fc.array(arbOp, { maxLength: 150, size: "max" }),
    fc.array(fc.nat(), { maxLength: 20 }),
    (ops, rereads) => {
      const history: Array<Pair> = [{ map: empty(), model: new Map<string, Value>() }]
      for (const op of ops) {
        const next = apply(pick(history, op.at), op)
        if (next !== undefined) history.push(next)
      }
      // every version still answers as its copy, read back in a random order
      for (const at of [...rereads, ...history.keys()]) {
        const { map, model } = pick(history, at)
        expect([map.size, sorted(map.entries())]).toEqual([model.size, sorted(model)])
      }
    },
  )

describe("RerootingMap", () => {
  it("answers on every version, old ones included, as an immutable copy would (model-based)", () => {
    fc.assert(behavesAsCopies(emptyRerootingMap), { numRuns: 100 })
  })

  it("is a law that fails for a map updated in place (the test of the test)", () => {
    const inPlace = (store = new Map<string, Value>()): PersistentMap<Value> => {
      const map: PersistentMap<Value> = {
        get size() {
          return store.size
        },
        get: (key) => store.get(key),
        has: (key) => store.has(key),
        keys: () => store.keys(),
        values: () => store.values(),
        entries: () => store.entries(),
        set: (key, value) => {
          store.set(key, value)
          return map
        },
        delete: (key) => {
          store.delete(key)
          return map
        },
        deleteIf: (key, value) => {
          if (store.get(key) === value) store.delete(key)
          return map
        },
      }
      return map
    }
    expect(fc.check(behavesAsCopies(inPlace), { numRuns: 200 }).failed).toBe(true)
  })

  it("gives back the very same map when delete or deleteIf changes nothing", () => {
    const map = emptyRerootingMap<number>().set("a", 1)
    const newer = map.set("b", 2)
    expect(map.delete("b")).toBe(map)
    expect(map.deleteIf("a", 2)).toBe(map)
    expect(newer.deleteIf("c", 0)).toBe(newer)
    expect(map.deleteIf("a", 1).size).toBe(0)
  })

  it("keeps an entry whose value is undefined apart from a missing key", () => {
    const map = emptyRerootingMap<number | undefined>().set("a", undefined)
    expect([map.size, map.has("a"), map.has("b")]).toEqual([1, true, false])
    expect(map.deleteIf("b", undefined)).toBe(map)
    expect(map.deleteIf("a", undefined).has("a")).toBe(false)
    expect(map.set("a", undefined)).toBe(map)
  })

  it("is not disturbed when the map it walks is updated during the walk", () => {
    let map = emptyRerootingMap<number>()
    for (let i = 0; i < 100; i++) map = map.set(`k${i}`, i)
    const start = map
    let seen = 0
    for (const [key] of start.entries()) {
      map = map.delete(key).set(`new-${key}`, 0)
      // bounded: a walk over the live Map would go on to the keys added meanwhile
      if (++seen > 100) break
    }
    expect([seen, map.size, start.size, start.get("k7"), map.get("k7")]).toEqual([
      100,
      100,
      100,
      7,
      undefined,
    ])
  })

  it("reroots a version 300 000 updates old without recursion, and back", () => {
    // all keys distinct: the map grows as fast as its chain, so no cut shortens the walk
    const first = emptyRerootingMap<number>().set("k0", 0)
    let map = first
    for (let i = 1; i < 300_000; i++) map = map.set(`k${i}`, i)
    expect([first.get("k0"), first.size, first.has("k1")]).toEqual([0, 1, false])
    expect([map.get("k0"), map.size, map.get("k299999")]).toEqual([0, 300_000, 299_999])
    expect(first.set("k1", -1).get("k1")).toBe(-1)
    expect(map.get("k1")).toBe(1)
    // ~0.6 s alone; once 5.2 s on a machine busy with valgrind and a SIPp run
  }, 30_000)

  it("holds thousands of keys, each found", () => {
    let map = emptyRerootingMap<number>()
    for (let i = 0; i < 5000; i++) map = map.set(`call-${i};tag`, i)
    expect(map.size).toBe(5000)
    for (let i = 0; i < 5000; i += 7) expect(map.get(`call-${i};tag`)).toBe(i)
    for (let i = 0; i < 5000; i += 2) map = map.delete(`call-${i};tag`)
    expect([map.size, map.get("call-1;tag"), map.get("call-2;tag")]).toEqual([2500, 1, undefined])
  })
})

describe("RerootingMap and toEqual", () => {
  const build = (entries: Entries) => entries.reduce((m, [k, v]) => m.set(k, v), emptyRerootingMap<Value>())

  it("finds two maps of the same entries equal, whatever the order they were built in", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(arbKey, fc.nat(3))), (entries) => {
        const unique = [...new Map(entries)]
        const there = build(unique)
        const back = build([...unique].reverse())
        // a later version of the same tree with each entry taken out and put back: its Map's order differs again
        const detour = unique.reduce((m, [k, v]) => m.delete(k).set(k, v), there)
        expect({ calls: back }).toEqual({ calls: there })
        expect(detour).toStrictEqual(there)
        expect(back).toStrictEqual(detour)
      }),
      { numRuns: 50 },
    )
  })

  it("finds two maps that differ in one entry, value or key unequal, old versions included", () => {
    const older = build([["a", 1]])
    const newer = older.set("b", 2)
    expect(newer).not.toEqual(older)
    expect(older).not.toEqual(newer)
    expect(older.set("a", 2)).not.toEqual(older)
    expect(older.delete("a").set("c", 1)).not.toEqual(older)
    expect({ calls: older }).toEqual({ calls: build([["a", 1]]) })
    expect(emptyRerootingMap<{ n: number }>().set("a", { n: 1 })).not.toEqual(
      emptyRerootingMap<{ n: number }>().set("a", { n: 2 }),
    )
    expect(emptyRerootingMap<{ n: number }>().set("a", { n: 1 })).toEqual(
      emptyRerootingMap<{ n: number }>().set("a", { n: 1 }),
    )
  })
})

describe("RerootingMap and memory", () => {
  setFlagsFromString("--expose-gc")
  const gc = runInNewContext("gc") as () => void

  /** An old version, held only weakly, and the newest, updated past it. */
  const updatedPast = () => {
    const old = emptyRerootingMap<object>().set("call", { big: new Array(1000).fill(0) })
    let newest = old
    for (let i = 0; i < 10; i++) newest = newest.set(`c${i}`, {})
    return { old: new WeakRef(old), value: new WeakRef(old.get("call") ?? {}), newest: newest.delete("call") }
  }

  it("lets an old version nobody holds, and a value only it held, be collected", async () => {
    const { old, value, newest } = updatedPast()
    // a WeakRef keeps its target until the job that made it ends
    await new Promise((resolve) => setImmediate(resolve))
    gc()
    expect([old.deref(), value.deref(), newest.size]).toEqual([undefined, undefined, 10])
  })
})
