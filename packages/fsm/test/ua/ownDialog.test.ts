/**
 * The UAS dialog the core makes from what it knows of its own response (src/ua/uas.ts `withDialog`): the same
 * dialog `makeUasDialog` reads back from that response (§12.1.1), for To and Contact values of every form — the
 * core only skips the re-parse, it never answers differently.
 */
import { makeRequest, parseMessage, type Request, serializeMessage } from "@sipkit/codec"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { makeUasDialog } from "../../src/dialog/index.js"
import { makeUa, makeUaConfig, type Respond, step, type UaEvent } from "../../src/ua/index.js"
import { responsesIn } from "./support/drive.js"

const arbDisplay = fc.constantFrom("", "Bob ", '"Bob \\"B\\" Smith" ', "Bob Smith ")
const arbUri = fc.constantFrom("sip:bob@example.com", "sips:bob@example.com:5061", "sip:+1555@gw;user=phone")
const arbParams = fc.constantFrom("", ";foo", ";foo=bar", " ; x = y", ';q="a b"', ";TAG")
const arbTo = fc
  .tuple(arbDisplay, arbUri, fc.boolean(), arbParams)
  .map(([display, uri, bracketed, params]) =>
    display !== "" || bracketed || uri.includes(";") ? `${display}<${uri}>${params}` : `${uri}${params}`,
  )
const arbContact = fc.constantFrom(
  "sip:bob@10.0.0.50",
  "sip:bob@10.0.0.50;transport=tcp",
  "<sip:bob@10.0.0.50>;expires=60",
  "<sip:bob@10.0.0.50>, <sip:b2@10.0.0.51>",
  '"Bob" <sip:bob@10.0.0.50>',
  "*",
  "<sip:bob@10.0.0.50",
)
const arbNonce = fc.constantFrom("n1", "abc.def", "x~y", "a b", 'q"t', "é")
const arbStatus = fc.constantFrom(180, 183, 200)
const arbOwnContact = fc.option(fc.constantFrom("sip:app@10.0.0.9", "<sip:app@10.0.0.9>;x"), {
  nil: undefined,
})
const arbHeaders = fc.constantFrom<ReadonlyArray<readonly [string, string]>>(
  [],
  [["Contact", "<sip:given@10.0.0.8>"]],
  [["m", "<sip:given@10.0.0.8>"]],
  [["X-Y", "z"]],
)

const invite = (to: string, secure: boolean): Request => {
  const built = makeRequest({
    method: "INVITE",
    uri: secure ? "sips:bob@10.0.0.50" : "sip:bob@10.0.0.50",
    headers: [
      ["Via", "SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bKa1"],
      ["From", "Alice <sip:alice@example.com>;tag=a-tag"],
      ["To", to],
      ["Call-ID", "c1@192.168.1.100"],
      ["CSeq", "1 INVITE"],
      ["Contact", "<sip:alice@192.168.1.100>"],
      ["Record-Route", "<sip:p1.example.com;lr>, <sip:p2.example.com;lr>"],
    ],
  })
  // as the runtime hands it over: parsed from bytes
  const parsed = parseMessage(serializeMessage(built))
  if (parsed._tag === "Err" || parsed.value._tag !== "Request") throw new Error("the INVITE does not parse")
  return parsed.value
}

describe("the UAS dialog from the core's own response (§12.1.1)", () => {
  it("is the dialog makeUasDialog reads back from the response, for any To, Contact and tag", () => {
    fc.assert(
      fc.property(
        fc.record({
          to: arbTo,
          contact: arbContact,
          nonce: arbNonce,
          status: arbStatus,
          own: arbOwnContact,
          headers: arbHeaders,
          secure: fc.boolean(),
        }),
        ({ to, contact, nonce, status, own, headers, secure }) => {
          const config = makeUaConfig({ contact, via: "SIP/2.0/UDP 10.0.0.50:5060", delegate: ["INVITE"] })
          const request = invite(to, secure)
          const started = step(makeUa(config), { _tag: "RequestReceived", request, nonce, secure } as UaEvent)
          const [call] = [...started.state.calls.values()]
          if (call === undefined) return // refused before any call (the To did not read)
          const respond: Respond = {
            _tag: "Respond",
            request,
            status,
            headers,
            ...(own === undefined ? {} : { contact: own }),
            nonce: "r",
          }
          const answered = step(started.state, respond)
          const [response] = responsesIn(answered.outputs)
          if (response === undefined) throw new Error("no response")
          const read = makeUasDialog(request, response, { transportSecure: secure })
          const kept = answered.state.calls.get(call.ref)?.dialog
          expect(kept).toEqual(read._tag === "Ok" ? read.value : undefined)
        },
      ),
      { numRuns: 300 },
    )
  })
})
