/**
 * docs/digest.md runs: every ```ts block of the page (import lines aside) is a region of this file, and the
 * assertions after each region check what the page says the code gives.
 */
import { describe, expect, it } from "vitest"
import doc from "../../../../docs/digest.md?raw"
import {
  authorize,
  checkAuthorization,
  checkNonce,
  computeHA1,
  makeAuthenticationInfo,
  makeChallenge,
  makeNonce,
  parseChallenges,
  parseCredentials,
  verifyCredentials,
} from "../../src/digest/index.js"
import source from "./docs.test.ts?raw"

describe("docs/digest.md", () => {
  it("runs the REGISTER exchange", () => {
    // #region register
    // Registrar: the first REGISTER has no credentials → 401 with a challenge.
    const secret = "a long random key the runtime keeps"
    const now = 1_790_000_000_000 // the runtime's clock, in ms
    const challenge = makeChallenge({
      realm: "atlanta.com",
      nonce: makeNonce(secret, now, { salt: "17" }),
      algorithm: "SHA-256",
    })

    // UA: read every WWW-Authenticate of the 401 and answer the strongest challenge.
    const challenges = parseChallenges([challenge])
    if (challenges._tag === "Err") throw new Error(challenges.error.reason)
    const authorization = authorize(
      challenges.value,
      { username: "alice", password: "wonderland" },
      { method: "REGISTER", uri: "sip:atlanta.com", cnonce: "0a4f113b", nc: 1 },
    )
    if (authorization._tag === "Err") throw new Error(authorization.error.reason)

    // Registrar: the retried REGISTER carries Authorization.
    const credentials = parseCredentials(authorization.value)
    if (credentials._tag === "Err") throw new Error(credentials.error.reason) // 400
    const ha1 = computeHA1("SHA-256", "alice", "atlanta.com", "wonderland") // stored instead of the password
    const outcome = checkAuthorization({
      credentials: credentials.value,
      secret: { ha1 },
      method: "REGISTER",
      uri: "sip:atlanta.com",
      realm: "atlanta.com",
      nonceSecret: secret,
      nowMs: now + 1_000,
      maxAgeMs: 300_000,
      counts: new Map(),
    })
    const info =
      outcome._tag === "Authorized" ? makeAuthenticationInfo(credentials.value, { ha1 }) : undefined
    // #endregion
    expect(challenge).toMatch(
      /^Digest realm="atlanta.com", nonce="[0-9a-z.]+", algorithm=SHA-256, qop="auth"$/,
    )
    expect(authorization.value).toMatch(
      /^Digest username="alice", realm="atlanta.com", uri="sip:atlanta.com", algorithm=SHA-256, nonce="[^"]+", nc=00000001, cnonce="0a4f113b", qop=auth, response="[0-9a-f]{64}"$/,
    )
    expect(outcome._tag).toBe("Authorized")
    expect(info).toMatch(/^qop=auth, rspauth="[0-9a-f]{64}", cnonce="0a4f113b", nc=00000001$/)
  })

  it("shows the building blocks", () => {
    const secret = "k"
    const now = 1_790_000_000_000
    const credentials = parseCredentials(
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
        'uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", ' +
        'response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    )
    if (credentials._tag === "Err") throw new Error(credentials.error.reason)
    // #region blocks
    const nonce = makeNonce(secret, now)
    const fresh = checkNonce(secret, nonce, now + 60_000, 300_000) // "fresh"
    const stale = checkNonce(secret, nonce, now + 600_000, 300_000) // "stale": 401 with stale=true
    const forged = checkNonce(secret, "dcd98b7102dd2f0e8b11d0f600bfb0c093", now, 300_000) // "invalid"

    // RFC 2617 §3.5: the example's response is right for "Circle Of Life", and only for GET.
    const right = verifyCredentials(credentials.value, { password: "Circle Of Life" }, { method: "GET" }) // true
    const wrong = verifyCredentials(credentials.value, { password: "Circle Of Life" }, { method: "PUT" }) // false
    // #endregion
    expect([fresh, stale, forged]).toEqual(["fresh", "stale", "invalid"])
    expect([right, wrong]).toEqual([true, false])
  })

  it("shows exactly the code above", () => {
    expect(doc).toContain("```ts")
    for (const block of doc
      .split("```ts\n")
      .slice(1)
      .map((b) => b.split("```")[0]!)) {
      const code = block.replace(/^import [\s\S]*? from "[^"]+"\n/gm, "").trim()
      const indented = code
        .split("\n")
        .map((l) => (l === "" ? "" : `    ${l}`))
        .join("\n")
      expect(source).toContain(indented)
    }
  })
})
