/**
 * Network input never throws (brief, STYLE #12): any sequence of requests, responses (well-formed or mangled),
 * timer firings (stale or not) and commands is handled by `step` without an exception, and every response the
 * core sends but 100 carries a To tag.
 */
import {
  getCSeq,
  getHeader,
  getTag,
  getTo,
  isOk,
  makeRequest,
  makeResponse,
  type Request,
} from "@sipkit/codec"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { UaEvent, UaOutput } from "../../src/ua/index.js"
import { Driver, fromAlice, responsesIn } from "./support/drive.js"
import { inviteBob } from "./support/parties.js"

const headerNames = [
  "Via",
  "From",
  "To",
  "Call-ID",
  "CSeq",
  "Contact",
  "Record-Route",
  "Require",
  "Content-Type",
]

/** A request from Alice with some headers dropped or replaced by junk. */
const mangledRequest = fc
  .record({
    method: fc.constantFrom("INVITE", "ACK", "BYE", "CANCEL", "REFER", "NOTIFY", "INFO", "OPTIONS", "X"),
    seq: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    toTag: fc.option(fc.constantFrom("n1", "n2", "zz"), { nil: undefined }),
    drop: fc.subarray(headerNames, { maxLength: 2 }),
    junk: fc.option(fc.tuple(fc.constantFrom(...headerNames, "Refer-To", "Replaces", "Event"), fc.string()), {
      nil: undefined,
    }),
    body: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
  })
  .map(({ drop, junk, toTag, body, ...spec }): Request => {
    const request = fromAlice({
      ...spec,
      ...(toTag === undefined ? {} : { toTag }),
      ...(body === undefined ? {} : { body }),
    })
    const kept = request.headers.filter((h) => !drop.includes(h.name))
    const headers =
      junk === undefined
        ? kept
        : [...kept.filter((h) => h.name !== junk[0]), { name: junk[0], value: junk[1] }]
    return { ...request, headers }
  })

const responseTo = (request: Request) =>
  fc
    .record({
      status: fc.constantFrom(100, 180, 183, 200, 202, 302, 401, 407, 481, 486, 491, 500),
      toTag: fc.option(fc.constantFrom("b1", "b2"), { nil: undefined }),
      cseq: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
    })
    .map(({ status, toTag, cseq }) => {
      const response = makeResponse(request, status, {
        ...(toTag === undefined ? {} : { toTag }),
        headers: [["Contact", "<sip:bob@10.0.0.50>"]],
      })
      return cseq === undefined
        ? response
        : {
            ...response,
            headers: response.headers.map((h) => (h.name === "CSeq" ? { ...h, value: cseq } : h)),
          }
    })

const aliceInvite = makeRequest({
  method: "INVITE",
  uri: "sip:bob@example.com",
  headers: [
    ["Via", "SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bKn1.0"],
    ["From", "Alice <sip:alice@example.com>;tag=a73kszlfl"],
    ["To", "Bob <sip:bob@example.com>"],
    ["Call-ID", "12345@192.168.1.100"],
    ["CSeq", "1 INVITE"],
  ],
})

const call = "12345@192.168.1.100;a73kszlfl"

const event: fc.Arbitrary<Omit<UaEvent, "nonce"> | "command"> = fc.oneof(
  mangledRequest.map((request) => ({ _tag: "RequestReceived", request }) as const),
  responseTo(aliceInvite).map((response) => ({ _tag: "ResponseReceived", response }) as const),
  fc
    .record({
      seq: fc.integer({ min: 0, max: 3 }),
      attempt: fc.integer({ min: 0, max: 3 }),
      timeout: fc.boolean(),
    })
    .map(
      ({ seq, attempt, timeout }) =>
        ({
          _tag: "TimerFired",
          timer: timeout ? { _tag: "2xxTimeout", call, seq } : { _tag: "2xxRetransmit", call, seq, attempt },
        }) as const,
    ),
  fc.constant("command" as const),
)

const commands = [
  "Progress",
  "Answer",
  "Reject",
  "Cancel",
  "Hangup",
  "Hold",
  "Resume",
  "Refer",
  "SendInDialog",
] as const

describe("robustness", () => {
  it("no event sequence makes step throw; responses but 100 carry a To tag", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(event, fc.constantFrom(...commands)), { maxLength: 25 }), (events) => {
        const driver = new Driver({ credentials: { username: "bob", password: "x" }, followRedirects: true })
        driver.send(inviteBob())
        for (const [e, command] of events) {
          if (e !== "command") {
            driver.send(e as never)
            continue
          }
          for (const ref of driver.state.calls.keys())
            driver.send(
              command === "Progress"
                ? { _tag: "Progress", call: ref, status: 183 }
                : command === "Reject"
                  ? { _tag: "Reject", call: ref, status: 486 }
                  : command === "Refer"
                    ? { _tag: "Refer", call: ref, referTo: "<sip:carol@example.com>" }
                    : command === "SendInDialog"
                      ? { _tag: "SendInDialog", call: ref, method: "INFO" }
                      : { _tag: command, call: ref },
            )
        }
        for (const response of responsesIn(driver.log)) {
          if (response.status === 100) continue
          const to = getTo(response)
          // a request whose To could not be read gets a 400 without one: nothing to put a tag on
          if (isOk(to)) expect(getTag(to.value)).toBeTruthy()
        }
      }),
      { numRuns: 300 },
    )
  })

  it("an application answering anything (delegate *): no sequence throws; an INVITE gets one final status at most", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(event, fc.constantFrom(100, 180, 183, 200, 202, 404, 486, 603), fc.boolean()), {
          maxLength: 25,
        }),
        (events) => {
          const driver = new Driver({ allow: ["*"], delegate: ["*"], accept: ["*/*"] })
          const reported: Array<Request> = []
          const note = (outputs: ReadonlyArray<UaOutput>) => {
            for (const o of outputs)
              if (o._tag === "Report" && "request" in o.report) reported.push(o.report.request)
          }
          note(driver.request(fromAlice({ branch: "z9hG4bKclean" })))
          for (const [e, status, forget] of events) {
            if (e !== "command") {
              note(driver.send(e as never))
              continue
            }
            for (const request of reported) note(driver.send({ _tag: "Respond", request, status }))
            if (forget)
              for (const ref of driver.state.calls.keys()) driver.send({ _tag: "Forget", call: ref })
          }
          const finals = new Map<string, Set<number>>()
          for (const response of responsesIn(driver.log)) {
            const cseq = getCSeq(response)
            if (response.status < 200 || !isOk(cseq) || cseq.value.method !== "INVITE") continue
            const key = `${getHeader(response, "Call-ID")} ${cseq.value.seq} ${getHeader(response, "Via")}`
            finals.set(key, (finals.get(key) ?? new Set()).add(response.status))
          }
          for (const statuses of finals.values()) expect(statuses.size).toBe(1)
        },
      ),
      { numRuns: 200 },
    )
  })
})
