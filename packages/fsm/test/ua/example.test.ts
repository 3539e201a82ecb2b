/** The example of docs/ua.md, run (docs.test.ts checks the page shows this region verbatim). */
import { getHeader } from "@sipkit/codec"
import { expect, it } from "vitest"
import { makeUa, makeUaConfig, step } from "../../src/ua/index.js"

it("docs/ua.md example: an Invite command becomes one SendRequest of an INVITE", () => {
  // #region example
  let state = makeUa(
    makeUaConfig({ contact: "sip:alice@192.168.1.100", via: "SIP/2.0/UDP 192.168.1.100:5060" }),
  )
  const result = step(state, {
    _tag: "Invite",
    callId: "12345@192.168.1.100",
    fromTag: "a73kszlfl",
    from: "Alice <sip:alice@example.com>",
    to: "Bob <sip:bob@example.com>",
    nonce: "r4nd0m",
  })
  state = result.state
  // result.outputs: [{ _tag: "SendRequest", request: INVITE sip:bob@example.com … }]
  // #endregion
  const [output] = result.outputs
  expect(result.outputs).toHaveLength(1)
  expect(output?._tag === "SendRequest" && output.request.uri).toBe("sip:bob@example.com")
  expect(output?._tag === "SendRequest" && getHeader(output.request, "Via")).toBe(
    "SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bKr4nd0m.0",
  )
  expect(state.calls.has("12345@192.168.1.100;a73kszlfl")).toBe(true)
})
