/**
 * A client and a server transaction over a simulated link in virtual time (seeded loss, duplication, delay and
 * reordering; fast-check picks the seed and the link). The laws of RFC 3261 §17 with RFC 6026:
 * - every transaction ends;
 * - the server TU sees the request once (retransmissions are absorbed);
 * - the client TU sees one final response (plus the 2xx retransmissions RFC 6026 passes up);
 * - both sides agree on the outcome whenever at least one copy of each message got through before the timeouts.
 *
 * Delay jitter stays under T1: the 64·T1 windows of §17 (B, F, H, J, L, M) are sized on that assumption.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { perfect } from "./support/link.js"
import { type Outcome, runPair, type Scenario } from "./support/transactionPair.js"

const scenario = fc.record({
  seed: fc.integer(),
  link: fc
    .record({
      loss: fc.double({ min: 0, max: 0.5, noNaN: true }),
      duplicate: fc.double({ min: 0, max: 0.3, noNaN: true }),
      minDelay: fc.integer({ min: 0, max: 300 }),
      jitter: fc.integer({ min: 0, max: 450 }),
    })
    .map(({ jitter, ...l }) => ({ ...l, maxDelay: l.minDelay + jitter })),
  reliable: fc.constant(false),
  method: fc.constantFrom("INVITE" as const, "OPTIONS" as const),
  status: fc.constantFrom(200, 202, 302, 404, 486, 503, 603),
  provisional: fc.boolean(),
  tuDelay: fc.integer({ min: 0, max: 3000 }),
})

/** The laws every run keeps, whatever the link did. */
const checkLaws = (s: Scenario, o: Outcome): void => {
  // every transaction ends (or, for an INVITE stuck in Proceeding, is abandoned by its TU, §9.1)
  expect(o.leftover).toEqual({ client: 0, server: 0 })
  expect(o.clientEnd).toBeDefined()
  // the server TU sees the request exactly once if any copy arrived, never twice
  expect(o.serverRequests).toBe(o.firstArrival("request") === undefined ? 0 : 1)
  if (o.serverRequests === 1) expect(o.serverEnd).toBeDefined()
  // the client TU sees one final response; only 2xx to INVITE repeat (RFC 6026), and never with another status
  const distinct = new Set(o.clientFinals)
  expect(distinct.size).toBeLessThanOrEqual(1)
  const first = o.clientFinals[0]
  if (first !== undefined && !(s.method === "INVITE" && first < 300)) expect(o.clientFinals).toHaveLength(1)
  // agreement: whatever final the client saw is the one the server sent
  if (first !== undefined) expect(first).toBe(o.serverFinal)
  // ... and when the client saw none, no copy of a final arrived while its transaction lived
  const clientEnd = o.clientEnd?.at ?? Number.POSITIVE_INFINITY
  if (first === undefined) {
    const final = o.firstArrival("final")
    expect(final === undefined || final >= clientEnd).toBe(true)
  }
  // a client timeout (B in Calling, F) means nothing useful arrived before it
  const reason = o.clientEnd?.reason
  if (reason?._tag === "Timeout" && reason.timer === "B") {
    const any = o.firstArrival("response")
    expect(any === undefined || any >= clientEnd).toBe(true)
  }
  // the server side: a non-2xx to INVITE is ACKed unless every ACK copy was lost (Timer H)
  const serverReason = o.serverEnd?.reason
  if (serverReason?._tag === "Timeout") {
    expect(serverReason.timer).toBe("H")
    const ack = o.firstArrival("ack")
    expect(ack === undefined || ack >= (o.serverEnd?.at ?? 0)).toBe(true)
  }
}

describe("a client and a server transaction over a lossy, duplicating, reordering link", () => {
  it("keep the laws of §17 under any seed (property)", () => {
    let agreed = 0
    fc.assert(
      fc.property(scenario, (s) => {
        const o = runPair(s)
        checkLaws(s, o)
        if (o.clientFinals.length > 0) agreed++
      }),
      { numRuns: 250 },
    )
    expect(agreed).toBeGreaterThan(100) // the property is not vacuous: most runs complete
  })

  it("always complete and agree when nothing is lost (property)", () => {
    fc.assert(
      fc.property(
        scenario.map((s) => ({ ...s, link: { ...s.link, loss: 0 } })),
        (s) => {
          const o = runPair(s)
          checkLaws(s, o)
          expect(o.clientFinals[0]).toBe(s.status)
          expect(o.serverRequests).toBe(1)
          expect(o.clientEnd?.reason._tag).toBe("Normal")
          expect(o.serverEnd?.reason._tag).toBe("Normal")
          if (s.method === "INVITE" && s.status < 300) expect(o.serverAcked).toBe(true)
        },
      ),
      { numRuns: 100 },
    )
  })

  it("over a reliable transport: no retransmissions needed, same outcome, zero-length waits", () => {
    fc.assert(
      fc.property(
        scenario.map((s) => ({ ...s, reliable: true, link: perfect })),
        (s) => {
          const o = runPair(s)
          checkLaws(s, o)
          expect(o.clientFinals).toEqual([s.status])
          expect(o.strayResponses).toBe(0)
        },
      ),
      { numRuns: 60 },
    )
  })

  it("a run is a function of its seed", () => {
    const s: Scenario = {
      seed: 42,
      link: { loss: 0.3, duplicate: 0.2, minDelay: 20, maxDelay: 400 },
      reliable: false,
      method: "INVITE",
      status: 486,
      provisional: true,
      tuDelay: 1200,
    }
    const a = runPair(s)
    const b = runPair(s)
    expect({ ...a, firstArrival: undefined }).toEqual({ ...b, firstArrival: undefined })
  })

  it("a dead link: the client times out with Timer B / F and the server never hears of it", () => {
    for (const method of ["INVITE", "OPTIONS"] as const) {
      const o = runPair({
        seed: 1,
        link: { loss: 1, duplicate: 0, minDelay: 10, maxDelay: 10 },
        reliable: false,
        method,
        status: 200,
        provisional: false,
        tuDelay: 0,
      })
      expect(o.clientEnd).toEqual({
        at: 32000,
        reason: { _tag: "Timeout", timer: method === "INVITE" ? "B" : "F" },
      })
      expect(o.serverRequests).toBe(0)
    }
  })
})
