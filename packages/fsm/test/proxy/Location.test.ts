/**
 * The registrar writes the location store, the proxy reads it (RFC 3261 §10, §16.5): Bob registers two contacts,
 * one with a lower q; a sequential proxy tries the preferred one first; after Bob removes it, only the other is
 * tried; once every binding has lapsed, the proxy answers 480.
 */
import { describe, expect, it } from "vitest"
import { initialProxyState, stepProxy } from "../../src/proxy/Proxy.js"
import { makeProxyConfig } from "../../src/proxy/ProxyConfig.js"
import { type LocationStore, makeMemoryLocationStore } from "../../src/registrar/LocationStore.js"
import { makeRegistrarConfig, register } from "../../src/registrar/Registrar.js"
import { makeRegister } from "../registrar/helpers.js"
import { aliceInvite, summary } from "./helpers.js"

const registrar = makeRegistrarConfig({ domains: ["example.com"] })
const proxy = makeProxyConfig({ host: "proxy.example.com", domains: ["example.com"], forking: "sequential" })

const forwardsAt = (store: LocationStore, now: number) =>
  summary(
    stepProxy(proxy, initialProxyState, {
      _tag: "RequestReceived",
      request: aliceInvite(),
      now,
      token: "t",
      location: store,
    }).outputs,
  )

describe("registrar and proxy share the location store", () => {
  it("routes to what Bob registered, in q order, and to nothing once it lapsed", () => {
    const bob = (cseq: number, contacts: ReadonlyArray<string>) =>
      makeRegister({ aor: "sip:bob@example.com", callId: "bob-reg", cseq, contacts, expires: "600" })
    let store = makeMemoryLocationStore()
    store = register(registrar, store, {
      request: bob(1, ["<sip:bob@desk.example.com>;q=1.0", "<sip:bob@10.0.0.50>;q=0.5"]),
      now: 0,
      toTag: "r1",
    }).store
    expect(forwardsAt(store, 1000)).toEqual([
      "Respond 100",
      "Forward INVITE sip:bob@desk.example.com",
      "SetTimer C",
    ])
    store = register(registrar, store, {
      request: bob(2, ["<sip:bob@desk.example.com>;expires=0"]),
      now: 2000,
      toTag: "r2",
    }).store
    expect(forwardsAt(store, 3000)).toEqual(["Respond 100", "Forward INVITE sip:bob@10.0.0.50", "SetTimer C"])
    expect(forwardsAt(store, 600_000)).toEqual(["Respond 480"])
  })
})
