/**
 * The registrar law on the wire: any sequence of REGISTER messages (fetches, adds, refreshes, removals, Contact: *,
 * intervals too brief, out-of-order CSeqs, time passing) leaves the store equal to a model — a plain map from
 * contact to { expiresAt, callId, cseq } — and every answer is the status the model predicts; a 200 lists exactly
 * the model's bindings with the seconds they have left.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type LocationStore, makeMemoryLocationStore } from "../../src/registrar/LocationStore.js"
import { makeRegistrarConfig, register } from "../../src/registrar/Registrar.js"
import { contactsOf, makeRegister } from "./helpers.js"

const config = makeRegistrarConfig({ domains: ["example.com"] })
const aor = "sip:alice@example.com"
const uris = ["sip:alice@10.0.0.1", "sip:alice@10.0.0.2:5070", "sip:alice@phone.example.net"] as const

type Entry = { readonly expiresAt: number; readonly callId: string; readonly cseq: number }

interface Step {
  readonly callId: string
  readonly cseq: number
  readonly elapsed: number
  readonly body:
    | { readonly _tag: "Fetch" }
    | { readonly _tag: "Star"; readonly expires: string | undefined }
    | {
        readonly _tag: "Contacts"
        readonly contacts: ReadonlyArray<readonly [string, string | undefined]>
        readonly expires: string | undefined
      }
}

const arbStep: fc.Arbitrary<Step> = fc.record({
  callId: fc.constantFrom("c1", "c2"),
  cseq: fc.integer({ min: 1, max: 10 }),
  elapsed: fc.integer({ min: 0, max: 2_000_000 }),
  body: fc.oneof(
    { weight: 1, arbitrary: fc.constant({ _tag: "Fetch" } as const) },
    {
      weight: 1,
      arbitrary: fc.record({
        _tag: fc.constant("Star" as const),
        expires: fc.constantFrom(undefined, "0", "60"),
      }),
    },
    {
      weight: 6,
      arbitrary: fc.record({
        _tag: fc.constant("Contacts" as const),
        contacts: fc.array(
          fc.tuple(fc.constantFrom(...uris), fc.constantFrom(undefined, "0", "30", "120", "3600")),
          { minLength: 1, maxLength: 3 },
        ),
        expires: fc.constantFrom(undefined, "0", "45", "600"),
      }),
    },
  ),
})

const toRequest = (step: Step) => {
  const body = step.body
  switch (body._tag) {
    case "Fetch":
      return makeRegister({ callId: step.callId, cseq: step.cseq })
    case "Star":
      return makeRegister({
        callId: step.callId,
        cseq: step.cseq,
        contacts: ["*"],
        ...(body.expires === undefined ? {} : { expires: body.expires }),
      })
    case "Contacts":
      return makeRegister({
        callId: step.callId,
        cseq: step.cseq,
        contacts: body.contacts.map(
          ([uri, expires]) => `<${uri}>${expires === undefined ? "" : `;expires=${expires}`}`,
        ),
        ...(body.expires === undefined ? {} : { expires: body.expires }),
      })
  }
}

/** The model, written from RFC 3261 §10.3 steps 6–8 without the implementation's code. */
const modelStep = (
  model: ReadonlyMap<string, Entry>,
  step: Step,
  now: number,
): { model: ReadonlyMap<string, Entry>; status: number } => {
  const live = new Map([...model].filter(([, entry]) => entry.expiresAt > now))
  const stale = (uri: string) => {
    const entry = live.get(uri)
    return entry !== undefined && entry.callId === step.callId && step.cseq <= entry.cseq
  }
  const body = step.body
  switch (body._tag) {
    case "Fetch":
      return { model: live, status: 200 }
    case "Star":
      if (body.expires !== "0") return { model: live, status: 400 }
      return [...live.keys()].some(stale) ? { model: live, status: 500 } : { model: new Map(), status: 200 }
    case "Contacts": {
      const resolved = body.contacts.map(
        ([uri, param]) => [uri, Number(param ?? body.expires ?? 3600)] as const,
      )
      if (resolved.some(([, seconds]) => seconds > 0 && seconds < 60)) return { model: live, status: 423 }
      if (resolved.some(([uri]) => stale(uri))) return { model: live, status: 500 }
      const next = new Map(live)
      for (const [uri, seconds] of resolved) {
        if (seconds === 0) next.delete(uri)
        else next.set(uri, { expiresAt: now + seconds * 1000, callId: step.callId, cseq: step.cseq })
      }
      return { model: next, status: 200 }
    }
  }
}

describe("registrar law (messages)", () => {
  it("any sequence of REGISTERs leaves the store equal to the model, with the model's answers", () => {
    fc.assert(
      fc.property(fc.array(arbStep, { maxLength: 30 }), (steps) => {
        let store: LocationStore = makeMemoryLocationStore()
        let model: ReadonlyMap<string, Entry> = new Map()
        let now = 0
        for (const step of steps) {
          now += step.elapsed
          const result = register(config, store, { request: toRequest(step), now, toTag: "t" })
          const expected = modelStep(model, step, now)
          expect(result.response.status).toBe(expected.status)
          store = result.store
          model = expected.model
          const actual = store
            .get(aor, now)
            .map((b) => [b.uri, { expiresAt: b.expiresAt, callId: b.callId, cseq: b.cseq }])
          expect(actual).toEqual([...model])
          if (result.response.status === 200) {
            expect(contactsOf(result.response)).toEqual(
              [...model].map(
                ([uri, entry]) => `<${uri}>;expires=${Math.ceil((entry.expiresAt - now) / 1000)}`,
              ),
            )
          } else {
            expect(contactsOf(result.response)).toEqual([])
          }
        }
      }),
      { numRuns: 200 },
    )
  })
})
