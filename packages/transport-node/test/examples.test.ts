/**
 * The example programs of docs/examples, one per seed flow, run as tests: each runs its flow on loopback and the
 * outcome and the ladder of what crossed the wire are checked. (They import `@sipkit/transport-node`, i.e. the
 * built dist: `npm run build` first, as `npm test` does.)
 */
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { describe } from "vitest"
import * as basicCall from "../../../docs/examples/basic-call.ts"
import * as cancel from "../../../docs/examples/cancel.ts"
import * as earlyMedia from "../../../docs/examples/early-media.ts"
import * as forking from "../../../docs/examples/forking.ts"
import * as refer from "../../../docs/examples/refer.ts"
import * as registration from "../../../docs/examples/registration.ts"

const sorted = (lines: ReadonlyArray<string>) => [...lines].sort()

describe("docs/examples: one program per seed flow", () => {
  it.live("basic call (with registration, DNS SRV to the proxy, SDP offer/answer)", () =>
    Effect.gen(function* () {
      const r = yield* basicCall.program
      expect(r.events).toEqual(["Trying", "Ringing", "Answered"])
      expect(r.registeredFor).toBeGreaterThan(0)
      expect(r.answer).toMatch(/m=audio 49172 RTP\/AVP 0\r\n/)
      expect(r.answer).not.toMatch(/opus/)
      expect(r.ladder.slice(0, 4)).toEqual([
        "Bob -> Proxy: REGISTER",
        "Proxy -> Bob: 200 OK",
        "Alice -> Proxy: INVITE",
        "Proxy -> Bob: INVITE",
      ])
      expect(sorted(r.ladder.slice(4))).toEqual(
        sorted([
          "Bob -> Proxy: 180 Ringing",
          "Bob -> Proxy: 200 OK",
          "Proxy -> Alice: 180 Ringing",
          "Proxy -> Alice: 200 OK",
          // the proxy Record-Routed the INVITE: ACK and BYE follow the route set through it (§16.6 step 4)
          "Alice -> Proxy: ACK",
          "Proxy -> Bob: ACK",
          "Alice -> Proxy: BYE",
          "Proxy -> Bob: BYE",
          "Bob -> Proxy: 200 OK",
          "Proxy -> Alice: 200 OK",
        ]),
      )
    }),
  )

  it.live("registration with a Digest challenge", () =>
    Effect.gen(function* () {
      const r = yield* registration.program
      expect(r.ladder).toEqual([
        "Alice -> Registrar: REGISTER",
        "Registrar -> Alice: 401 Unauthorized",
        "Alice -> Registrar: REGISTER",
        "Registrar -> Alice: 200 OK",
      ])
      expect(r.expires).toBe(3600)
      expect(r.bindings).toHaveLength(1)
    }),
  )

  it.live("CANCEL through a proxy: 200 to the CANCEL, 487 from the callee relayed, ACKs hop by hop", () =>
    Effect.gen(function* () {
      const r = yield* cancel.program
      expect(r.events).toEqual(["Trying", "Ringing", "Failed 487"])
      expect(sorted(r.ladder)).toEqual(
        sorted([
          "Alice -> Proxy: INVITE",
          "Proxy -> Bob: INVITE",
          "Bob -> Proxy: 180 Ringing",
          "Proxy -> Alice: 180 Ringing",
          "Alice -> Proxy: CANCEL",
          "Proxy -> Alice: 200 OK",
          "Proxy -> Bob: CANCEL",
          "Bob -> Proxy: 200 OK",
          "Bob -> Proxy: 487 Request Terminated",
          "Proxy -> Bob: ACK",
          "Proxy -> Alice: 487 Request Terminated",
          "Alice -> Proxy: ACK",
        ]),
      )
      // the 487 reaches Alice only after Bob sent his (§16.10: the proxy does not invent it)
      expect(r.ladder.indexOf("Proxy -> Alice: 487 Request Terminated")).toBeGreaterThan(
        r.ladder.indexOf("Bob -> Proxy: 487 Request Terminated"),
      )
    }),
  )

  it.live("forking: busy, ringing, answered — the ringing branch is CANCELled", () =>
    Effect.gen(function* () {
      const r = yield* forking.program
      expect(r.events[r.events.length - 1]).toBe("Answered")
      expect(r.officeCancelled).toBe(true)
      for (const line of [
        "Home -> Proxy: 486 Busy Here",
        "Proxy -> Home: ACK",
        "Mobile -> Proxy: 200 OK",
        "Proxy -> Alice: 200 OK",
        "Proxy -> Office: CANCEL",
        "Office -> Proxy: 487 Request Terminated",
        "Alice -> Proxy: ACK",
        "Proxy -> Mobile: ACK",
        "Alice -> Proxy: BYE",
        "Proxy -> Mobile: BYE",
      ]) {
        expect(r.ladder).toContain(line)
      }
      expect(r.ladder).not.toContain("Proxy -> Alice: 486 Busy Here")
      expect(r.ladder).not.toContain("Alice -> Mobile: ACK")
    }),
  )

  it.live("early media: 183 with SDP before the 200", () =>
    Effect.gen(function* () {
      const r = yield* earlyMedia.program
      expect(r.events).toEqual(["EarlyMedia", "Answered"])
      expect(r.earlyMedia[0]).toContain("a=sendonly")
      expect(r.ladder.slice(0, 4)).toEqual([
        "Caller -> PBX: INVITE",
        "PBX -> Caller: 183 Session Progress",
        "PBX -> Caller: 200 OK",
        "Caller -> PBX: ACK",
      ])
    }),
  )

  it.live("REFER: 202, NOTIFY 100 Trying, the new call, NOTIFY 200 OK, BYE to the transferor", () =>
    Effect.gen(function* () {
      const r = yield* refer.program
      expect(r.referStatus).toBe(202)
      expect(r.notified).toEqual(["SIP/2.0 100 Trying", "SIP/2.0 200 OK"])
      expect(r.bobCall).toEqual(["Answered", "Ended remote"])
      const order = [
        "Bob -> Alice: REFER",
        "Alice -> Bob: 202 Accepted",
        "Alice -> Bob: NOTIFY",
        "Alice -> Carol: INVITE",
        "Carol -> Alice: 200 OK",
        "Alice -> Bob: BYE",
      ].map((line) => r.ladder.indexOf(line))
      expect(order.every((i) => i >= 0)).toBe(true)
      expect([...order].sort((a, b) => a - b)).toEqual(order)
    }),
  )
})
