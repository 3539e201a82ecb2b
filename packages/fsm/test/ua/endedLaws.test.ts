/**
 * The law of the ended form (src/ua/ended.ts): a UAS call kept as an `EndedCall` answers every event as the full
 * record of that terminated call would (the record the core kept before: its dialog terminated, its INVITE). Both
 * states are stepped with the same random events — requests in and out of its dialog (tags, Call-ID, CSeq, branch,
 * Request-URI varied around the call's own), CANCELs, INVITEs with Replaces, the application's commands and
 * answers, the core's timers, responses — and must give the same outputs.
 */
import { makeRequest, makeResponse, type Request } from "@sipkit/codec"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type Call, step, type UaEvent, type UaState } from "../../src/ua/index.js"
import { Driver, fromAlice, only, responsesIn } from "./support/drive.js"

const inviteUri = "sip:bob@10.0.0.50"
const inviteBranch = "z9hG4bKa1"

/** Bob's side of INVITE, 200, ACK, BYE: the ended state, and the same state holding the terminated full record. */
const states = (): { ended: UaState; full: UaState; call: string; tag: string } => {
  const driver = new Driver()
  const invite = fromAlice()
  const [report] = driver.request(invite)
  if (report?._tag !== "Report" || report.report._tag !== "IncomingCall") throw new Error("no IncomingCall")
  const call = report.report.call
  const ok = only(responsesIn(driver.send({ _tag: "Respond", request: invite, status: 200 })))
  const tag = /;tag=([^;>\s]+)/.exec(ok.headers.find((h) => h.name === "To")?.value ?? "")?.[1] ?? ""
  driver.request(fromAlice({ method: "ACK", seq: 1, toTag: tag, branch: "z9hG4bKack" }))
  const live = driver.state.calls.get(call) as Call
  driver.request(fromAlice({ method: "BYE", seq: 2, toTag: tag, branch: "z9hG4bKbye" }))
  const ended = driver.state
  if (live.dialog === undefined || ended.calls.get(call)?.dialog !== undefined) throw new Error("not ended")
  const terminated: Call = {
    ...live,
    phase: "Terminated",
    dialog: { ...live.dialog, state: "terminated", remoteSeq: 2 },
  }
  return { ended, full: { ...ended, calls: ended.calls.set(call, terminated) }, call, tag }
}

interface Spec {
  readonly method: string
  readonly toTag: string | undefined
  readonly fromTag: string
  readonly callId: string
  readonly seq: number
  readonly branch: string
  readonly uri: string
  readonly replaces: string | undefined
}

const requestOf = (s: Spec): Request =>
  makeRequest({
    method: s.method,
    uri: s.uri,
    headers: [
      ["Via", `SIP/2.0/UDP 192.168.1.100:5060;branch=${s.branch}`],
      ["Max-Forwards", "70"],
      ["From", `Alice <sip:alice@example.com>;tag=${s.fromTag}`],
      ["To", `Bob <sip:bob@example.com>${s.toTag === undefined ? "" : `;tag=${s.toTag}`}`],
      ["Call-ID", s.callId],
      ["CSeq", `${s.seq} ${s.method}`],
      ["Contact", "<sip:alice@192.168.1.100>"],
      ...(s.replaces === undefined ? [] : [["Replaces", s.replaces] as const]),
    ],
  })

/** The call's own value most of the time (so the CANCEL, the request in its dialog and the Replaces that name it
 * come up often), else one of `others` (each differing from it in one way: longer, shorter, another character). */
const near = <A>(own: A, ...others: ReadonlyArray<A>): fc.Arbitrary<A> =>
  fc.oneof({ arbitrary: fc.constant(own), weight: 2 }, { arbitrary: fc.constantFrom(...others), weight: 1 })

type Input = UaEvent extends infer E ? (E extends unknown ? Omit<E, "nonce"> : never) : never

const events = (call: string, tag: string): fc.Arbitrary<Input> => {
  const callIds = ["c1@192.168.1.100", "c2@192.168.1.100"] as const
  const spec = fc.record({
    method: near("INVITE", "CANCEL", "BYE", "INFO", "ACK", "UPDATE", "NOTIFY", "OPTIONS"),
    toTag: near<string | undefined>(undefined, tag, `${tag}x`, tag.slice(1)),
    fromTag: near("a-tag", "b-tag", "a", "a-tag-2", tag),
    callId: near(callIds[0], callIds[1], "c1@192.168.1.10"),
    seq: near(1, 2, 3),
    branch: near(inviteBranch, `${inviteBranch}2`, "z9hG4bKa", "z9hG4bKbye"),
    uri: near(inviteUri, "sip:bob@10.0.0.51", "sip:bob@10.0.0.5"),
    replaces: near(
      undefined,
      `${callIds[0]};to-tag=${tag};from-tag=a-tag`,
      `${callIds[0]};to-tag=a-tag;from-tag=${tag}`,
      `${callIds[0]};to-tag=${tag};from-tag=a`,
      `${callIds[0]};to-tag=${tag.slice(1)};from-tag=a-tag`,
      `c1@192.168.1.10;to-tag=${tag};from-tag=a-tag`,
      `${callIds[0]};to-tag=${tag};from-tag=a-tag;early-only`,
    ),
  })
  const request = spec.map((s): Input => ({ _tag: "RequestReceived", request: requestOf(s) }))
  const answer = fc
    .tuple(spec, fc.constantFrom(100, 180, 200, 486))
    .map(([s, status]): Input => ({ _tag: "Respond", request: requestOf(s), status, call }))
  const response = fc.tuple(spec, fc.constantFrom(200, 481, 491)).map(([s, status]): Input => {
    // a response to a request the call would have sent: its From tag is ours
    const sent = requestOf({ ...s, fromTag: tag, toTag: undefined })
    return { _tag: "ResponseReceived", response: makeResponse(sent, status, { toTag: "a-tag" }) }
  })
  const command = fc.constantFrom<Input>(
    { _tag: "Hangup", call },
    { _tag: "Reinvite", call },
    { _tag: "Hold", call },
    { _tag: "Refer", call, referTo: "<sip:carol@example.com>" },
    { _tag: "SendInDialog", call, method: "INFO" },
    { _tag: "Progress", call, status: 180 },
    { _tag: "Answer", call },
    { _tag: "Reject", call, status: 486 },
    { _tag: "Cancel", call },
  )
  const timer = fc.constantFrom<Input>(
    { _tag: "TimerFired", timer: { _tag: "2xxRetransmit", call, seq: 1, attempt: 0 } },
    { _tag: "TimerFired", timer: { _tag: "2xxTimeout", call, seq: 1 } },
    { _tag: "TimerFired", timer: { _tag: "491Retry", call, seq: 2 } },
  )
  return fc.oneof(request, request, answer, response, command, timer)
}

describe("an ended UAS call answers as its full record would (src/ua/ended.ts)", () => {
  it("the same outputs for every sequence of events, requests about it above all", () => {
    const { ended, full, call, tag } = states()
    fc.assert(
      fc.property(fc.array(events(call, tag), { minLength: 1, maxLength: 4 }), (inputs) => {
        let slim = ended
        let whole = full
        inputs.forEach((input, i) => {
          const event = { ...input, nonce: `n${i}` } as UaEvent
          const a = step(slim, event)
          const b = step(whole, event)
          expect(a.outputs).toEqual(b.outputs)
          slim = a.state
          whole = b.state
        })
      }),
      { numRuns: 300 },
    )
  })

  it("the three answers the ended form exists for are among those checked: 481, CANCEL 200 and Replaces 603", () => {
    const { ended, tag } = states()
    const statuses = (spec: Partial<Spec>) =>
      responsesIn(
        step(ended, {
          _tag: "RequestReceived",
          request: requestOf({
            method: "INVITE",
            toTag: undefined,
            fromTag: "a-tag",
            callId: "c1@192.168.1.100",
            seq: 1,
            branch: inviteBranch,
            uri: inviteUri,
            replaces: undefined,
            ...spec,
          }),
          nonce: "n",
        }).outputs,
      ).map((r) => r.status)
    expect(statuses({ method: "INFO", toTag: tag, seq: 3 })).toEqual([481])
    expect(statuses({ method: "CANCEL" })).toEqual([200])
    expect(
      statuses({ callId: "c2@192.168.1.100", replaces: `c1@192.168.1.100;to-tag=${tag};from-tag=a-tag` }),
    ).toEqual([603])
  })
})
