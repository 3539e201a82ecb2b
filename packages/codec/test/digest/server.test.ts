import { describe, expect, it } from "vitest"
import {
  authorize,
  checkAuthorization,
  checkNonce,
  checkNonceCount,
  chooseChallenge,
  computeHA1,
  computeResponse,
  makeAuthenticationInfo,
  makeChallenge,
  makeCredentials,
  makeNonce,
  nonceTimestamp,
  parseAuthenticationInfo,
  parseChallenges,
  parseCredentials,
  pruneNonceCounts,
  verifyAuthenticationInfo,
  verifyCredentials,
} from "../../src/digest/index.js"

const SECRET = "server-secret"
const T0 = 1_790_000_000_000
const MINUTE = 60_000

const unwrap = <A>(result: { _tag: "Ok"; value: A } | { _tag: "Err"; error: unknown }): A => {
  if (result._tag === "Err") throw new Error(JSON.stringify(result.error))
  return result.value
}

describe("stateless nonces", () => {
  const nonce = makeNonce(SECRET, T0, { salt: "1", bind: "192.0.2.1" })

  it("is fresh until maxAge, then stale", () => {
    expect(checkNonce(SECRET, nonce, T0, 5 * MINUTE, { bind: "192.0.2.1" })).toBe("fresh")
    expect(checkNonce(SECRET, nonce, T0 + 5 * MINUTE, 5 * MINUTE, { bind: "192.0.2.1" })).toBe("fresh")
    expect(checkNonce(SECRET, nonce, T0 + 5 * MINUTE + 1, 5 * MINUTE, { bind: "192.0.2.1" })).toBe("stale")
    expect(nonceTimestamp(nonce)).toBe(T0)
  })

  it("is invalid under another secret or bind, when tampered, malformed or from the far future", () => {
    expect(checkNonce("other", nonce, T0, MINUTE, { bind: "192.0.2.1" })).toBe("invalid")
    expect(checkNonce(SECRET, nonce, T0, MINUTE, { bind: "192.0.2.2" })).toBe("invalid")
    const later = makeNonce(SECRET, T0 + 1, { salt: "1", bind: "192.0.2.1" }).split(".")[0]
    expect(
      checkNonce(SECRET, `${later}.${nonce.split(".").slice(1).join(".")}`, T0, MINUTE, {
        bind: "192.0.2.1",
      }),
    ).toBe("invalid")
    expect(checkNonce(SECRET, "dcd98b7102dd2f0e8b11d0f600bfb0c093", T0, MINUTE)).toBe("invalid")
    expect(checkNonce(SECRET, makeNonce(SECRET, T0 + 10 * MINUTE), T0, MINUTE)).toBe("invalid")
  })

  it("differs by salt within one millisecond and is safe inside a quoted-string", () => {
    expect(makeNonce(SECRET, T0, { salt: "a" })).not.toBe(makeNonce(SECRET, T0, { salt: "b" }))
    expect(makeNonce(SECRET, T0, { salt: 'x"\\y' })).toMatch(/^[0-9a-z.]+$/)
  })

  it("counts: a nonce-count must grow; old nonces are pruned", () => {
    const first = unwrap(checkNonceCount(new Map(), nonce, "00000001"))
    expect(first.get(nonce)).toBe(1)
    expect(checkNonceCount(first, nonce, "00000001")).toEqual({
      _tag: "Err",
      error: { _tag: "NonceReplay", nonce, nc: 1, last: 1 },
    })
    expect(unwrap(checkNonceCount(first, nonce, "0000000a")).get(nonce)).toBe(10)
    const other = makeNonce(SECRET, T0 + 10 * MINUTE)
    const both = new Map([...first, [other, 3], ["foreign", 1]])
    expect([...pruneNonceCounts(both, T0 + 10 * MINUTE, 5 * MINUTE).keys()]).toEqual([other])
  })
})

describe("checkAuthorization", () => {
  const realm = "atlanta.com"
  const request = { method: "REGISTER", uri: "sip:atlanta.com", cnonce: "0a4f113b", nc: 1 }
  const alice = { username: "alice", password: "wonderland" }
  const credentialsAt = (issuedAt: number, nc = 1) => {
    const challenge = makeChallenge({ realm, nonce: makeNonce(SECRET, issuedAt), algorithm: "SHA-256" })
    return unwrap(
      parseCredentials(unwrap(authorize(unwrap(parseChallenges(challenge)), alice, { ...request, nc }))),
    )
  }
  const check = (credentials: ReturnType<typeof credentialsAt>, extra: object = {}) =>
    checkAuthorization({
      credentials,
      secret: { ha1: computeHA1("SHA-256", "alice", realm, "wonderland") },
      method: "REGISTER",
      uri: "sip:atlanta.com",
      realm,
      nonceSecret: SECRET,
      nowMs: T0 + MINUTE,
      maxAgeMs: 5 * MINUTE,
      ...extra,
    })

  it("authorizes good credentials and records the nonce-count", () => {
    const credentials = credentialsAt(T0)
    const outcome = check(credentials, { counts: new Map() })
    expect(outcome._tag).toBe("Authorized")
    const counts = outcome._tag === "Authorized" ? outcome.counts : undefined
    expect(counts?.get(credentials.nonce)).toBe(1)
    expect(check(credentials, { counts })).toEqual({ _tag: "Unauthorized", reason: "replay" })
    expect(check(credentialsAt(T0, 2), { counts })._tag).toBe("Authorized")
  })

  it("answers stale for a good response with an old nonce, and refuses the rest", () => {
    expect(check(credentialsAt(T0 - 10 * MINUTE))).toEqual({ _tag: "Stale" })
    expect(check({ ...credentialsAt(T0), realm: "biloxi.com" })).toEqual({
      _tag: "Unauthorized",
      reason: "realm",
    })
    expect(check({ ...credentialsAt(T0), nonce: "made-up" })).toEqual({
      _tag: "Unauthorized",
      reason: "nonce",
    })
    expect(check(credentialsAt(T0), { method: "INVITE" })).toEqual({
      _tag: "Unauthorized",
      reason: "response",
    })
    expect(check(credentialsAt(T0), { uri: "sip:elsewhere" })).toEqual({
      _tag: "Unauthorized",
      reason: "response",
    })
  })
})

describe("the client", () => {
  const challenges = unwrap(
    parseChallenges([
      'Digest realm="r", nonce="n", algorithm=MD5, qop="auth"',
      'Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth"',
      'Digest realm="r", nonce="n", algorithm=SHA-512-256, qop="auth"',
      'Digest realm="r", nonce="n", algorithm=AKAv1-MD5, qop="auth"',
    ]),
  )

  it("chooses the strongest offered algorithm: SHA-512-256 > SHA-256 > MD5", () => {
    expect(chooseChallenge(challenges)?.algorithm).toBe("SHA-512-256")
    expect(chooseChallenge(challenges.slice(0, 2))?.algorithm).toBe("SHA-256")
    expect(chooseChallenge(challenges.slice(0, 1))?.algorithm).toBe("MD5")
    expect(chooseChallenge(challenges.slice(3))).toBeUndefined()
    expect(
      chooseChallenge(unwrap(parseChallenges('Digest realm="r", nonce="n", qop="auth-conf"'))),
    ).toBeUndefined()
  })

  it("refuses when nothing is usable", () => {
    const result = authorize(
      challenges.slice(3),
      { username: "u", password: "p" },
      { method: "M", uri: "u", cnonce: "c", nc: 1 },
    )
    expect(result._tag).toBe("Err")
  })

  it("answers the RFC 2069 form without qop: no cnonce, no nc", () => {
    const challenge = unwrap(parseChallenges('Digest realm="r", nonce="n"'))
    const credentials = unwrap(
      makeCredentials(
        challenge,
        { username: "u", password: "p" },
        { method: "BYE", uri: "sip:b", cnonce: "c", nc: 1 },
      ),
    )
    expect(credentials).toMatchObject({ qop: undefined, cnonce: undefined, nc: undefined })
    // H(H(u:r:p):n:H(BYE:sip:b)) with MD5.
    const expected = computeResponse(
      {
        algorithm: "MD5",
        username: "u",
        realm: "r",
        nonce: "n",
        uri: "sip:b",
        method: "BYE",
        qop: undefined,
        cnonce: undefined,
        nc: undefined,
      },
      { password: "p" },
    )
    expect(credentials.response).toBe(expected)
    expect(verifyCredentials(credentials, { password: "p" }, { method: "BYE" })).toBe(true)
  })

  it("uses auth-int when asked and offered, hashing the body", () => {
    const challenge = unwrap(
      parseChallenges('Digest realm="r", nonce="n", qop="auth,auth-int", algorithm=SHA-256-sess'),
    )
    const request = {
      method: "INVITE",
      uri: "sip:b",
      body: "v=0\r\n",
      cnonce: "c",
      nc: 1,
      qop: "auth-int" as const,
    }
    const credentials = unwrap(makeCredentials(challenge, { username: "u", password: "p" }, request))
    expect(credentials.qop).toBe("auth-int")
    expect(verifyCredentials(credentials, { password: "p" }, { method: "INVITE", body: "v=0\r\n" })).toBe(
      true,
    )
    expect(verifyCredentials(credentials, { password: "p" }, { method: "INVITE", body: "v=1\r\n" })).toBe(
      false,
    )
  })

  it("checks the server's rspauth (mutual authentication)", () => {
    const challenge = unwrap(parseChallenges('Digest realm="r", nonce="n", qop="auth", algorithm=SHA-256'))
    const credentials = unwrap(
      makeCredentials(
        challenge,
        { username: "u", password: "p" },
        { method: "REGISTER", uri: "sip:r", cnonce: "c", nc: 1 },
      ),
    )
    const info = unwrap(
      parseAuthenticationInfo(makeAuthenticationInfo(credentials, { password: "p" }, { nextnonce: "n2" })),
    )
    expect(info).toMatchObject({ nextnonce: "n2", qop: "auth", cnonce: "c", nc: "00000001" })
    expect(verifyAuthenticationInfo(info, credentials, { password: "p" })).toBe(true)
    expect(verifyAuthenticationInfo(info, credentials, { password: "q" })).toBe(false)
    expect(verifyAuthenticationInfo({ ...info, rspauth: undefined }, credentials, { password: "p" })).toBe(
      false,
    )
  })
})

describe("-sess algorithms", () => {
  // Cross-checked against values another implementation publishes for the RFC 7616 §3.9.1 inputs.
  const input = {
    username: "Mufasa",
    realm: "http-auth@example.org",
    nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
    uri: "/dir/index.html",
    method: "GET",
    qop: "auth",
    cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    nc: "00000001",
  }
  it("MD5-sess and SHA-256-sess fold nonce and cnonce into HA1", () => {
    expect(computeResponse({ ...input, algorithm: "MD5-sess" }, { password: "Circle of Life" })).toBe(
      "e783283f46242139c486a698fec7211d",
    )
    expect(computeResponse({ ...input, algorithm: "SHA-256-sess" }, { password: "Circle of Life" })).toBe(
      "2fd51b3a77ad75bad6afad6003e818d767133c46d9e2749e7f5232ae1ea3efd7",
    )
  })

  it("accept a stored HA1 in place of the password", () => {
    const ha1 = computeHA1("SHA-512-256-sess", "Mufasa", "http-auth@example.org", "Circle of Life")
    const a = computeResponse({ ...input, algorithm: "SHA-512-256-sess" }, { ha1 })
    expect(a).toBe(
      computeResponse({ ...input, algorithm: "SHA-512-256-sess" }, { password: "Circle of Life" }),
    )
    expect(a).toHaveLength(64)
  })
})
