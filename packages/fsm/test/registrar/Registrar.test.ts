import { getTag, getTo } from "@sipkit/codec"
import { describe, expect, it } from "vitest"
import { canonicalAor } from "../../src/registrar/Aor.js"
import type { Authenticator } from "../../src/registrar/Authenticator.js"
import { makeMemoryLocationStore } from "../../src/registrar/LocationStore.js"
import { makeRegistrarConfig, processRegister, register } from "../../src/registrar/Registrar.js"
import { contactsOf, headerOf, makeRegister } from "./helpers.js"

const config = makeRegistrarConfig({ domains: ["example.com"] })
const empty = makeMemoryLocationStore()
const at = (now: number) => ({ now, toTag: `t${now}` })

describe("registrar (§10.3)", () => {
  it("adds a binding and answers 200 listing it with its expires; the To tag is the caller's", () => {
    const request = makeRegister({ cseq: 1, contacts: ["<sip:alice@192.168.1.100>"], expires: "3600" })
    const { store, response } = register(config, empty, { request, ...at(0) })
    expect(response.status).toBe(200)
    expect(contactsOf(response)).toEqual(["<sip:alice@192.168.1.100>;expires=3600"])
    const to = getTo(response)
    expect(to._tag === "Ok" && getTag(to.value)).toBe("t0")
    expect(store.get("sip:alice@example.com", 0).map((b) => [b.uri, b.expiresAt])).toEqual([
      ["sip:alice@192.168.1.100", 3_600_000],
    ])
  })

  it("fetches without a Contact: bindings unchanged, each listed with the seconds left", () => {
    const first = register(config, empty, {
      request: makeRegister({ cseq: 1, contacts: ["<sip:a@1.1.1.1>;expires=600", "<sip:a@2.2.2.2>"] }),
      ...at(0),
    })
    const fetched = register(config, first.store, { request: makeRegister({ cseq: 2 }), ...at(100_500) })
    expect(fetched.response.status).toBe(200)
    expect(contactsOf(fetched.response)).toEqual([
      "<sip:a@1.1.1.1>;expires=500",
      "<sip:a@2.2.2.2>;expires=3500",
    ])
    expect(fetched.store.get("sip:alice@example.com", 100_500)).toEqual(
      first.store.get("sip:alice@example.com", 100_500),
    )
  })

  it("takes the expires parameter over the Expires header, the header over the default, and caps at the maximum", () => {
    const capped = makeRegistrarConfig({ domains: ["example.com"], maxExpires: 7200 })
    const { response } = register(capped, empty, {
      request: makeRegister({
        cseq: 1,
        contacts: ["<sip:a@1.1.1.1>;expires=120", "<sip:a@2.2.2.2>", "<sip:a@3.3.3.3>;expires=99999"],
        expires: "300",
      }),
      ...at(0),
    })
    expect(contactsOf(response)).toEqual([
      "<sip:a@1.1.1.1>;expires=120",
      "<sip:a@2.2.2.2>;expires=300",
      "<sip:a@3.3.3.3>;expires=7200",
    ])
    const byDefault = register(config, empty, {
      request: makeRegister({ cseq: 1, contacts: ["<sip:a@h>"] }),
      ...at(0),
    })
    expect(contactsOf(byDefault.response)).toEqual(["<sip:a@h>;expires=3600"])
  })

  it("removes one binding with expires=0 and keeps the others", () => {
    const first = register(config, empty, {
      request: makeRegister({ cseq: 1, contacts: ["<sip:a@1.1.1.1>", "<sip:a@2.2.2.2>"] }),
      ...at(0),
    })
    const removed = register(config, first.store, {
      request: makeRegister({ cseq: 2, contacts: ["<sip:a@1.1.1.1>;expires=0"] }),
      ...at(1000),
    })
    expect(contactsOf(removed.response)).toEqual(["<sip:a@2.2.2.2>;expires=3599"])
  })

  it("removes every binding on Contact: * with Expires: 0, and refuses * otherwise with 400", () => {
    const first = register(config, empty, {
      request: makeRegister({ cseq: 1, contacts: ["<sip:a@1.1.1.1>", "<sip:a@2.2.2.2>"] }),
      ...at(0),
    })
    const all = register(config, first.store, {
      request: makeRegister({ cseq: 2, contacts: ["*"], expires: "0" }),
      ...at(0),
    })
    expect(all.response.status).toBe(200)
    expect(contactsOf(all.response)).toEqual([])
    expect(all.store.aors()).toEqual([])
    for (const request of [
      makeRegister({ cseq: 3, contacts: ["*"], expires: "60" }),
      makeRegister({ cseq: 3, contacts: ["*"] }),
      makeRegister({ cseq: 3, contacts: ["*", "<sip:a@1.1.1.1>"], expires: "0" }),
    ]) {
      const refused = register(config, first.store, { request, ...at(0) })
      expect(refused.response.status).toBe(400)
      expect(refused.store).toBe(first.store)
    }
  })

  it("answers 423 with Min-Expires for an interval above zero and below the minimum", () => {
    const { response, store } = register(config, empty, {
      request: makeRegister({ cseq: 1, contacts: ["<sip:a@h>;expires=30"] }),
      ...at(0),
    })
    expect(response.status).toBe(423)
    expect(headerOf(response, "Min-Expires")).toBe("60")
    expect(store.aors()).toEqual([])
  })

  it("refuses an out-of-order CSeq with 500 and leaves the store as it was (§10.3 step 7)", () => {
    const first = register(config, empty, {
      request: makeRegister({ cseq: 5, contacts: ["<sip:a@h>"] }),
      ...at(0),
    })
    const late = register(config, first.store, {
      request: makeRegister({ cseq: 4, contacts: ["<sip:a@h>;expires=0"] }),
      ...at(10),
    })
    expect(late.response.status).toBe(500)
    expect(late.store).toBe(first.store)
    // Another Call-ID (another UA, or a rebooted one) may do it.
    const other = register(config, first.store, {
      request: makeRegister({ cseq: 1, callId: "other", contacts: ["<sip:a@h>;expires=0"] }),
      ...at(10),
    })
    expect(other.response.status).toBe(200)
  })

  it("keys the AOR by the canonical To URI", () => {
    expect(canonicalAor('"Alice" <sip:al%69ce@Example.COM;user=phone?subject=x>')._tag).toBe("Err")
    expect(canonicalAor("sip:al%69ce@Example.COM;user=phone;transport=tcp")).toEqual({
      _tag: "Ok",
      value: "sip:alice@example.com",
    })
    expect(canonicalAor("sips:bob@example.com:5061")).toEqual({
      _tag: "Ok",
      value: "sips:bob@example.com:5061",
    })
    expect(canonicalAor("tel:+15551234")).toMatchObject({ _tag: "Err", error: { status: 404 } })
    const request = makeRegister({
      cseq: 1,
      aor: "sip:al%69ce@EXAMPLE.com;transport=tcp",
      contacts: ["<sip:a@h>"],
    })
    const { store } = register(config, empty, { request, ...at(0) })
    expect(store.aors()).toEqual(["sip:alice@example.com"])
  })

  it("refuses what it cannot serve: 404 for other domains, 420 for unknown Require, 405 for other methods", () => {
    const foreign = { ...makeRegister({ cseq: 1, contacts: ["<sip:a@h>"] }), uri: "sip:elsewhere.org" }
    expect(register(config, empty, { request: foreign, ...at(0) }).response.status).toBe(404)
    const otherAor = makeRegister({ cseq: 1, aor: "sip:alice@elsewhere.org", contacts: ["<sip:a@h>"] })
    expect(register(config, empty, { request: otherAor, ...at(0) }).response.status).toBe(404)
    const required = makeRegister({ cseq: 1, contacts: ["<sip:a@h>"], extra: [["Require", "gruu, path"]] })
    const refused = register(config, empty, { request: required, ...at(0) })
    expect(refused.response.status).toBe(420)
    expect(headerOf(refused.response, "Unsupported")).toBe("gruu, path")
    const invite = { ...makeRegister({ cseq: 1 }), method: "INVITE" }
    expect(register(config, empty, { request: invite, ...at(0) }).response.status).toBe(405)
  })

  it("keeps RFC 5626 instance and reg-id and lists them in the 200", () => {
    const instance = '"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"'
    const first = register(config, empty, {
      request: makeRegister({ cseq: 1, contacts: [`<sip:a@1.1.1.1>;+sip.instance=${instance};reg-id=1`] }),
      ...at(0),
    })
    const moved = register(config, first.store, {
      request: makeRegister({ cseq: 2, contacts: [`<sip:a@2.2.2.2>;+sip.instance=${instance};reg-id=1`] }),
      ...at(0),
    })
    expect(contactsOf(moved.response)).toEqual([
      `<sip:a@2.2.2.2>;expires=3600;+sip.instance=${instance};reg-id=1`,
    ])
  })
})

// A stand-in authenticator with the shape of the digest one: credentials "Digest username=…, response=ok".
const stubAuth: Authenticator = {
  realm: "example.com",
  challenge: (_now, stale) =>
    `Digest realm="example.com", nonce="84a4cc6f3082121f"${stale ? ", stale=true" : ""}`,
  check: (request) => {
    const value = request.headers.find((header) => header.name === "Authorization")?.value
    if (value === undefined) return { _tag: "Challenge", stale: false }
    const user = /username="?([^",]+)/.exec(value)?.[1]
    return user !== undefined && value.includes("response=ok")
      ? { _tag: "Authenticated", username: user }
      : { _tag: "Challenge", stale: false }
  },
}

describe("registrar authentication (§10.3 steps 3, 4)", () => {
  const secured = makeRegistrarConfig({ domains: ["example.com"], authenticator: () => stubAuth })

  it("challenges with 401 and WWW-Authenticate for the realm, stores nothing, then accepts the credentials", () => {
    const request = makeRegister({ cseq: 1, contacts: ["<sip:alice@192.168.1.100>"], expires: "3600" })
    const challenged = processRegister(secured, { request, ...at(0) }, () => [])
    expect(challenged._tag).toBe("Reply")
    expect(challenged.response.status).toBe(401)
    expect(headerOf(challenged.response, "WWW-Authenticate")).toBe(
      'Digest realm="example.com", nonce="84a4cc6f3082121f"',
    )
    const authorized = makeRegister({
      cseq: 2,
      contacts: ["<sip:alice@192.168.1.100>"],
      expires: "3600",
      extra: [["Authorization", 'Digest username="alice", realm="example.com", response=ok']],
    })
    const accepted = processRegister(secured, { request: authorized, ...at(0) }, () => [])
    expect(accepted._tag).toBe("Commit")
    expect(accepted.response.status).toBe(200)
  })

  it("refuses with 403 a user who may not write this AOR", () => {
    const mallory = makeRegister({
      cseq: 1,
      contacts: ["<sip:m@6.6.6.6>"],
      extra: [["Authorization", 'Digest username="mallory", realm="example.com", response=ok']],
    })
    expect(register(secured, empty, { request: mallory, ...at(0) }).response.status).toBe(403)
  })
})
