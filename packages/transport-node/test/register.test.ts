import { expect, it } from "@effect/vitest"
import { getHeader, type Request } from "@sipkit/codec"
import { makeChallenge, parseCredentials, verifyCredentials } from "@sipkit/codec/digest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { describe } from "vitest"
import { type Decision, respond } from "../src/Handlers.js"
import { endpoint, udp4, uriOf } from "./support/endpoints.js"

/** A toy registrar: Digest (MD5, qop=auth) for alice/secret, grants `granted` seconds, records what it saw. */
const registrar = (granted: number, seen: Array<Request>) => ({
  register: (req: Request): Effect.Effect<Decision> =>
    Effect.sync(() => {
      seen.push(req)
      const authorization = getHeader(req, "Authorization")
      const challenge = (): Decision =>
        respond(401, {
          headers: [["WWW-Authenticate", makeChallenge({ realm: "example.com", nonce: `n${seen.length}` })]],
        })
      if (authorization === undefined) return challenge()
      const credentials = parseCredentials(authorization)
      if (credentials._tag === "Err") return challenge()
      const good = verifyCredentials(
        credentials.value,
        { password: "secret" },
        { method: "REGISTER", uri: req.uri },
      )
      if (!good) return respond(403)
      const expires = getHeader(req, "Expires") === "0" ? 0 : granted
      const contact = getHeader(req, "Contact") ?? ""
      return respond(200, { headers: [["Contact", `${contact};expires=${expires}`]] })
    }),
})

describe("register(…): Digest, granted expiry, refresh, unregister", () => {
  it.live("answers the 401 challenge with Digest credentials and a new CSeq (§22.2, §8.1.3.5)", () =>
    Effect.gen(function* () {
      const seen: Array<Request> = []
      const server = yield* endpoint([udp4], registrar(300, seen))
      const ua = yield* endpoint([udp4])
      const registration = yield* ua.register({
        registrar: uriOf(server).replace("bob@", ""),
        aor: "sip:alice@example.com",
        credentials: { username: "alice", password: "secret" },
      })
      expect(yield* registration.expires).toBe(300)
      expect(seen.map((r) => [getHeader(r, "CSeq"), getHeader(r, "Authorization") !== undefined])).toEqual([
        ["2 REGISTER", false],
        ["3 REGISTER", true],
      ])
      expect(getHeader(seen[1]!, "Call-ID")).toBe(getHeader(seen[0]!, "Call-ID"))
    }),
  )

  it.live("wrong password: the registration fails with the registrar's status", () =>
    Effect.gen(function* () {
      const server = yield* endpoint([udp4], registrar(300, []))
      const ua = yield* endpoint([udp4])
      const failure = yield* Effect.flip(
        ua.register({
          registrar: uriOf(server).replace("bob@", ""),
          aor: "sip:alice@example.com",
          credentials: { username: "alice", password: "wrong" },
        }),
      )
      expect(failure.status).toBe(403)
    }),
  )

  it.effect(
    "refreshes before the granted expiry (TestClock), same Call-ID, rising CSeq; unregister sends Expires: 0",
    () =>
      Effect.gen(function* () {
        const settle = TestClock.withLive(Effect.sleep(150)) // real time for the loopback round trip
        const seen: Array<Request> = []
        const server = yield* endpoint([udp4], registrar(120, seen))
        const ua = yield* endpoint([udp4])
        const registration = yield* ua.register({
          registrar: uriOf(server).replace("bob@", ""),
          aor: "sip:alice@example.com",
          expires: 120,
          credentials: { username: "alice", password: "secret" },
        })
        expect(yield* registration.count).toBe(1)
        // granted 120 s: refreshed 30 s before expiry, i.e. after 90 s
        yield* TestClock.adjust("89 seconds")
        yield* settle
        expect(yield* registration.count).toBe(1)
        yield* TestClock.adjust("1 second")
        yield* settle
        expect(yield* registration.count).toBe(2)
        yield* TestClock.adjust("90 seconds")
        yield* settle
        expect(yield* registration.count).toBe(3)
        const last = yield* registration.unregister
        expect(last.status).toBe(200)
        const cseqs = seen.map((r) => Number(getHeader(r, "CSeq")!.split(" ")[0]))
        expect([...cseqs].sort((a, b) => a - b)).toEqual(cseqs)
        expect(new Set(seen.map((r) => getHeader(r, "Call-ID"))).size).toBe(1)
        expect(getHeader(seen[seen.length - 1]!, "Expires")).toBe("0")
      }),
  )
})
