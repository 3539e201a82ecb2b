/**
 * flatJoin (src/flatJoin.ts): each `joinN` answers what the array literal's `join` answers, call after call (its one
 * array is written whole each time: a part left from the call before would show in the next key).
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { join2, join3, join5 } from "../src/flatJoin.js"

const part = fc.string({ maxLength: 6 })

describe("flatJoin", () => {
  it("join2, join3 and join5 are the array's join, in any sequence of calls", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom(";", " ", "\n"),
            fc.array(part, { minLength: 5, maxLength: 5 }),
            fc.nat(99),
          ),
        ),
        (calls) => {
          for (const [sep, [a = "", b = "", c = "", d = "", e = ""], n] of calls) {
            expect(join2(sep, a, b)).toBe([a, b].join(sep))
            expect(join3(sep, a, b, n % 2 === 0 ? c : n)).toBe([a, b, n % 2 === 0 ? c : n].join(sep))
            expect(join5(sep, a, b, c, d, e)).toBe([a, b, c, d, e].join(sep))
          }
        },
      ),
    )
  })
})
