import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { emptyHashTrie } from "../../src/persistent/HashTrie.js"
import type { PersistentMap } from "../../src/persistent/PersistentMap.js"

const byKey = (a: readonly [string, number], b: readonly [string, number]) =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0

// FNV-1a 32: "k4uzx" and "kf2ad" have the same whole hash (one leaf holds both); "d9hy" and "d2w2a" agree on the
// low 30 bits (six levels of the trie) and part only at the last.
const colliding = ["k4uzx", "kf2ad", "d9hy", "d2w2a"]
const arbKey = fc.oneof(
  fc.string({ maxLength: 3 }),
  // short keys over a small alphabet: the same key comes back often, and branches split and collapse
  fc.string({ maxLength: 3, unit: fc.constantFrom("a", "b", "c", "d") }),
  fc.constantFrom(...colliding),
)

describe("HashTrie", () => {
  it("behaves like a Map under any sequence of sets and deletes, and never changes an old value", () => {
    const arbOps = fc.array(fc.tuple(fc.boolean(), arbKey, fc.nat(9)), { maxLength: 60 })
    fc.assert(
      fc.property(arbOps, (ops) => {
        let map: PersistentMap<number> = emptyHashTrie()
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

  it("deleteIf removes a key only while it holds the value, like a Map checked first", () => {
    const arbOps = fc.array(fc.tuple(fc.constantFrom("set", "delete", "deleteIf"), arbKey, fc.nat(3)), {
      maxLength: 60,
    })
    fc.assert(
      fc.property(arbOps, (ops) => {
        let map: PersistentMap<number> = emptyHashTrie()
        const model = new Map<string, number>()
        for (const [op, key, value] of ops) {
          const before = map
          if (op === "set") map = map.set(key, value)
          else map = op === "delete" ? map.delete(key) : map.deleteIf(key, value)
          if (op === "set") model.set(key, value)
          else if (op === "delete" || model.get(key) === value) model.delete(key)
          else expect(map).toBe(before)
          expect([map.size, map.get(key)]).toEqual([model.size, model.get(key)])
        }
        expect([...map.entries()].sort(byKey)).toEqual([...model].sort(byKey))
      }),
      { numRuns: 100 },
    )
  })

  it("returns the same map when deleting a missing key", () => {
    const map = emptyHashTrie<number>().set("a", 1)
    expect(map.delete("b")).toBe(map)
  })

  it("keeps keys whose hashes collide, wholly or up to the last level, apart", () => {
    let map = emptyHashTrie<number>()
    colliding.forEach((key, i) => {
      map = map.set(key, i)
    })
    expect(map.size).toBe(4)
    expect(colliding.map((key) => map.get(key))).toEqual([0, 1, 2, 3])
    const fewer = map.delete("k4uzx").delete("d9hy")
    expect([fewer.get("k4uzx"), fewer.get("kf2ad"), fewer.get("d9hy"), fewer.get("d2w2a")]).toEqual([
      undefined,
      1,
      undefined,
      3,
    ])
    expect(fewer.size).toBe(2)
    expect(map.get("k4uzx")).toBe(0)
  })

  it("holds thousands of keys, each found", () => {
    let trie = emptyHashTrie<number>()
    for (let i = 0; i < 5000; i++) trie = trie.set(`call-${i};tag`, i)
    expect(trie.size).toBe(5000)
    for (let i = 0; i < 5000; i += 7) expect(trie.get(`call-${i};tag`)).toBe(i)
    for (let i = 0; i < 5000; i += 2) trie = trie.delete(`call-${i};tag`)
    expect([trie.size, trie.get("call-1;tag"), trie.get("call-2;tag")]).toEqual([2500, 1, undefined])
  })
})
