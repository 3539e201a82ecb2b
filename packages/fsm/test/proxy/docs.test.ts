/**
 * docs/proxy.md runs: its example block is the `example` region of this file (dedented), and the assertions after
 * the region check what the page says the code gives. The ladders of the page are compared by the flow tests
 * (Endpoint.test.ts, RecordRoute.test.ts).
 */
import { describe, expect, it } from "vitest"
import doc from "../../../../docs/proxy.md?raw"
import { initialProxyState, makeProxyConfig, stepProxy } from "../../src/proxy/index.js"
import { makeMemoryLocationStore } from "../../src/registrar/index.js"
import source from "./docs.test.ts?raw"
import { aliceInvite, bindingOf } from "./helpers.js"

describe("docs/proxy.md", () => {
  it("runs the example", () => {
    const invite = aliceInvite()
    const location = makeMemoryLocationStore([["sip:bob@example.com", [bindingOf("sip:bob@10.0.0.50")]]])
    // #region example
    const config = makeProxyConfig({ host: "proxy.example.com", domains: ["example.com"] })
    const { state, outputs } = stepProxy(config, initialProxyState, {
      _tag: "RequestReceived",
      request: invite, // INVITE sip:bob@example.com, from the INVITE server transaction
      now: 0, // ms, the runtime's clock
      token: "f81d4fae", // fresh randomness: branch ids, To tags
      location, // the registrar's store, as it is now
    })
    outputs.map((output) => output._tag) // ["Respond", "Forward", "SetTimer"]: 100 Trying, the fork, Timer C
    // #endregion
    expect(outputs.map((output) => output._tag)).toEqual(["Respond", "Forward", "SetTimer"])
    expect(state.contexts.size).toBe(1)
    const region = /\/\/ #region example\n([\s\S]*?)\n\s*\/\/ #endregion/.exec(source)?.[1] ?? ""
    const dedented = region
      .split("\n")
      .map((line) => line.replace(/^ {4}/, ""))
      .join("\n")
    expect(doc).toContain(`\`\`\`ts\n${dedented}\n\`\`\``)
  })
})
