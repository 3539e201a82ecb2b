import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { makeFramer, type PushResult, pushBytes, serializeMessage } from "../../src/index.js"
import { message } from "./arbitraries.js"

/** Feeds `stream` in chunks cut at `cuts`; answers every message (as bytes), pings and whether it failed. */
const feed = (stream: Uint8Array, cuts: ReadonlyArray<number>) => {
  let state = makeFramer()
  const out: Uint8Array[] = []
  let pings = 0
  let failed: number | undefined
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b)
  let from = 0
  for (const at of [...points, stream.length]) {
    const r: PushResult = pushBytes(state, stream.subarray(from, at))
    state = r.state
    out.push(...r.messages.map(serializeMessage))
    pings += r.pings
    if (r.error !== undefined) failed = r.error.status
    from = at
  }
  return { out, pings, failed }
}

const concat = (parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let i = 0
  for (const p of parts) {
    out.set(p, i)
    i += p.length
  }
  return out
}

const CRLF2 = new TextEncoder().encode("\r\n\r\n")

describe("stream framer", () => {
  it("yields the same messages however the stream is cut into chunks", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(message, fc.boolean()), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.option(fc.uint8Array({ minLength: 1, maxLength: 40 }), { nil: undefined }),
        (msgs, cuts, garbage) => {
          const wire = msgs.map(([m]) => serializeMessage(m))
          const parts = msgs.flatMap(([m, ping], i) => (ping ? [CRLF2, wire[i]!] : [serializeMessage(m)]))
          const stream = concat(garbage === undefined ? parts : [...parts, garbage])
          const whole = feed(stream, [])
          const chunked = feed(stream, cuts)
          expect(chunked.out).toEqual(whole.out)
          expect(chunked.pings).toBe(whole.pings)
          expect(chunked.failed).toBe(whole.failed)
          expect(whole.out.slice(0, wire.length)).toEqual(wire)
          if (garbage === undefined) expect(whole.pings).toBe(msgs.filter(([, p]) => p).length)
        },
      ),
      { numRuns: 200 },
    )
  })
})
