// Network input never throws: mangled SDP gives Ok or an SdpError value, and whatever parses prints to a text
// that parses to the same value again.
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { applyAnswer, type LocalSession, negotiate, parseSdp, printSdp } from "../../src/sdp/index.js"
import fixture from "./fixtures/rfc4317.sdp.txt?raw"

const bodies = fixture
  .split(/^\[[\w-]+\]\n/m)
  .slice(1)
  .map((b) => `${b.split(/\n\n/)[0]!.split("\n").join("\r\n")}\r\n`)

const edit = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    text: fc.constantFrom(
      " ",
      "/",
      ":",
      "=",
      "\r\n",
      "0",
      "a=",
      "m=audio 0 RTP/AVP 0\r\n",
      "c=IN IP4 0.0.0.0\r\n",
      "a=sendonly\r\n",
      "\u00e9",
    ),
  }),
  fc.record({ kind: fc.constant("duplicateLine" as const), at: fc.nat() }),
)

const mangle = (
  text: string,
  edits: ReadonlyArray<typeof edit extends fc.Arbitrary<infer E> ? E : never>,
): string =>
  edits.reduce((t, e) => {
    const at = t.length === 0 ? 0 : e.at % t.length
    if (e.kind === "delete") return t.slice(0, at) + t.slice(at + 1)
    if (e.kind === "insert") return t.slice(0, at) + e.text + t.slice(at)
    const lines = t.split("\r\n")
    const i = e.at % lines.length
    return [...lines.slice(0, i + 1), ...lines.slice(i)].join("\r\n")
  }, text)

const bob: LocalSession = {
  username: "bob",
  sessionId: "1",
  sessionVersion: "1",
  address: "198.51.100.7",
  media: [
    {
      type: "audio",
      port: 40000,
      codecs: [
        { encoding: "iLBC", clockRate: 8000 },
        { encoding: "PCMU", clockRate: 8000 },
      ],
    },
    { type: "video", port: 40002, codecs: [{ encoding: "H261", clockRate: 90000 }] },
  ],
}

describe("parseSdp on mangled input", () => {
  it("never throws; what parses is a fixed point of print ∘ parse, and negotiates without throwing", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...bodies),
        fc.array(edit, { minLength: 1, maxLength: 6 }),
        (body, edits) => {
          const parsed = parseSdp(mangle(body, edits))
          if (parsed._tag === "Err") {
            expect(parsed.error.status).toBe(400)
            return
          }
          expect(parseSdp(printSdp(parsed.value))).toEqual({ _tag: "Ok", value: parsed.value })
          const answer = negotiate(parsed.value, bob)
          if (answer._tag === "Ok")
            expect(applyAnswer(parsed.value, answer.value.description)._tag).toBe("Ok")
        },
      ),
      { numRuns: 500, seed: 4317 },
    )
  })

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        expect(["Ok", "Err"]).toContain(parseSdp(text)._tag)
      }),
      { numRuns: 300, seed: 8866 },
    )
  })
})
