import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { Binding } from "../../src/registrar/Binding.js"
import { makeMemoryLocationStore } from "../../src/registrar/LocationStore.js"
import { applyRegistration, type RegisterOperation } from "../../src/registrar/Registration.js"

const sameText = (a: string, b: string) => a === b

const binding = (uri: string, expiresAt: number, callId = "c1", cseq = 1): Binding => ({
  uri,
  expiresAt,
  q: undefined,
  callId,
  cseq,
  instance: undefined,
  regId: undefined,
})

const update = (callId: string, cseq: number, contacts: ReadonlyArray<readonly [string, number]>) =>
  ({
    _tag: "Update",
    callId,
    cseq,
    contacts: contacts.map(([uri, expires]) => ({
      uri,
      expires,
      q: undefined,
      instance: undefined,
      regId: undefined,
    })),
  }) as const

describe("applyRegistration (§10.3 steps 6, 7)", () => {
  it("adds, refreshes in place and removes a binding", () => {
    const added = applyRegistration([], update("c1", 1, [["sip:a@h", 3600]]), 0, sameText)
    expect(added).toEqual({ _tag: "Applied", bindings: [binding("sip:a@h", 3_600_000)] })
    const two = applyRegistration(
      [binding("sip:a@h", 3_600_000), binding("sip:b@h", 3_600_000)],
      update("c1", 2, [["sip:a@h", 60]]),
      1000,
      sameText,
    )
    expect(two._tag === "Applied" && two.bindings.map((b) => [b.uri, b.expiresAt, b.cseq])).toEqual([
      ["sip:a@h", 61_000, 2],
      ["sip:b@h", 3_600_000, 1],
    ])
    const removed = applyRegistration(
      [binding("sip:a@h", 3_600_000)],
      update("c1", 2, [["sip:a@h", 0]]),
      0,
      sameText,
    )
    expect(removed).toEqual({ _tag: "Applied", bindings: [] })
  })

  it("refuses an out-of-order or replayed CSeq from the same Call-ID, and changes nothing", () => {
    const current = [binding("sip:a@h", 3_600_000, "c1", 5)]
    for (const cseq of [4, 5]) {
      expect(applyRegistration(current, update("c1", cseq, [["sip:a@h", 0]]), 0, sameText)).toEqual({
        _tag: "Refused",
        reason: { _tag: "OutOfOrder", uri: "sip:a@h", storedCSeq: 5, requestCSeq: cseq },
      })
    }
    // The whole request is aborted, including the contacts that would have succeeded.
    expect(
      applyRegistration(
        current,
        update("c1", 3, [
          ["sip:new@h", 60],
          ["sip:a@h", 60],
        ]),
        0,
        sameText,
      )._tag,
    ).toBe("Refused")
  })

  it("lets another Call-ID update or remove a binding whatever its CSeq", () => {
    const current = [binding("sip:a@h", 3_600_000, "c1", 5)]
    const result = applyRegistration(current, update("c2", 1, [["sip:a@h", 0]]), 0, sameText)
    expect(result).toEqual({ _tag: "Applied", bindings: [] })
  })

  it("removes all bindings on Contact: * unless one of the same Call-ID is newer", () => {
    const current = [binding("sip:a@h", 3_600_000, "c1", 5), binding("sip:b@h", 3_600_000, "c2", 9)]
    expect(applyRegistration(current, { _tag: "RemoveAll", callId: "c1", cseq: 6 }, 0, sameText)).toEqual({
      _tag: "Applied",
      bindings: [],
    })
    expect(applyRegistration(current, { _tag: "RemoveAll", callId: "c1", cseq: 5 }, 0, sameText)._tag).toBe(
      "Refused",
    )
  })

  it("drops lapsed bindings and treats them as absent", () => {
    const current = [binding("sip:a@h", 1000, "c1", 5)]
    expect(applyRegistration(current, { _tag: "Fetch" }, 1000, sameText)).toEqual({
      _tag: "Applied",
      bindings: [],
    })
    expect(applyRegistration(current, update("c1", 1, [["sip:a@h", 10]]), 1000, sameText)._tag).toBe(
      "Applied",
    )
  })

  it("keys RFC 5626 bindings by (+sip.instance, reg-id), not by URI", () => {
    const outbound = (uri: string, regId: number, cseq: number) =>
      ({
        _tag: "Update",
        callId: "c1",
        cseq,
        contacts: [{ uri, expires: 600, q: undefined, instance: "<urn:uuid:1>", regId }],
      }) as const
    const first = applyRegistration([], outbound("sip:a@1.1.1.1", 1, 1), 0, sameText)
    const moved =
      first._tag === "Applied"
        ? applyRegistration(first.bindings, outbound("sip:a@2.2.2.2", 1, 2), 0, sameText)
        : first
    expect(moved._tag === "Applied" && moved.bindings.map((b) => b.uri)).toEqual(["sip:a@2.2.2.2"])
    const second =
      moved._tag === "Applied"
        ? applyRegistration(moved.bindings, outbound("sip:a@3.3.3.3", 2, 3), 0, sameText)
        : moved
    expect(second._tag === "Applied" && second.bindings.map((b) => [b.uri, b.regId])).toEqual([
      ["sip:a@2.2.2.2", 1],
      ["sip:a@3.3.3.3", 2],
    ])
  })
})

// ---------------------------------------------------------------------------------------------------------------
// The law: any sequence of REGISTERs leaves the store equal to a model — a plain map from contact to
// { expiresAt, callId, cseq } — written from the RFC sentences without sharing code with the implementation.

type ModelEntry = { readonly expiresAt: number; readonly callId: string; readonly cseq: number }
type Model = ReadonlyMap<string, ModelEntry>

const modelStep = (model: Model, op: RegisterOperation, now: number): { model: Model; refused: boolean } => {
  const live = new Map([...model].filter(([, entry]) => entry.expiresAt > now))
  if (op._tag === "Fetch") return { model: live, refused: false }
  const stale = (uri: string) => {
    const entry = live.get(uri)
    return entry !== undefined && entry.callId === op.callId && op.cseq <= entry.cseq
  }
  if (op._tag === "RemoveAll") {
    return [...live.keys()].some(stale)
      ? { model: live, refused: true }
      : { model: new Map(), refused: false }
  }
  if (op.contacts.some((contact) => stale(contact.uri))) return { model: live, refused: true }
  const next = new Map(live)
  for (const contact of op.contacts) {
    if (contact.expires === 0) next.delete(contact.uri)
    else next.set(contact.uri, { expiresAt: now + contact.expires * 1000, callId: op.callId, cseq: op.cseq })
  }
  return { model: next, refused: false }
}

const arbOperation: fc.Arbitrary<RegisterOperation> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ _tag: "Fetch" } as const) },
  {
    weight: 1,
    arbitrary: fc.record({
      _tag: fc.constant("RemoveAll" as const),
      callId: fc.constantFrom("c1", "c2"),
      cseq: fc.integer({ min: 1, max: 8 }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc
      .record({
        callId: fc.constantFrom("c1", "c2"),
        cseq: fc.integer({ min: 1, max: 8 }),
        contacts: fc.array(
          fc.tuple(fc.constantFrom("sip:u@h1", "sip:u@h2", "sip:u@h3"), fc.constantFrom(0, 10, 60, 3600)),
          { minLength: 1, maxLength: 3 },
        ),
      })
      .map(({ callId, cseq, contacts }) => update(callId, cseq, contacts)),
  },
)

const arbRun = fc.array(fc.tuple(fc.constantFrom("sip:alice@x", "sip:bob@x"), arbOperation, fc.nat(40_000)), {
  maxLength: 25,
})

describe("registrar law", () => {
  it("any sequence of REGISTERs leaves the store equal to the model", () => {
    fc.assert(
      fc.property(arbRun, (run) => {
        let store = makeMemoryLocationStore()
        let models = new Map<string, Model>()
        let now = 0
        for (const [aor, op, elapsed] of run) {
          now += elapsed
          const result = applyRegistration(store.get(aor, now), op, now, sameText)
          const expected = modelStep(models.get(aor) ?? new Map(), op, now)
          expect(result._tag === "Refused").toBe(expected.refused)
          if (result._tag === "Applied") store = store.put(aor, result.bindings)
          models = new Map(models).set(aor, expected.model)
          for (const checked of ["sip:alice@x", "sip:bob@x"]) {
            const actual = Object.fromEntries(
              store
                .get(checked, now)
                .map((b) => [b.uri, { expiresAt: b.expiresAt, callId: b.callId, cseq: b.cseq }]),
            )
            const model = Object.fromEntries(
              [...(models.get(checked) ?? new Map<string, ModelEntry>())].filter(
                ([, e]) => e.expiresAt > now,
              ),
            )
            expect(actual).toEqual(model)
          }
        }
      }),
      { numRuns: 200 },
    )
  })

  it("refuses any REGISTER of the same Call-ID whose CSeq is not above the stored one, leaving bindings as they were", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (stored, back) => {
        const current = applyRegistration([], update("c1", stored, [["sip:a@h", 3600]]), 0, sameText)
        if (current._tag !== "Applied") return false
        const cseq = Math.max(0, stored - back)
        const replay = applyRegistration(current.bindings, update("c1", cseq, [["sip:a@h", 60]]), 1, sameText)
        return replay._tag === "Refused" && replay.reason.storedCSeq === stored
      }),
      { numRuns: 100 },
    )
  })

  it("expire() drops exactly the lapsed bindings and is idempotent", () => {
    const store = makeMemoryLocationStore([
      ["sip:a@x", [binding("sip:1@h", 100), binding("sip:2@h", 300)]],
      ["sip:b@x", [binding("sip:3@h", 100)]],
    ])
    const expired = store.expire(200)
    expect(expired.aors()).toEqual(["sip:a@x"])
    expect(expired.get("sip:a@x", 0).map((b) => b.uri)).toEqual(["sip:2@h"])
    expect(expired.expire(200).aors()).toEqual(expired.aors())
    // The old value is untouched.
    expect(store.aors()).toEqual(["sip:a@x", "sip:b@x"])
    expect(store.remove("sip:a@x").aors()).toEqual(["sip:b@x"])
  })
})
