/**
 * docs/registrar.md runs: its example block is the `example` region of this file (dedented), and the assertions
 * after the region check what the page says the code gives.
 */
import { describe, expect, it } from "vitest"
import doc from "../../../../docs/registrar.md?raw"
import {
  makeDigestAuthenticator,
  makeMemoryLocationStore,
  makeRegistrarConfig,
  register,
} from "../../src/registrar/index.js"
import source from "./docs.test.ts?raw"
import { makeRegister } from "./helpers.js"

describe("docs/registrar.md", () => {
  it("runs the example", () => {
    const request = makeRegister({ cseq: 1, contacts: ["<sip:alice@192.168.1.100>"], expires: "3600" })
    // #region example
    const config = makeRegistrarConfig({
      domains: ["example.com"],
      minExpires: 60,
      authenticator: (domain) =>
        makeDigestAuthenticator({
          realm: domain,
          nonceSecret: "a long random key the runtime keeps",
          lookup: (username) => (username === "alice" ? { password: "wonderland" } : undefined),
        }),
    })
    let store = makeMemoryLocationStore()
    // `request` is a parsed REGISTER; `now` and the To tag come from the runtime.
    const first = register(config, store, { request, now: 1_000, toTag: "a6c85cf" })
    first.response.status // 401, with WWW-Authenticate: Digest realm="example.com", nonce="…"
    store = first.store // unchanged
    // … the UA retries with Authorization; a 200 lists every binding with its expires,
    // and the proxy reads the same store: store.get("sip:alice@example.com", now)
    // #endregion
    expect(first.response.status).toBe(401)
    expect(store.aors()).toEqual([])
    const region = /\/\/ #region example\n([\s\S]*?)\n\s*\/\/ #endregion/.exec(source)?.[1] ?? ""
    const dedented = region
      .split("\n")
      .map((line) => line.replace(/^ {4}/, ""))
      .join("\n")
    expect(doc).toContain(`\`\`\`ts\n${dedented}\n\`\`\``)
  })
})
