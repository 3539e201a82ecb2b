import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { emptyPersistentMap, type PersistentMap } from "../../src/proxy/PersistentMap.js"

const byKey = (a: readonly [string, number], b: readonly [string, number]) =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0

describe("PersistentMap", () => {
  it("behaves like a Map under any sequence of sets and deletes, and never changes an old value", () => {
    const arbOps = fc.array(fc.tuple(fc.boolean(), fc.string({ maxLength: 3 }), fc.nat(9)), { maxLength: 60 })
    fc.assert(
      fc.property(arbOps, (ops) => {
        let map: PersistentMap<number> = emptyPersistentMap()
        const model = new Map<string, number>()
        const history: Array<[PersistentMap<number>, ReadonlyArray<readonly [string, number]>]> = []
        for (const [isSet, key, value] of ops) {
          map = isSet ? map.set(key, value) : map.delete(key)
          if (isSet) model.set(key, value)
          else model.delete(key)
          expect(map.size).toBe(model.size)
          expect(map.get(key)).toBe(model.get(key))
          expect(map.has(key)).toBe(model.has(key))
          history.push([map, [...model].sort(byKey)])
        }
        for (const [old, entries] of history) {
          expect([...old.entries()].sort(byKey)).toEqual(entries)
          expect([...old.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(
            entries.map(([key]) => key),
          )
        }
      }),
      { numRuns: 100 },
    )
  })

  it("returns the same map when deleting a missing key", () => {
    const map = emptyPersistentMap<number>().set("a", 1)
    expect(map.delete("b")).toBe(map)
  })
})
