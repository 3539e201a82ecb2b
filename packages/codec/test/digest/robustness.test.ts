// Network input never throws: mangled authentication headers give Ok or an AuthError value (status 400), and
// the server-side checks on whatever parses answer false / "invalid" rather than throwing.
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  checkAuthorization,
  checkNonce,
  parseAuthenticationInfo,
  parseChallenges,
  parseCredentials,
  verifyCredentials,
} from "../../src/digest/index.js"

const samples = [
  'Digest realm="biloxi.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
  'Digest username="bob", realm="biloxi.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:bob@biloxi.com", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
  'nextnonce="47364c23432d2e131a5fb210812c", qop=auth, rspauth="d3ad", cnonce="c", nc=00000001',
  'Basic realm="x", Negotiate abc==, Digest realm="a\\"b", nonce=n, algorithm=SHA-512-256-sess, stale=true',
]

const mangled = fc
  .tuple(
    fc.constantFrom(...samples),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom("", '"', "\\", ",", "=", " ", "\r\n", "Digest ", "x")), {
      maxLength: 6,
    }),
  )
  .map(([text, edits]) =>
    edits.reduce((t, [at, insert]) => {
      const i = t.length === 0 ? 0 : at % t.length
      return insert === "" ? t.slice(0, i) + t.slice(i + 1) : t.slice(0, i) + insert + t.slice(i)
    }, text),
  )

describe("digest parsers on mangled input", () => {
  it("never throw; errors carry status 400; checks on parsed credentials answer without throwing", () => {
    fc.assert(
      fc.property(fc.oneof(mangled, fc.string({ maxLength: 120 })), (text) => {
        for (const result of [parseChallenges(text), parseCredentials(text), parseAuthenticationInfo(text)]) {
          if (result._tag === "Err") expect(result.error.status).toBe(400)
        }
        const credentials = parseCredentials(text)
        if (credentials._tag === "Ok") {
          expect(
            typeof verifyCredentials(credentials.value, { password: "p" }, { method: "INVITE", body: text }),
          ).toBe("boolean")
          const outcome = checkAuthorization({
            credentials: credentials.value,
            secret: { ha1: "00" },
            method: "INVITE",
            realm: credentials.value.realm,
            nonceSecret: "k",
            nowMs: 0,
            maxAgeMs: 1000,
            counts: new Map(),
          })
          expect(outcome._tag).toBe("Unauthorized")
        }
        expect(["fresh", "stale", "invalid"]).toContain(checkNonce("k", text, 0, 1000))
      }),
      { numRuns: 500, seed: 2069 },
    )
  })
})
