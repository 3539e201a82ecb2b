/**
 * The seed's "SIP Registration Flow" (SIP-BASICS.md), step by step, with the codec's digest and nonce scheme:
 * REGISTER → 401 (WWW-Authenticate, realm example.com) → REGISTER with Authorization → 200 with
 * `Contact: <sip:alice@192.168.1.100>;expires=3600`, the binding stored for AOR alice@example.com.
 * The seed's nonce `84a4cc6f3082121f` is an example; ours is an HMAC of the time (stateless, checkable anywhere).
 */
import { authorize, parseChallenges } from "@sipkit/codec/digest"
import { describe, expect, it } from "vitest"
import doc from "../../../../docs/registrar.md?raw"
import { makeDigestAuthenticator } from "../../src/registrar/DigestAuthenticator.js"
import { makeMemoryLocationStore } from "../../src/registrar/LocationStore.js"
import { makeRegistrarConfig, register } from "../../src/registrar/Registrar.js"
import { ladderIn, makeLadder } from "../proxy/ladder.js"
import { contactsOf, headerOf, makeRegister } from "./helpers.js"

/** A header's value for a ladder note: angle brackets and quotes dropped, long hex shortened. */
const shown = (name: string, value: string | undefined) =>
  `${name}: ${(value ?? "").replace(/[<>"]/g, "").replace(/([0-9a-f]{8})[0-9a-f]{8,}/g, "$1…")}`

const passwords = new Map([["alice", "wonderland"]])
const authenticator = makeDigestAuthenticator({
  realm: "example.com",
  nonceSecret: "registrar secret",
  nonceMaxAge: 60_000,
  lookup: (username) => {
    const password = passwords.get(username)
    return password === undefined ? undefined : { password }
  },
})
const config = makeRegistrarConfig({ domains: ["example.com"], authenticator: () => authenticator })

/** What Alice's phone does with a 401: answer the challenge ("UA->>UA: Calculate Digest Response"). */
const answerChallenge = (challenge: string, password: string, nc = 1) => {
  const challenges = parseChallenges(challenge)
  if (challenges._tag === "Err") throw new Error(challenges.error.reason)
  const value = authorize(
    challenges.value,
    { username: "alice", password },
    { method: "REGISTER", uri: "sip:example.com", cnonce: "0a4f113b", nc },
  )
  if (value._tag === "Err") throw new Error(value.error.reason)
  return value.value
}

const registerWith = (cseq: number, authorization?: string) =>
  makeRegister({
    cseq,
    contacts: ["<sip:alice@192.168.1.100>"],
    expires: "3600",
    ...(authorization === undefined ? {} : { extra: [["Authorization", authorization] as const] }),
  })

describe("seed: registration flow", () => {
  it("REGISTER → 401 → REGISTER with Authorization → 200 with the Contact and expires=3600", () => {
    // UA → Registrar: REGISTER sip:example.com (From/To alice@example.com, Contact, Expires: 3600).
    const ladder = makeLadder(["UA", "Registrar", "Location"])
    const request1 = registerWith(1)
    const notes1 = ["From", "To", "Contact", "Expires"].map((name) => shown(name, headerOf(request1, name)))
    ladder.arrow("UA", "Registrar", request1, notes1.join("<br/>"))
    const first = register(config, makeMemoryLocationStore(), { request: request1, now: 1_000, toTag: "r1" })
    // Registrar → UA: 401 Unauthorized with WWW-Authenticate: Digest realm=example.com, nonce=…
    expect(first.response.status).toBe(401)
    const challenge = headerOf(first.response, "WWW-Authenticate") ?? ""
    expect(challenge).toMatch(/^Digest realm="example.com", nonce="[^"]+"/)
    expect(first.store.aors()).toEqual([])
    ladder.arrow("Registrar", "UA", first.response, shown("WWW-Authenticate", challenge))

    // UA → Registrar: REGISTER with Authorization: Digest username=alice, realm=example.com, nonce, response.
    const authorization = answerChallenge(challenge, "wonderland")
    expect(authorization).toMatch(
      /^Digest username="alice", realm="example.com", .*nonce="[^"]+".*response="[0-9a-f]{32}"/,
    )
    const request2 = registerWith(2, authorization)
    ladder.arrow("UA", "Registrar", request2, shown("Authorization", authorization))
    const second = register(config, first.store, { request: request2, now: 2_000, toTag: "r2" })

    // Registrar → Location: store binding (AOR alice@example.com, Contact, 3600 s); Registrar → UA: 200 OK.
    expect(second.response.status).toBe(200)
    expect(contactsOf(second.response)).toEqual(["<sip:alice@192.168.1.100>;expires=3600"])
    expect(second.store.get("sip:alice@example.com", 2_000)).toEqual([
      {
        uri: "sip:alice@192.168.1.100",
        expiresAt: 3_602_000,
        q: undefined,
        callId: "1j9FpLxk3uxtm8tn@192.168.1.100",
        cseq: 2,
        instance: undefined,
        regId: undefined,
      },
    ])
    const [binding] = second.store.get("sip:alice@example.com", 2_000)
    ladder.text("Registrar", "Location", "put(sip:alice@example.com, bindings)")
    ladder.note("Location", `AOR: sip:alice@example.com<br/>Contact: ${binding?.uri}<br/>Expires: 3600`)
    ladder.arrow(
      "Registrar",
      "UA",
      second.response,
      contactsOf(second.response)
        .map((c) => shown("Contact", c))
        .join("<br/>"),
    )

    // docs/registrar.md shows this very ladder.
    expect(ladderIn(doc, "registration")).toBe(ladder.render())
  })

  it("challenges again for a wrong password, and with stale=true for a right answer to an old nonce", () => {
    const store = makeMemoryLocationStore()
    const first = register(config, store, { request: registerWith(1), now: 0, toTag: "r" })
    const challenge = headerOf(first.response, "WWW-Authenticate") ?? ""
    const wrong = register(config, store, {
      request: registerWith(2, answerChallenge(challenge, "guess")),
      now: 1_000,
      toTag: "r",
    })
    expect(wrong.response.status).toBe(401)
    expect(headerOf(wrong.response, "WWW-Authenticate")).not.toContain("stale=true")
    const late = register(config, store, {
      request: registerWith(3, answerChallenge(challenge, "wonderland")),
      now: 120_000,
      toTag: "r",
    })
    expect(late.response.status).toBe(401)
    expect(headerOf(late.response, "WWW-Authenticate")).toContain("stale=true")
    expect(late.store.aors()).toEqual([])
  })

  it("refuses credentials computed with another algorithm than the one challenged (a downgrade)", () => {
    const store = makeMemoryLocationStore()
    const first = register(config, store, { request: registerWith(1), now: 0, toTag: "r" })
    const challenge = (headerOf(first.response, "WWW-Authenticate") ?? "").replace(
      "algorithm=MD5",
      "algorithm=SHA-256",
    )
    expect(challenge).toContain("algorithm=SHA-256")
    const other = register(config, store, {
      request: registerWith(2, answerChallenge(challenge, "wonderland")),
      now: 1_000,
      toTag: "r",
    })
    expect(other.response.status).toBe(401)
  })

  it("answers 400 for an Authorization header that does not parse", () => {
    const bad = register(config, makeMemoryLocationStore(), {
      request: registerWith(1, "Digest ,,,="),
      now: 0,
      toTag: "r",
    })
    expect(bad.response.status).toBe(400)
  })
})
