import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { ownString } from "../src/index.js"

describe("ownString", () => {
  it("gives the same text, for any string and any slice of one", () =>
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 80 }), fc.nat(80), fc.nat(80), (text, a, b) => {
        expect(ownString(text)).toBe(text)
        const slice = text.slice(Math.min(a, b), Math.max(a, b))
        expect(ownString(slice)).toBe(slice)
      }),
      { numRuns: 300 },
    ))
})

describe("ownString keeps no longer string alive", () => {
  // a test may use Node: a full GC, then the heap held by 2,000 values cut from 2,000 texts of ~2 KB each
  const heldBy = async (keep: (slice: string) => string): Promise<number> => {
    const v8 = await import("node:v8")
    const vm = await import("node:vm")
    v8.setFlagsFromString("--expose-gc")
    const gc = vm.runInNewContext("gc") as () => void
    const decoder = new TextDecoder()
    const bytes = new Uint8Array(2048).fill(0x61)
    gc()
    const before = process.memoryUsage().heapUsed
    const kept: Array<string> = []
    for (let i = 0; i < 2000; i++) {
      bytes[0] = 0x30 + (i % 10)
      bytes[1] = 0x30 + (Math.floor(i / 10) % 10)
      bytes[2] = 0x30 + (Math.floor(i / 100) % 20)
      kept.push(keep(decoder.decode(bytes).slice(100, 160)))
    }
    gc()
    const held = process.memoryUsage().heapUsed - before
    expect(kept).toHaveLength(2000)
    return held
  }

  it("a slice holds its text; its ownString does not", async () => {
    expect(await heldBy((slice) => slice)).toBeGreaterThan(3_000_000)
    expect(await heldBy(ownString)).toBeLessThan(1_000_000)
  })
})
