import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { parseMessage, serializeMessage } from "../../src/index.js"
import { serializeFields } from "../../src/Serializer.js"
import { unwrap } from "../helpers.js"
import { torture, tortureNames } from "../rfc4475/fixtures.js"
import { message } from "./arbitraries.js"

const STATUSES = new Set([400, 413, 505, 513])

describe("serialize ∘ parse", () => {
  it("parse(serialize(m)) ≡ m for generated messages", () => {
    fc.assert(
      fc.property(message, (m) => {
        const parsed = unwrap(parseMessage(serializeMessage(m)))
        expect(parsed).toEqual(m)
      }),
      { numRuns: 300 },
    )
  })

  it("serialize(parse(bytes)) is the bytes, and rewriting from the fields gives them too", () => {
    fc.assert(
      fc.property(message, (m) => {
        const bytes = serializeMessage(m)
        const parsed = unwrap(parseMessage(bytes))
        expect(serializeMessage(parsed)).toEqual(bytes)
        expect(serializeFields(parsed)).toEqual(bytes)
      }),
      { numRuns: 200 },
    )
  })
})

describe("text or bytes", () => {
  it("parseMessage(text) ≡ parseMessage(its UTF-8 bytes): the same message, or the same error and byte offset", () => {
    const utf8 = new TextEncoder()
    const line = fc.string({
      unit: fc.constantFrom(...'INVITE SIP/2.0 sip:a@b Via: ;,<>"\r\n\t l:0123456789éü大'.split("")),
      maxLength: 60,
    })
    const texts = fc.oneof(
      message.map((m) => new TextDecoder().decode(serializeMessage(m))),
      fc.array(line, { maxLength: 8 }).map((lines) => lines.join("\r\n")),
    )
    fc.assert(
      fc.property(texts, (text) => {
        expect(parseMessage(text)).toEqual(parseMessage(utf8.encode(text)))
      }),
      { numRuns: 300 },
    )
  })
})

describe("parseMessage never throws", () => {
  const check = (bytes: Uint8Array) => {
    const r = parseMessage(bytes)
    if (r._tag === "Err") {
      expect(STATUSES.has(r.error.status)).toBe(true)
      expect(r.error.offset).toBeGreaterThanOrEqual(0)
      expect(r.error.offset).toBeLessThanOrEqual(bytes.length)
    }
  }

  it("on arbitrary bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), check), { numRuns: 500 })
  })

  it("on arbitrary text with SIP-ish structure", () => {
    const line = fc.string({
      unit: fc.constantFrom(...'INVITE SIP/2.0 sip:a@b Via: ;,<>"\r\n\t l:0123456789'.split("")),
      maxLength: 60,
    })
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), (lines) =>
        check(new TextEncoder().encode(lines.join("\r\n"))),
      ),
      {
        numRuns: 300,
      },
    )
  })

  const valid = [...tortureNames().map(torture)]
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
    fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat(), len: fc.nat({ max: 80 }) }),
    fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), len: fc.nat({ max: 20 }) }),
  )
  interface Mutation {
    readonly kind: string
    readonly at: number
    readonly byte?: number
    readonly len?: number
  }
  const mutate = (b: Uint8Array, ms: ReadonlyArray<Mutation>): Uint8Array => {
    let out = b
    for (const m of ms) {
      const at = out.length === 0 ? 0 : m.at % out.length
      if (m.kind === "flip") {
        out = out.slice()
        if (out.length > 0) out[at] = m.byte ?? 0
      } else if (m.kind === "truncate") out = out.slice(0, at)
      else if (m.kind === "duplicate") {
        const piece = out.slice(at, at + (m.len ?? 0))
        out = new Uint8Array([...out.slice(0, at), ...piece, ...out.slice(at)])
      } else out = new Uint8Array([...out.slice(0, at), ...out.slice(at + (m.len ?? 0))])
    }
    return out
  }

  it("on mutated valid messages (byte flips, truncations, duplications, deletions)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...valid), fc.array(mutation, { minLength: 1, maxLength: 4 }), (b, ms) =>
        check(mutate(b, ms)),
      ),
      { numRuns: 400 },
    )
  })
})
