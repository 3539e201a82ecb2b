/**
 * The core's responses (src/ua/responses.ts) and the lookup of a request's dialog (src/ua/answers.ts
 * `callForDialogRequest`) against plain reference forms: the fast paths (one pass over the caller's header names,
 * tags read in place, the Contact value remembered) answer as the plain forms do.
 */
import {
  getCallId,
  getFrom,
  getHeaderValues,
  getTag,
  getTo,
  isErr,
  makeRequest,
  parseMessage,
  type Request,
  serializeMessage,
} from "@sipkit/codec"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { callRef } from "../../src/ua/Call.js"
import {
  callForDialogRequest,
  makeUa,
  makeUaConfig,
  step,
  type UaEvent,
  type UaState,
} from "../../src/ua/index.js"
import { type ResponseInit, respond } from "../../src/ua/responses.js"

const parsed = (request: Request): Request => {
  const result = parseMessage(serializeMessage(request))
  if (result._tag === "Err" || result.value._tag !== "Request") throw new Error("the request does not parse")
  return result.value
}

const invite = parsed(
  makeRequest({
    method: "INVITE",
    uri: "sip:bob@10.0.0.50",
    headers: [
      ["Via", "SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bKa1"],
      ["From", "Alice <sip:alice@example.com>;tag=a-tag"],
      ["To", "<sip:bob@10.0.0.50>"],
      ["Call-ID", "c1@192.168.1.100"],
      ["CSeq", "1 INVITE"],
      ["Contact", "<sip:alice@192.168.1.100>"],
      ["Record-Route", "<sip:p1.example.com;lr>"],
    ],
  }),
)

/** Names the caller may give: the ones `respond` adds in any case and compact form, look-alikes of other lengths
 * or letters, and characters whose lower case is ASCII (the Kelvin sign) or longer than themselves (İ). */
const arbName = fc.constantFrom(
  "Contact",
  "contact",
  "CONTACT",
  "m",
  "M",
  "Allow",
  "ALLOW",
  "Supported",
  "supported",
  "k",
  "K",
  "\u212A",
  "Content-Type",
  "content-TYPE",
  "c",
  "C",
  "Record-Route",
  "record-route",
  "Server",
  "Contacts",
  "Allow-Events",
  "İ",
  "Contact\u212A",
  "x",
)

/** `respond` as it was written before its one-pass form: each header looked for by lower-casing every name. */
const expectedNames = (request: Request, status: number, init: ResponseInit, contact: string): string[] => {
  const given = (name: string) => (init.headers ?? []).some(([n]) => n.toLowerCase() === name)
  const names: string[] = []
  const own = init.contact === true ? contact : init.contact
  if (own !== undefined) {
    if (status > 100 && status < 300 && !given("record-route"))
      for (const _ of getHeaderValues(request, "Record-Route")) names.push("Record-Route")
    if (!given("contact") && !given("m")) names.push("Contact")
    if (request.method === "INVITE" && !given("allow")) names.push("Allow")
    if (request.method === "INVITE" && !given("supported") && !given("k")) names.push("Supported")
  }
  for (const [name] of init.headers ?? []) names.push(name)
  if (init.sdp !== undefined) names.push("Content-Type")
  if (init.body !== undefined && !given("content-type") && !given("c")) names.push("Content-Type")
  return names
}

describe("respond: the caller's headers win over the ones the core adds (§8.2.6, §12.1.1)", () => {
  it("adds Record-Route, Contact, Allow, Supported and Content-Type exactly when the caller gave none", () => {
    const config = makeUaConfig({ contact: "sip:ua@10.0.0.50", via: "SIP/2.0/UDP 10.0.0.50:5060" })
    fc.assert(
      fc.property(
        fc.array(arbName, { maxLength: 4 }),
        fc.constantFrom(100, 180, 200, 486),
        fc.constantFrom<ResponseInit["contact"]>(undefined, true, "sip:app@10.0.0.9", "<sip:app@10.0.0.9>"),
        fc.boolean(),
        (names, status, contact, withBody) => {
          const init: ResponseInit = {
            toTag: "t1",
            headers: names.map((name) => [name, "v"] as const),
            ...(contact === undefined ? {} : { contact }),
            ...(withBody ? { body: { content: "hello", type: "text/plain" } } : {}),
          }
          const response = respond(config, invite, status, init)
          const added = response.headers
            .map((h) => h.name)
            .filter((name) => !/^(via|from|to|call-id|cseq|content-length)$/i.test(name))
          expect(added).toEqual(expectedNames(invite, status, init, config.contact))
        },
      ),
      { numRuns: 300 },
    )
  })

  it("brackets a Contact URI, and the same URI again gives the same value; a bracketed one is kept", () => {
    const config = makeUaConfig({ contact: "sip:ua@10.0.0.50", via: "SIP/2.0/UDP 10.0.0.50:5060" })
    const contactOf = (contact: ResponseInit["contact"]) =>
      getHeaderValues(
        respond(config, invite, 200, { toTag: "t", ...(contact === undefined ? {} : { contact }) }),
        "Contact",
      )
    for (const [given, expected] of [
      [true, "<sip:ua@10.0.0.50>"],
      ["sip:app@10.0.0.9", "<sip:app@10.0.0.9>"],
      ["sip:app@10.0.0.9", "<sip:app@10.0.0.9>"],
      [true, "<sip:ua@10.0.0.50>"],
      ["<sip:app@10.0.0.9>;expires=60", "<sip:app@10.0.0.9>;expires=60"],
      ["sip:other@10.0.0.7", "<sip:other@10.0.0.7>"],
    ] as const)
      expect(contactOf(given)).toEqual([expected])
  })

  it("a body text is sent as its UTF-8 bytes, the same text again and a new one alike (the last text's bytes are kept)", () => {
    const config = makeUaConfig({ contact: "sip:ua@10.0.0.50", via: "SIP/2.0/UDP 10.0.0.50:5060" })
    const encoder = new TextEncoder()
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("v=0\r\n", "v=0\r\ns=é\r\n", "hello", "", "v=0\r\n".repeat(3)), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.boolean(),
        (texts, asSdp) => {
          for (const text of texts) {
            const init: ResponseInit = asSdp
              ? { toTag: "t", sdp: text }
              : { toTag: "t", body: { content: text, type: "text/plain" } }
            const response = respond(config, invite, 200, init)
            expect(response.body).toEqual(encoder.encode(text))
            expect(getHeaderValues(response, "Content-Length")).toEqual([String(encoder.encode(text).length)])
          }
        },
      ),
      { numRuns: 100 },
    )
  })
})

/** `callForDialogRequest` in its reference form: the dialog ID from the typed From and To (whole name-addrs, then
 * their tags), as `incomingDialogId` read it before it read the tags in place. */
const expectedCall = (state: UaState, request: Request) => {
  const callId = getCallId(request)
  const from = getFrom(request)
  const to = getTo(request)
  if (isErr(callId) || isErr(from) || isErr(to)) return undefined
  const localTag = getTag(to.value)
  if (localTag === undefined) return undefined
  const call = state.calls.get(callRef(callId.value, localTag))
  return call?.dialog?.id.remoteTag === (getTag(from.value) ?? "") ? call : undefined
}

describe("callForDialogRequest (§12.2.2)", () => {
  it("finds the call whose dialog the request names, as the typed From and To name it, for any From and To", () => {
    const config = makeUaConfig({
      contact: "sip:ua@10.0.0.50",
      via: "SIP/2.0/UDP 10.0.0.50:5060",
      delegate: ["INVITE"],
    })
    let state = step(makeUa(config), {
      _tag: "RequestReceived",
      request: invite,
      nonce: "n1",
    } as UaEvent).state
    const [call] = [...state.calls.values()]
    if (call === undefined) throw new Error("no call")
    state = step(state, {
      _tag: "Respond",
      request: invite,
      status: 180,
      call: call.ref,
      nonce: "n2",
    } as UaEvent).state
    const arbFrom = fc.constantFrom(
      "Alice <sip:alice@example.com>;tag=a-tag",
      "<sip:alice@example.com>;TAG=a-tag",
      "sip:alice@example.com;tag=a-tag",
      "Alice <sip:alice@example.com>;tag=other",
      "Alice <sip:alice@example.com>",
      "Alice <sip:alice@example.com;tag=a-tag>",
      "Alice <sip:alice@example.com",
      '"Al <ice>" <sip:alice@example.com>;tag=a-tag',
    )
    const arbTo = fc.constantFrom(
      "<sip:bob@10.0.0.50>;tag=LOCAL",
      "<sip:bob@10.0.0.50>;Tag=LOCAL",
      "sip:bob@10.0.0.50;tag=LOCAL",
      "<sip:bob@10.0.0.50>;tag=n2",
      "<sip:bob@10.0.0.50>",
      "<sip:bob@10.0.0.50;tag=LOCAL>",
      "<sip:bob@10.0.0.50;tag=LOCAL",
      "Bob <sip:bob@10.0.0.50> ;tag = LOCAL",
    )
    const arbCallId = fc.constantFrom("c1@192.168.1.100", "c2@192.168.1.100", "")
    fc.assert(
      fc.property(arbFrom, arbTo, arbCallId, fc.boolean(), (from, to, callId, compact) => {
        const headers: Array<readonly [string, string]> = [
          ["Via", "SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bKb2"],
          [compact ? "f" : "From", from],
          [compact ? "t" : "To", to.replace("LOCAL", call.localTag)],
          ["CSeq", "2 BYE"],
        ]
        if (callId !== "") headers.push([compact ? "i" : "Call-ID", callId])
        const bye = parsed(makeRequest({ method: "BYE", uri: "sip:bob@10.0.0.50", headers }))
        const found = callForDialogRequest(state, bye)
        expect(found).toBe(expectedCall(state, bye))
        return true
      }),
      { numRuns: 200 },
    )
    // the request of the dialog itself is found (the property above is not vacuous)
    const own = parsed(
      makeRequest({
        method: "BYE",
        uri: "sip:bob@10.0.0.50",
        headers: [
          ["Via", "SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bKb2"],
          ["From", "Alice <sip:alice@example.com>;tag=a-tag"],
          ["To", `<sip:bob@10.0.0.50>;tag=${call.localTag}`],
          ["Call-ID", "c1@192.168.1.100"],
          ["CSeq", "2 BYE"],
        ],
      }),
    )
    expect(callForDialogRequest(state, own)?.ref).toBe(call.ref)
  })

  it("answers each request for its own dialog, asked in any order and again (the last request's name is kept)", () => {
    const config = makeUaConfig({
      contact: "sip:ua@10.0.0.50",
      via: "SIP/2.0/UDP 10.0.0.50:5060",
      delegate: ["INVITE"],
    })
    const inviteOf = (n: number) =>
      parsed(
        makeRequest({
          method: "INVITE",
          uri: "sip:bob@10.0.0.50",
          headers: [
            ["Via", `SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bKi${n}`],
            ["From", `Alice <sip:alice@example.com>;tag=a${n}`],
            ["To", "<sip:bob@10.0.0.50>"],
            ["Call-ID", `c${n}@192.168.1.100`],
            ["CSeq", "1 INVITE"],
            ["Contact", "<sip:alice@192.168.1.100>"],
          ],
        }),
      )
    let state = makeUa(config)
    const refs: Array<string> = []
    for (const n of [1, 2]) {
      const invite = inviteOf(n)
      const started = step(state, { _tag: "RequestReceived", request: invite, nonce: `n${n}` } as UaEvent)
      const report = started.outputs.find((o) => o._tag === "Report")
      if (report?._tag !== "Report" || report.report._tag !== "IncomingCall") throw new Error("no call")
      refs.push(report.report.call)
      state = step(started.state, {
        _tag: "Respond",
        request: invite,
        status: 180,
        call: report.report.call,
        nonce: `m${n}`,
      } as UaEvent).state
    }
    const byeOf = (n: number) => {
      const call = state.calls.get(refs[n - 1]!)!
      return parsed(
        makeRequest({
          method: "BYE",
          uri: "sip:bob@10.0.0.50",
          headers: [
            ["Via", `SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bKb${n}`],
            ["From", `Alice <sip:alice@example.com>;tag=a${n}`],
            ["To", `<sip:bob@10.0.0.50>;tag=${call.localTag}`],
            ["Call-ID", `c${n}@192.168.1.100`],
            ["CSeq", "2 BYE"],
          ],
        }),
      )
    }
    const [one, two] = [byeOf(1), byeOf(2)]
    // the first call's dialog named with another From tag: no call (a remote tag kept from `one` would find it)
    const stranger = parsed(
      makeRequest({
        method: "BYE",
        uri: "sip:bob@10.0.0.50",
        headers: one.headers.map(
          (h) => [h.name, h.name === "From" ? h.value.replace("a1", "x9") : h.value] as const,
        ),
      }),
    )
    for (const [request, ref] of [
      [one, refs[0]],
      [one, refs[0]],
      [two, refs[1]],
      [one, refs[0]],
      [stranger, undefined],
      [one, refs[0]],
      [stranger, undefined],
      [stranger, undefined],
      [two, refs[1]],
      [two, refs[1]],
    ] as const)
      expect(callForDialogRequest(state, request)?.ref).toBe(ref)
  })
})
