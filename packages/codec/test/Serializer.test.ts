import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  encodeWire,
  headText,
  makeRequest,
  makeResponse,
  ownHeadText,
  reasonPhrase,
  type SipMessage,
  serializeMessage,
} from "../src/index.js"

const utf8 = new TextEncoder()

/** What any message must serialize to: its head as text, encoded as UTF-8, then its body. */
const expected = (m: SipMessage): Uint8Array => {
  let head =
    m._tag === "Request"
      ? `${m.method} ${m.uri} ${m.version}\r\n`
      : `${m.version} ${m.status} ${m.reason}\r\n`
  for (const h of m.headers) head += `${h.name}: ${h.value}\r\n`
  const bytes = utf8.encode(`${head}\r\n`)
  const out = new Uint8Array(bytes.length + m.body.length)
  out.set(bytes, 0)
  out.set(m.body, bytes.length)
  return out
}

const message = (value: string, body: string | Uint8Array = ""): SipMessage =>
  makeRequest({
    method: "MESSAGE",
    uri: "sip:bob@example.com",
    headers: [
      ["Via", "SIP/2.0/UDP a.example.com;branch=z9hG4bK1"],
      ["Subject", value],
    ],
    body,
  })

describe("serializeMessage of a built message", () => {
  it("writes the head and body, for ASCII and non-ASCII heads and every size", () =>
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), fc.nat(20_000), (value, n) => {
        const m = message(value, new Uint8Array(n).fill(0x61))
        expect(serializeMessage(m)).toEqual(expected(m))
      }),
      { numRuns: 200 },
    ))

  it("a non-ASCII head is UTF-8 (a lone surrogate as U+FFFD)", () => {
    const m = message("h\u00e9llo \ud83d\ude00 \ud800")
    expect(new TextDecoder().decode(serializeMessage(m))).toContain(
      "Subject: h\u00e9llo \ud83d\ude00 \ufffd\r\n",
    )
    expect(serializeMessage(m)).toEqual(expected(m))
  })

  it("gives every message bytes of its own: writing more messages never changes earlier ones", () => {
    const kept = Array.from({ length: 400 }, (_, i) => {
      const m = message(`call ${i}`, `body ${i}`)
      return [m, serializeMessage(m)] as const
    })
    for (const [m, bytes] of kept) expect(bytes).toEqual(expected(m))
    // and no two share a byte of their buffers
    const byBuffer = new Map<ArrayBufferLike, Array<readonly [number, number]>>()
    for (const [, b] of kept) {
      const spans = byBuffer.get(b.buffer) ?? []
      spans.push([b.byteOffset, b.byteOffset + b.byteLength])
      byBuffer.set(b.buffer, spans)
    }
    for (const spans of byBuffer.values()) {
      spans.sort((x, y) => x[0] - y[0])
      for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1])
    }
  })
})

describe("serializeMessage and headText of a response", () => {
  it("write the status line from the fields: usual or own reason, any version and status, every time", () => {
    const request = makeRequest({
      method: "MESSAGE",
      uri: "sip:bob@example.com",
      headers: [["Subject", "x"]],
    })
    const status = fc.oneof(fc.integer({ min: 100, max: 699 }), fc.constantFrom(99, 700, 1000, 180.5, -1))
    const reason = fc.oneof(
      fc.constant(undefined),
      fc.constantFrom("", "OK", "Ringing", "Fine", "d\u00e9j\u00e0"),
    )
    const version = fc.constantFrom("SIP/2.0", "SIP/3.0", "sip/2.0")
    fc.assert(
      fc.property(status, reason, version, (s, r, v) => {
        const built = makeResponse(request, s, r === undefined ? {} : { reason: r })
        const m = { ...built, version: v }
        if (r === undefined) expect(m.reason).toBe(reasonPhrase(s))
        // twice: the first write of a status may remember its usual line, the second uses it
        for (let k = 0; k < 2; k++) {
          expect(serializeMessage(m)).toEqual(expected(m))
          expect(encodeWire(headText(m), m.body)).toEqual(expected(m))
          expect(headText(m).startsWith(`${v} ${s} ${m.reason}\r\n`)).toBe(true)
          expect(ownHeadText(m)).toBe(headText(m))
        }
      }),
      { numRuns: 300 },
    )
  })
})

describe("ownHeadText", () => {
  it("is headText for requests and responses of any header count, one after another (its pieces array is shared)", () => {
    const header = fc.tuple(fc.constantFrom("Subject", "X-A", "Via"), fc.string({ maxLength: 12 }))
    fc.assert(
      fc.property(fc.array(fc.array(header, { maxLength: 6 }), { minLength: 1, maxLength: 4 }), (lists) => {
        for (const headers of lists) {
          const request = makeRequest({ method: "MESSAGE", uri: "sip:bob@example.com", headers })
          const response = makeResponse(request, 200)
          expect(ownHeadText(request)).toBe(headText(request))
          expect(ownHeadText(response)).toBe(headText(response))
        }
      }),
      { numRuns: 200 },
    )
  })
})
