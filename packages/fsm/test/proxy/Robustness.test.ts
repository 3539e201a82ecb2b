/**
 * Network input never throws: random requests and responses — headers dropped, duplicated or replaced by arbitrary
 * text, odd methods and URIs — and stray timer firings go through the proxy endpoint, the proxy core and the
 * registrar without an exception, and the proxy's index of branches stays consistent with its contexts.
 */
import { type Header, makeRequest, type Request, type Response } from "@sipkit/codec"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { initialProxyState, stepProxy } from "../../src/proxy/Proxy.js"
import { makeProxyConfig } from "../../src/proxy/ProxyConfig.js"
import { type EndpointState, initialEndpointState, stepEndpoint } from "../../src/proxy/ProxyEndpoint.js"
import type { ProxyState } from "../../src/proxy/Types.js"
import { makeMemoryLocationStore } from "../../src/registrar/LocationStore.js"
import { makeRegistrarConfig, register } from "../../src/registrar/Registrar.js"
import { aliceInvite, answer, bindingOf, locationWith } from "./helpers.js"

const proxy = makeProxyConfig({ host: "proxy.example.com", domains: ["example.com"] })
const location = locationWith("sip:bob@example.com", [
  bindingOf("sip:bob@10.0.0.1"),
  bindingOf("sip:bob@10.0.0.2"),
])

const arbText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom("", "*", "<>", ";;;", "sip:", "SIP/2.0/UDP", "z9hG4bK", "0", "-1", "99999999999", '"'),
)

const mutateHeaders = (headers: ReadonlyArray<Header>) =>
  fc
    .array(fc.tuple(fc.constantFrom("keep", "keep", "keep", "drop", "dup", "replace"), arbText), {
      minLength: headers.length,
      maxLength: headers.length,
    })
    .map((edits) =>
      headers.flatMap((header, i): ReadonlyArray<Header> => {
        const [edit, text] = edits[i] ?? ["keep", ""]
        if (edit === "drop") return []
        if (edit === "dup") return [header, header]
        if (edit === "replace") return [{ name: header.name, value: text }]
        return [header]
      }),
    )

const template = aliceInvite()

const arbRequest: fc.Arbitrary<Request> = fc
  .record({
    method: fc.constantFrom("INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "REGISTER", "FOO"),
    uri: fc.oneof(
      fc.constantFrom("sip:bob@example.com", "sip:example.com", "sip:proxy.example.com;lr", "tel:+1"),
      arbText,
    ),
    headers: mutateHeaders([...template.headers, { name: "Route", value: "<sip:proxy.example.com;lr>" }]),
  })
  .map(({ method, uri, headers }) => ({ ...template, method, uri, headers }))

type Edit = readonly [number, "drop" | "dup" | "replace", string]

/** Edits that apply to any header list: drop, duplicate or replace the header at an index. */
const arbEdits: fc.Arbitrary<ReadonlyArray<Edit>> = fc.array(
  fc.tuple(fc.nat(12), fc.constantFrom("drop" as const, "dup" as const, "replace" as const), arbText),
  { maxLength: 4 },
)

const applyEdits = <M extends Request | Response>(message: M, edits: ReadonlyArray<Edit>): M => {
  let headers: ReadonlyArray<Header> = message.headers
  for (const [index, edit, text] of edits) {
    const at = index % Math.max(1, headers.length)
    const header = headers[at]
    if (header === undefined) continue
    const replaced: ReadonlyArray<Header> =
      edit === "drop" ? [] : edit === "dup" ? [header, header] : [{ name: header.name, value: text }]
    headers = [...headers.slice(0, at), ...replaced, ...headers.slice(at + 1)]
  }
  return { ...message, headers }
}

describe("robustness", () => {
  const registrar = makeRegistrarConfig({ domains: ["example.com"] })
  const arbRound = fc.tuple(
    arbRequest,
    fc.array(fc.tuple(fc.integer({ min: 100, max: 699 }), arbEdits), { maxLength: 5 }),
  )

  it("the proxy core and the registrar never throw on arbitrary requests and responses", () => {
    fc.assert(
      fc.property(fc.array(arbRound, { maxLength: 12 }), (rounds) => {
        let state: ProxyState = initialProxyState
        const forwarded: Array<Request> = []
        let now = 0
        for (const [request, replies] of rounds) {
          now += 1000
          const step = stepProxy(proxy, state, {
            _tag: "RequestReceived",
            request,
            now,
            token: `t${now}`,
            location,
          })
          state = step.state
          for (const output of step.outputs) if (output._tag === "Forward") forwarded.push(output.request)
          for (const [i, [status, edits]] of replies.entries()) {
            const target = forwarded[i % Math.max(1, forwarded.length)] ?? template
            const response = applyEdits(answer(target, status, "x"), edits)
            state = stepProxy(proxy, state, { _tag: "ResponseReceived", response, now }).state
          }
          const asRegister = { ...request, method: "REGISTER" }
          register(registrar, makeMemoryLocationStore(), { request: asRegister, now, toTag: "r" })
          for (const context of state.contexts.values()) {
            for (const branch of context.branches) expect(state.branches.get(branch.id)).toBe(context.key)
          }
        }
        return true
      }),
      { numRuns: 150 },
    )
  })

  it("the endpoint never throws on arbitrary wire input and stray timer firings", () => {
    const arbItem = fc.oneof(
      arbRequest.map((request) => ({ _tag: "Request" as const, request })),
      fc.tuple(fc.integer({ min: 100, max: 699 }), arbEdits).map(([status, edits]) => ({
        _tag: "Response" as const,
        status,
        edits,
      })),
      fc.constant({ _tag: "Timer" as const }),
    )
    fc.assert(
      fc.property(
        fc.array(arbItem, { maxLength: 15 }),
        fc.infiniteStream(fc.nat(1000)),
        (script, numbers) => {
          let state: EndpointState = initialEndpointState
          const forwarded: Array<Request> = []
          const timers: Array<{ key: string; timer: "A" | "B"; id: number }> = []
          let now = 0
          const receive = (message: Request | Response) =>
            stepEndpoint({ proxy }, state, {
              _tag: "MessageReceived",
              message,
              now,
              token: `t${now}`,
              location,
            })
          for (const item of script) {
            now += 250
            const n = numbers.next().value ?? 0
            const timer = timers[n % Math.max(1, timers.length)]
            const step =
              item._tag === "Request"
                ? receive(item.request)
                : item._tag === "Response"
                  ? receive(
                      applyEdits(
                        answer(forwarded[n % Math.max(1, forwarded.length)] ?? template, item.status, "y"),
                        item.edits,
                      ),
                    )
                  : timer === undefined
                    ? stepEndpoint({ proxy }, state, { _tag: "TimerCFired", branch: "none", now })
                    : stepEndpoint({ proxy }, state, { _tag: "TransactionTimerFired", ...timer, now })
            state = step.state
            for (const output of step.outputs) {
              if (output._tag === "Send" && output.message._tag === "Request") forwarded.push(output.message)
              if (output._tag === "StartTimer" && (output.timer === "A" || output.timer === "B")) {
                timers.push({ key: output.key, timer: output.timer, id: output.id })
              }
            }
          }
          return true
        },
      ),
      { numRuns: 150 },
    )
  })

  it("a garbage request with a readable Via is answered, never dropped silently", () => {
    const garbage = makeRequest({
      method: "INVITE",
      uri: "sip:bob@example.com",
      headers: [
        ["Via", "SIP/2.0/UDP 192.168.1.100;branch=z9hG4bKg"],
        ["CSeq", "nonsense"],
        ["Call-ID", "g"],
      ],
    })
    const step = stepProxy(proxy, initialProxyState, {
      _tag: "RequestReceived",
      request: garbage,
      now: 0,
      token: "t",
      location,
    })
    const statuses = step.outputs.map((output) =>
      output._tag === "Respond" ? output.response.status : output._tag,
    )
    expect(statuses).toEqual([400])
  })
})
