/**
 * HashTrie laws: after any sequence of sets and deletes it holds what a `Map` holds (get, has, size, iteration), and
 * every earlier version is unchanged (persistence). Short keys over a small alphabet make hash prefixes collide
 * often, so branches split and collapse.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { emptyHashTrie } from "../../src/ua/HashTrie.js"

const op = fc.oneof(
  fc.record({
    kind: fc.constant("set" as const),
    key: fc.string({ maxLength: 3, unit: fc.constantFrom("a", "b", "c", "d") }),
    value: fc.nat(),
  }),
  fc.record({
    kind: fc.constant("delete" as const),
    key: fc.string({ maxLength: 3, unit: fc.constantFrom("a", "b", "c", "d") }),
  }),
)

describe("HashTrie", () => {
  it("behaves like a Map under any sequence of sets and deletes, and old versions stay as they were", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        let trie = emptyHashTrie<number>()
        const model = new Map<string, number>()
        const versions: Array<{ trie: typeof trie; snapshot: Map<string, number> }> = []
        for (const o of ops) {
          if (o.kind === "set") {
            trie = trie.set(o.key, o.value)
            model.set(o.key, o.value)
          } else {
            trie = trie.delete(o.key)
            model.delete(o.key)
          }
          versions.push({ trie, snapshot: new Map(model) })
        }
        for (const { trie: t, snapshot } of versions) {
          expect(t.size).toBe(snapshot.size)
          expect(new Map(t.entries())).toEqual(snapshot)
          for (const [k, v] of snapshot) expect([t.get(k), t.has(k)]).toEqual([v, true])
        }
        expect(trie.has("zzzz")).toBe(false)
      }),
      { numRuns: 100 },
    )
  })

  it("deleting a key it does not hold gives the very same map", () => {
    const trie = emptyHashTrie<number>().set("a", 1)
    expect(trie.delete("b")).toBe(trie)
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
