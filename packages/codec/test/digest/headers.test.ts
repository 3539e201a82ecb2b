import { describe, expect, it } from "vitest"
import {
  digestChallenges,
  makeChallenge,
  parseAuthenticationInfo,
  parseChallenges,
  parseCredentials,
  printAuthenticationInfo,
  printChallenge,
} from "../../src/digest/index.js"

describe("parseChallenges", () => {
  it("reads several challenges in one value and in several fields, other schemes kept", () => {
    const result = parseChallenges([
      'Digest realm="atlanta.com", nonce="n1", algorithm=SHA-512-256, qop="auth", Digest realm="atlanta.com", nonce="n1", algorithm=SHA-256, qop="auth"',
      'Basic realm="legacy", Digest realm="atlanta.com", nonce="n1", qop="auth,auth-int", opaque="o", stale=TRUE',
      "Negotiate YIIBhwYGKwYBBQUCoIIBezCCAXeg==",
    ])
    if (result._tag === "Err") throw new Error(result.error.reason)
    expect(
      result.value.map((c) => (c._tag === "DigestChallenge" ? (c.algorithm ?? "MD5") : c.item.scheme)),
    ).toEqual(["SHA-512-256", "SHA-256", "Basic", "MD5", "Negotiate"])
    const md5 = digestChallenges(result.value)[2]!
    expect(md5).toMatchObject({ qop: ["auth", "auth-int"], opaque: "o", stale: true })
    expect(result.value[4]).toEqual({
      _tag: "OtherChallenge",
      item: { scheme: "Negotiate", params: [], token68: "YIIBhwYGKwYBBQUCoIIBezCCAXeg==" },
    })
  })

  it("reads the RFC 3261 §22.4 example with its line folding and keeps unknown parameters", () => {
    const result = parseChallenges(
      'Digest realm="biloxi.com",\r\n qop="auth,auth-int",\r\n nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",\r\n opaque="5ccc069c403ebaf9f0171e9517f40e41", x-foo=bar',
    )
    expect(result._tag === "Ok" && result.value[0]).toEqual({
      _tag: "DigestChallenge",
      realm: "biloxi.com",
      nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
      algorithm: undefined,
      qop: ["auth", "auth-int"],
      opaque: "5ccc069c403ebaf9f0171e9517f40e41",
      stale: false,
      domain: undefined,
      charset: undefined,
      userhash: false,
      extra: [{ name: "x-foo", value: "bar", quoted: false }],
    })
  })

  it("unescapes quoted-pairs and prints them back", () => {
    const value = 'Digest realm="say \\"hi\\" \\\\ there", nonce="n"'
    const result = parseChallenges(value)
    if (result._tag === "Err") throw new Error(result.error.reason)
    expect(result.value[0]).toMatchObject({ realm: 'say "hi" \\ there' })
    expect(printChallenge(result.value[0]!)).toBe('Digest realm="say \\"hi\\" \\\\ there", nonce="n"')
  })

  it("tolerates unquoted values outside the token grammar (base64 nonces)", () => {
    const result = parseChallenges("Digest realm=r, nonce=ab/c+d==, qop=auth")
    expect(result._tag === "Ok" && result.value[0]).toMatchObject({
      realm: "r",
      nonce: "ab/c+d==",
      qop: ["auth"],
    })
  })

  const bad = [
    ['Digest realm="unterminated, nonce="x'],
    ['Digest nonce="x"'],
    ['Digest realm="r"'],
    ['realm="r", nonce="n"'],
    ['Digest realm="r" nonce="n"'],
    ["Digest realm=, nonce=n"],
    ['Digest realm="r", nonce="n" x'],
  ]
  it.each(bad)("gives an AuthError (400) for %s", (value) => {
    const result = parseChallenges(value)
    expect(result._tag === "Err" && result.error).toMatchObject({ _tag: "AuthError", status: 400 })
  })
})

describe("makeChallenge", () => {
  it("writes realm, nonce, algorithm and qop by default", () => {
    expect(makeChallenge({ realm: "atlanta.com", nonce: "abc" })).toBe(
      'Digest realm="atlanta.com", nonce="abc", algorithm=MD5, qop="auth"',
    )
  })

  it("writes opaque, stale and several qop options, or none for RFC 2069", () => {
    expect(
      makeChallenge({
        realm: "r",
        nonce: "n",
        algorithm: "SHA-256",
        qop: ["auth", "auth-int"],
        opaque: "o",
        stale: true,
      }),
    ).toBe('Digest realm="r", nonce="n", opaque="o", stale=true, algorithm=SHA-256, qop="auth,auth-int"')
    expect(makeChallenge({ realm: "r", nonce: "n", qop: [] })).toBe(
      'Digest realm="r", nonce="n", algorithm=MD5',
    )
  })
})

describe("parseCredentials", () => {
  it("accepts quoted qop and nc as some clients send them, and any parameter case", () => {
    const result = parseCredentials(
      'digest USERNAME="a", realm="r", nonce="n", uri="sip:r", response="x", qop="auth", nc="00000001", cnonce="c"',
    )
    expect(result._tag === "Ok" && result.value).toMatchObject({ username: "a", qop: "auth", nc: "00000001" })
  })

  const bad = [
    ["Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="],
    ['Digest realm="r", nonce="n", uri="u", response="x"'],
    ['Digest username="a", realm="r", nonce="n", uri="u", response="x", qop=auth'],
    ['Digest username="a", realm="r", nonce="n", uri="u", response="x", qop=auth, cnonce="c", nc=1'],
    ['Digest username="a", realm="r", nonce="n", uri="u", response="x", Digest username="b"'],
  ]
  it.each(bad)("gives an AuthError for %s", (value) => {
    expect(parseCredentials(value)._tag).toBe("Err")
  })
})

describe("Authentication-Info", () => {
  it("parses and prints the RFC 7616 §3.5 fields", () => {
    const value = 'nextnonce="abc", qop=auth, rspauth="d3ad", cnonce="c", nc=00000001'
    const result = parseAuthenticationInfo(value)
    if (result._tag === "Err") throw new Error(result.error.reason)
    expect(result.value).toEqual({
      nextnonce: "abc",
      qop: "auth",
      rspauth: "d3ad",
      cnonce: "c",
      nc: "00000001",
      extra: [],
    })
    expect(printAuthenticationInfo(result.value)).toBe(value)
  })

  it("refuses a scheme-prefixed value", () => {
    expect(parseAuthenticationInfo('Digest nextnonce="abc"')._tag).toBe("Err")
  })
})
