// Published digest vectors.
// RFC 7616 §3.9.1 (MD5 and SHA-256): Mufasa / "Circle of Life", realm "http-auth@example.org", GET /dir/index.html,
//   nonce "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", cnonce "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
//   nc=00000001, qop=auth → MD5 response "8ca523f5e9506fed4657c9700eebdbec",
//   SHA-256 response "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1".
// RFC 7616 §3.9.2 (SHA-512-256, userhash): "Jäsøn Doe" / "Secret, or not?", realm "api@example.org", GET /doe.json.
//   The RFC prints response "ae66e67d…" and userhash "48886947…", computed with a draft SHA-512/256; RFC Erratum
//   4897 (https://www.rfc-editor.org/errata/eid4897) corrects them to response
//   "3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5" and userhash
//   "793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b" — the values FIPS 180-4 gives.
// RFC 2617 §3.5: Mufasa / "Circle Of Life", realm "testrealm@host.com", GET /dir/index.html,
//   nonce "dcd98b7102dd2f0e8b11d0f600bfb0c093", cnonce "0a4f113b", nc=00000001, qop=auth
//   → response "6629fae49393a05397450978507c4ef1".
import { describe, expect, it } from "vitest"
import {
  authorize,
  computeResponse,
  hashHex,
  parseChallenges,
  parseCredentials,
  printCredentials,
  verifyCredentials,
} from "../../src/digest/index.js"

const rfc7616Challenge = (algorithm: string) =>
  `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, ` +
  `nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`

const rfc7616Request = {
  method: "GET",
  uri: "/dir/index.html",
  cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
  nc: 1,
}

const mufasa = { username: "Mufasa", password: "Circle of Life" }

const okValue = <A>(result: { _tag: "Ok"; value: A } | { _tag: "Err"; error: unknown }): A => {
  if (result._tag === "Err") throw new Error(JSON.stringify(result.error))
  return result.value
}

describe("RFC 7616 §3.9.1", () => {
  it("MD5: the Authorization header of the example", () => {
    const challenges = okValue(parseChallenges(rfc7616Challenge("MD5")))
    expect(okValue(authorize(challenges, mufasa, rfc7616Request))).toBe(
      'Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=MD5, ' +
        'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, ' +
        'cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, ' +
        'response="8ca523f5e9506fed4657c9700eebdbec", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    )
  })

  it("SHA-256: response 753927fa…", () => {
    const value = okValue(
      authorize(okValue(parseChallenges(rfc7616Challenge("SHA-256"))), mufasa, rfc7616Request),
    )
    expect(okValue(parseCredentials(value)).response).toBe(
      "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
    )
  })

  it("the server verifies the example's credentials, and refuses another password", () => {
    const credentials = okValue(
      parseCredentials(
        'Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, ' +
          'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, ' +
          'cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, ' +
          'response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", ' +
          'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
      ),
    )
    expect(verifyCredentials(credentials, { password: "Circle of Life" }, { method: "GET" })).toBe(true)
    expect(verifyCredentials(credentials, { password: "Circle Of Life" }, { method: "GET" })).toBe(false)
  })
})

describe("RFC 7616 §3.9.2 (SHA-512-256)", () => {
  it("response 3798d413… and the userhash of Jäsøn Doe (Erratum 4897)", () => {
    const input = {
      algorithm: "SHA-512-256" as const,
      username: "J\u00e4s\u00f8n Doe",
      realm: "api@example.org",
      nonce: "5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK",
      uri: "/doe.json",
      method: "GET",
      qop: "auth",
      cnonce: "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v",
      nc: "00000001",
    }
    expect(computeResponse(input, { password: "Secret, or not?" })).toBe(
      "3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5",
    )
    expect(hashHex("SHA-512-256", "J\u00e4s\u00f8n Doe:api@example.org")).toBe(
      "793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b",
    )
  })
})

describe("RFC 2617 §3.5", () => {
  const header =
    'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
    'uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", ' +
    'response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"'

  it("the client computes response 6629fae4…", () => {
    const challenge =
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
      'opaque="5ccc069c403ebaf9f0171e9517f40e41"'
    const value = okValue(
      authorize(
        okValue(parseChallenges(challenge)),
        { username: "Mufasa", password: "Circle Of Life" },
        { method: "GET", uri: "/dir/index.html", cnonce: "0a4f113b", nc: 1 },
      ),
    )
    expect(okValue(parseCredentials(value))).toMatchObject({
      response: "6629fae49393a05397450978507c4ef1",
      algorithm: undefined,
      qop: "auth",
      nc: "00000001",
    })
  })

  it("the server parses and verifies the example Authorization header", () => {
    const credentials = okValue(parseCredentials(header))
    expect(credentials).toEqual({
      _tag: "DigestCredentials",
      username: "Mufasa",
      realm: "testrealm@host.com",
      nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
      uri: "/dir/index.html",
      response: "6629fae49393a05397450978507c4ef1",
      algorithm: undefined,
      cnonce: "0a4f113b",
      opaque: "5ccc069c403ebaf9f0171e9517f40e41",
      qop: "auth",
      nc: "00000001",
      userhash: false,
      extra: [],
    })
    expect(
      verifyCredentials(
        credentials,
        { password: "Circle Of Life" },
        { method: "GET", uri: "/dir/index.html" },
      ),
    ).toBe(true)
    expect(verifyCredentials(credentials, { password: "Circle Of Life" }, { method: "POST" })).toBe(false)
    expect(okValue(parseCredentials(printCredentials(credentials)))).toEqual(credentials)
  })
})
