// The laws of digest authentication: what the client computes, the server accepts; change any input the
// response covers and the server refuses it. Printing and parsing are inverse.
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  ALGORITHMS,
  type DigestCredentials,
  makeCredentials,
  parseChallenges,
  parseCredentials,
  printChallenge,
  printCredentials,
  verifyCredentials,
} from "../../src/digest/index.js"

const text = fc.string({ minLength: 1, maxLength: 12, unit: "grapheme" })
const token = fc.stringMatching(/^[A-Za-z0-9._~+-]{1,12}$/)
const body = fc.oneof(fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }))

const scenario = fc.record({
  algorithm: fc.constantFrom(...ALGORITHMS),
  qop: fc.constantFrom<ReadonlyArray<string>>([], ["auth"], ["auth-int"], ["auth", "auth-int"]),
  prefer: fc.constantFrom("auth" as const, "auth-int" as const),
  username: text,
  password: text,
  realm: text,
  nonce: token,
  opaque: fc.option(token, { nil: undefined }),
  method: fc.constantFrom("REGISTER", "INVITE", "BYE", "OPTIONS"),
  uri: fc.constantFrom("sip:atlanta.com", "sip:bob@biloxi.com;transport=tcp", "sips:[2001:db8::1]:5061"),
  body,
  cnonce: token,
  nc: fc.integer({ min: 1, max: 0xffff }),
})

type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never

const credentialsFor = (s: Scenario): DigestCredentials => {
  const challenge = `Digest realm="${s.realm.replace(/["\\]/g, "\\$&")}", nonce="${s.nonce}", algorithm=${s.algorithm}${
    s.qop.length > 0 ? `, qop="${s.qop.join(",")}"` : ""
  }${s.opaque === undefined ? "" : `, opaque="${s.opaque}"`}`
  const challenges = parseChallenges(challenge)
  if (challenges._tag === "Err") throw new Error(challenges.error.reason)
  const request = { method: s.method, uri: s.uri, body: s.body, cnonce: s.cnonce, nc: s.nc, qop: s.prefer }
  const made = makeCredentials(challenges.value, { username: s.username, password: s.password }, request)
  if (made._tag === "Err") throw new Error(made.error.reason)
  // What goes on the wire is text: the server sees the parsed header.
  const parsed = parseCredentials(printCredentials(made.value))
  if (parsed._tag === "Err") throw new Error(parsed.error.reason)
  expect(parsed.value).toEqual(made.value)
  return parsed.value
}

describe("digest properties", () => {
  it("a response computed by the client verifies on the server", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const credentials = credentialsFor(s)
        expect(
          verifyCredentials(
            credentials,
            { password: s.password },
            { method: s.method, body: s.body, uri: s.uri },
          ),
        ).toBe(true)
      }),
      { numRuns: 200, seed: 7616 },
    )
  })

  it("any change to method, URI, auth-int body, nonce-count or password fails it", () => {
    fc.assert(
      fc.property(scenario, text, body, (s, other, otherBody) => {
        const credentials = credentialsFor(s)
        const secret = { password: s.password }
        const request = { method: s.method, body: s.body }
        expect(verifyCredentials(credentials, secret, { ...request, method: `${s.method}X` })).toBe(false)
        expect(verifyCredentials({ ...credentials, uri: `${s.uri};x` }, secret, request)).toBe(false)
        if (other !== s.password)
          expect(verifyCredentials(credentials, { password: other }, request)).toBe(false)
        if (credentials.nc !== undefined) {
          const nc = (Number.parseInt(credentials.nc, 16) + 1).toString(16).padStart(8, "0")
          expect(verifyCredentials({ ...credentials, nc }, secret, request)).toBe(false)
        }
        if (credentials.qop === "auth-int" && !bytesEqual(otherBody, s.body)) {
          expect(verifyCredentials(credentials, secret, { ...request, body: otherBody })).toBe(false)
        }
      }),
      { numRuns: 200, seed: 8760 },
    )
  })

  it("printChallenge and parseChallenges are inverse", () => {
    fc.assert(
      fc.property(scenario, fc.boolean(), (s, stale) => {
        const challenge = {
          _tag: "DigestChallenge" as const,
          realm: s.realm,
          nonce: s.nonce,
          algorithm: s.algorithm,
          qop: s.qop,
          opaque: s.opaque,
          stale,
          domain: undefined,
          charset: undefined,
          userhash: false,
          extra: [],
        }
        const parsed = parseChallenges(`${printChallenge(challenge)}, ${printChallenge(challenge)}`)
        expect(parsed).toEqual({ _tag: "Ok", value: [challenge, challenge] })
      }),
      { numRuns: 200, seed: 2617 },
    )
  })
})

const utf8 = (value: string | Uint8Array): Uint8Array =>
  typeof value === "string" ? new TextEncoder().encode(value) : value

const bytesEqual = (a: string | Uint8Array, b: string | Uint8Array): boolean => {
  const x = utf8(a)
  const y = utf8(b)
  return x.length === y.length && x.every((v, i) => v === y[i])
}
