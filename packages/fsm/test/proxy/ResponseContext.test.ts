import { makeRequest, type Request, type Response } from "@sipkit/codec"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { initialProxyState, stepProxy } from "../../src/proxy/Proxy.js"
import { makeProxyConfig, type ProxyConfig } from "../../src/proxy/ProxyConfig.js"
import type { ProxyEvent, ProxyOutput, ProxyState } from "../../src/proxy/Types.js"
import type { LocationStore } from "../../src/registrar/LocationStore.js"
import { aliceInvite, answer, bindingOf, header, locationWith, only, single, summary } from "./helpers.js"

const parallel = makeProxyConfig({ host: "proxy.example.com", domains: ["example.com"] })

/** A proxy run: feeds events, keeps the state, returns each step's outputs. */
const session = (config: ProxyConfig, location: LocationStore) => {
  let state: ProxyState = initialProxyState
  const run = (event: ProxyEvent): ReadonlyArray<ProxyOutput> => {
    const result = stepProxy(config, state, event)
    state = result.state
    return result.outputs
  }
  const start = (request: Request = aliceInvite(), now = 0) => {
    const outputs = run({ _tag: "RequestReceived", request, now, token: "tok", location })
    return { outputs, forks: only(outputs, "Forward").map((forward) => forward.request) }
  }
  const reply = (response: Response, now = 1) => run({ _tag: "ResponseReceived", response, now })
  return { run, start, reply, state: () => state }
}

const targets = (n: number) => Array.from({ length: n }, (_, i) => `sip:bob@10.0.0.${i + 1}`)
const bobAt = (uris: ReadonlyArray<string>, qs: ReadonlyArray<number | undefined> = []) =>
  locationWith(
    "sip:bob@example.com",
    uris.map((uri, i) => bindingOf(uri, qs[i])),
  )

const withHeader = (response: Response, name: string, value: string): Response => ({
  ...response,
  headers: [...response.headers, { name, value }],
})

describe("best response (§16.7 steps 6, 7)", () => {
  it("chooses the lowest class, preferring 401/407/415/420/484 in 4xx", () => {
    const proxy = session(parallel, bobAt(targets(3)))
    const [a, b, c] = proxy.start().forks as [Request, Request, Request]
    expect(summary(proxy.reply(answer(a, 503, "a")))).toEqual(["ClearTimer C"])
    proxy.reply(answer(b, 486, "b"))
    const out = proxy.reply(answer(c, 484, "c"))
    expect(single(out, "Respond").response.status).toBe(484)
  })

  it("prefers a 3xx over 4xx, and sends 500 instead of a lone 503", () => {
    const proxy = session(parallel, bobAt(targets(2)))
    const [a, b] = proxy.start().forks as [Request, Request]
    proxy.reply(answer(a, 404, "a"))
    expect(single(proxy.reply(answer(b, 302, "b")), "Respond").response.status).toBe(302)
    const lone = session(parallel, bobAt(targets(1)))
    const [only503] = lone.start().forks as [Request]
    const sent = single(lone.reply(answer(only503, 503, "x")), "Respond").response
    expect(sent.status).toBe(500)
    expect(header(sent, "To")).toEqual(["Bob <sip:bob@example.com>;tag=tok"])
  })

  it("merges the challenges of every 401 and 407 into the one forwarded", () => {
    const proxy = session(parallel, bobAt(targets(3)))
    const [a, b, c] = proxy.start().forks as [Request, Request, Request]
    proxy.reply(withHeader(answer(a, 407, "a"), "Proxy-Authenticate", 'Digest realm="a.org", nonce="1"'))
    proxy.reply(withHeader(answer(b, 401, "b"), "WWW-Authenticate", 'Digest realm="b.org", nonce="2"'))
    const out = proxy.reply(
      withHeader(answer(c, 486, "c"), "WWW-Authenticate", 'Digest realm="c.org", nonce="3"'),
    )
    const merged = single(out, "Respond").response
    expect(merged.status).toBe(401)
    expect(header(merged, "WWW-Authenticate")).toEqual(['Digest realm="b.org", nonce="2"'])
    expect(header(merged, "Proxy-Authenticate")).toEqual(['Digest realm="a.org", nonce="1"'])
  })

  it("on a 6xx cancels the ringing branches, opens no new ones, and forwards the 6xx once they end", () => {
    const sequential = makeProxyConfig({
      host: "proxy.example.com",
      domains: ["example.com"],
      forking: "sequential",
    })
    const proxy = session(sequential, bobAt(targets(3), [1, 1, 0.5]))
    const { forks } = proxy.start()
    expect(forks).toHaveLength(2)
    const [a, b] = forks as [Request, Request]
    proxy.reply(answer(a, 180, "a"))
    const declined = proxy.reply(answer(b, 603, "b"))
    expect(summary(declined)).toEqual(["ClearTimer C", `Cancel ${a.uri}`, "SetTimer C"])
    const end = proxy.reply(answer(a, 487, "a"))
    expect(summary(end)).toEqual(["ClearTimer C", "Respond 603"])
  })

  it("answers 408 when Timer C finds a branch with no provisional, and CANCELs one that is ringing", () => {
    const proxy = session(parallel, bobAt(targets(2)))
    const { forks, outputs } = proxy.start()
    const [a, b] = forks as [Request, Request]
    const [ta, tb] = only(outputs, "SetTimer")
    proxy.reply(answer(a, 180, "a"), 10)
    // A stale firing (before the reset deadline) changes nothing.
    const before = proxy.state()
    expect(proxy.run({ _tag: "TimerFired", timer: "C", branch: ta!.branch, now: 181_000 })).toEqual([])
    expect(proxy.state()).toBe(before)
    expect(summary(proxy.run({ _tag: "TimerFired", timer: "C", branch: tb!.branch, now: 181_000 }))).toEqual([
      "AbandonBranch",
      "ClearTimer C",
    ])
    expect(summary(proxy.run({ _tag: "TimerFired", timer: "C", branch: ta!.branch, now: 181_010 }))).toEqual([
      `Cancel ${a.uri}`,
      "SetTimer C",
    ])
    const out = proxy.reply(answer(a, 487, "a"), 181_100)
    expect(single(out, "Respond").response.status).toBe(408)
    expect(b.uri).toBe("sip:bob@10.0.0.2")
  })

  it("treats a client transaction timeout as 408 and a transport error as 503 (sent upstream as 500)", () => {
    const proxy = session(parallel, bobAt(targets(2)))
    const { outputs } = proxy.start()
    const [fa, fb] = only(outputs, "Forward")
    proxy.run({ _tag: "ClientTransactionFailed", branch: fa!.branch, reason: "TransportError", now: 5 })
    const out = proxy.run({ _tag: "ClientTransactionFailed", branch: fb!.branch, reason: "Timeout", now: 6 })
    expect(single(out, "Respond").response.status).toBe(408)
  })
})

describe("sequential and non-INVITE forking", () => {
  it("tries targets by decreasing q, the next group when the previous one failed", () => {
    const sequential = makeProxyConfig({
      host: "proxy.example.com",
      domains: ["example.com"],
      forking: "sequential",
    })
    const proxy = session(sequential, bobAt(["sip:bob@low", "sip:bob@high"], [0.1, 0.9]))
    const first = proxy.start()
    expect(summary(first.outputs)).toEqual(["Respond 100", "Forward INVITE sip:bob@high", "SetTimer C"])
    const next = proxy.reply(answer(first.forks[0]!, 486, "h"))
    expect(summary(next)).toEqual(["ClearTimer C", "Forward INVITE sip:bob@low", "SetTimer C"])
    const low = single(next, "Forward").request
    expect(summary(proxy.reply(answer(low, 200, "l")))).toEqual(["ClearTimer C", "Respond 200"])
    expect(proxy.state().contexts.size).toBe(0)
  })

  it("forks a non-INVITE without 100 or Timer C, forwards the first 2xx and absorbs the rest, never CANCELs", () => {
    const proxy = session(parallel, bobAt(targets(2)))
    const message = makeRequest({
      method: "MESSAGE",
      uri: "sip:bob@example.com",
      headers: [
        ["Via", "SIP/2.0/UDP 192.168.1.100;branch=z9hG4bKm1"],
        ["Max-Forwards", "70"],
        ["From", "<sip:alice@example.com>;tag=m"],
        ["To", "<sip:bob@example.com>"],
        ["Call-ID", "m1"],
        ["CSeq", "1 MESSAGE"],
      ],
    })
    const { outputs, forks } = proxy.start(message)
    expect(summary(outputs)).toEqual(["Forward MESSAGE sip:bob@10.0.0.1", "Forward MESSAGE sip:bob@10.0.0.2"])
    expect(summary(proxy.reply(answer(forks[0]!, 200, "a")))).toEqual(["Respond 200"])
    expect(summary(proxy.reply(answer(forks[1]!, 404, "b")))).toEqual(["Absorbed 404"])
    expect(proxy.state().contexts.size).toBe(0)
  })
})

describe("CANCEL and ACK (§16.10, §16.7)", () => {
  it("answers a CANCEL 200 at once, cancels every branch, forwards the 487 and absorbs the hop-by-hop ACK", () => {
    const proxy = session(parallel, bobAt(targets(2)))
    const invite = aliceInvite()
    const { forks } = proxy.start(invite)
    const [a, b] = forks as [Request, Request]
    proxy.reply(answer(a, 180, "a"))
    const cancel = makeRequest({
      method: "CANCEL",
      uri: invite.uri,
      headers: [
        ["Via", "SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bKalice1"],
        ["Max-Forwards", "70"],
        ["From", "Alice <sip:alice@example.com>;tag=1928301774"],
        ["To", "Bob <sip:bob@example.com>"],
        ["Call-ID", "12345@192.168.1.100"],
        ["CSeq", "314159 CANCEL"],
      ],
    })
    const out = proxy.run({
      _tag: "RequestReceived",
      request: cancel,
      now: 2,
      token: "c",
      location: bobAt([]),
    })
    expect(summary(out)).toEqual(["Respond 200", `Cancel ${a.uri}`, "SetTimer C"])
    const ok = single(out, "Respond")
    expect(ok.response.status).toBe(200)
    expect(ok.transaction).not.toBe(proxy.state().contexts.keys().next().value)
    // b has not answered: its CANCEL waits for a provisional (§9.1).
    expect(summary(proxy.reply(answer(b, 100, "b"), 3))).toEqual([`Cancel ${b.uri}`, "SetTimer C"])
    proxy.reply(answer(a, 487, "a"), 4)
    const final = proxy.reply(answer(b, 487, "b"), 5)
    expect(summary(final)).toEqual(["ClearTimer C", "Respond 487"])
    // Alice's ACK for the 487 has the INVITE's branch: hop by hop, absorbed.
    const ack = makeRequest({
      method: "ACK",
      uri: invite.uri,
      headers: [
        ["Via", "SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bKalice1"],
        ["Max-Forwards", "70"],
        ["From", "Alice <sip:alice@example.com>;tag=1928301774"],
        ["To", "Bob <sip:bob@example.com>;tag=b"],
        ["Call-ID", "12345@192.168.1.100"],
        ["CSeq", "314159 ACK"],
      ],
    })
    expect(
      summary(proxy.run({ _tag: "RequestReceived", request: ack, now: 6, token: "k", location: bobAt([]) })),
    ).toEqual(["Absorbed ACK"])
    // After the linger time, the context is gone.
    proxy.run({ _tag: "TimerFired", timer: "C", branch: "none", now: 5 + parallel.linger })
    expect(proxy.state().contexts.size).toBe(0)
    expect(proxy.state().branches.size).toBe(0)
  })

  it("forwards a CANCEL with no context statelessly", () => {
    const proxy = session(parallel, bobAt([]))
    const cancel = makeRequest({
      method: "CANCEL",
      uri: "sip:carol@elsewhere.org",
      headers: [
        ["Via", "SIP/2.0/UDP 192.168.1.100;branch=z9hG4bKzz"],
        ["Max-Forwards", "70"],
        ["From", "<sip:alice@example.com>;tag=a"],
        ["To", "<sip:carol@elsewhere.org>"],
        ["Call-ID", "zz"],
        ["CSeq", "1 CANCEL"],
      ],
    })
    const sent = single(
      proxy.run({ _tag: "RequestReceived", request: cancel, now: 0, token: "t", location: bobAt([]) }),
      "SendStateless",
    )
    expect(sent.destination).toEqual({ _tag: "Uri", uri: "sip:carol@elsewhere.org" })
    expect(header(sent.message, "Via")).toHaveLength(2)
  })
})

describe("responses with no context (§16.7 step 3, §18.2.2)", () => {
  const stray = (vias: ReadonlyArray<string>): Response => ({
    _tag: "Response",
    version: "SIP/2.0",
    status: 200,
    reason: "OK",
    headers: [
      ...vias.map((value) => ({ name: "Via", value })),
      { name: "From", value: "<sip:a@x>;tag=1" },
      { name: "To", value: "<sip:b@y>;tag=2" },
      { name: "Call-ID", value: "s" },
      { name: "CSeq", value: "1 INVITE" },
      { name: "Content-Length", value: "0" },
    ],
    body: new Uint8Array(),
  })

  it("takes this proxy's Via off and sends to the next Via's received/rport", () => {
    const proxy = session(parallel, bobAt([]))
    const out = proxy.reply(
      stray([
        "SIP/2.0/UDP proxy.example.com;branch=z9hG4bKunknown",
        "SIP/2.0/UDP 10.1.1.1:5070;branch=z9hG4bKa;received=192.0.2.9;rport=6000",
      ]),
    )
    const sent = single(out, "SendStateless")
    expect(sent.destination).toEqual({ _tag: "Address", transport: "UDP", host: "192.0.2.9", port: 6000 })
    expect(header(sent.message, "Via")).toHaveLength(1)
  })

  it("absorbs a response whose top Via is not this proxy's, or that has no Via left", () => {
    const proxy = session(parallel, bobAt([]))
    expect(
      summary(
        proxy.reply(stray(["SIP/2.0/UDP other.org;branch=z9hG4bKx", "SIP/2.0/UDP a.org;branch=z9hG4bKy"])),
      ),
    ).toEqual(["Absorbed 200"])
    expect(summary(proxy.reply(stray(["SIP/2.0/UDP proxy.example.com;branch=z9hG4bKx"])))).toEqual([
      "Absorbed 200",
    ])
  })
})

// ---------------------------------------------------------------------------------------------------------------
// Laws of the response context, over random answers from 1–4 forks in random order.

const finals = [200, 302, 404, 484, 486, 401, 407, 503, 603] as const
type Script = ReadonlyArray<{ readonly fork: number; readonly provisional: boolean; readonly final: number }>

const arbScript: fc.Arbitrary<{ n: number; script: Script; order: ReadonlyArray<number> }> = fc
  .integer({ min: 1, max: 4 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      script: fc
        .array(
          fc.record({ fork: fc.constant(0), provisional: fc.boolean(), final: fc.constantFrom(...finals) }),
          { minLength: n, maxLength: n },
        )
        .map((rows) => rows.map((row, fork) => ({ ...row, fork }))),
      order: fc.shuffledSubarray(
        Array.from({ length: 2 * n }, (_, i) => i),
        { minLength: 2 * n, maxLength: 2 * n },
      ),
    }),
  )

/** The status §16.7 step 6 picks from the non-2xx finals. */
const modelBest = (statuses: ReadonlyArray<number>): number => {
  const six = statuses.find((status) => status >= 600)
  if (six !== undefined) return six
  const lowest = Math.min(...statuses.map((status) => Math.floor(status / 100)))
  const candidates = statuses.filter((status) => Math.floor(status / 100) === lowest)
  const preferred = [401, 407, 415, 420, 484].find((status) => candidates.includes(status))
  const chosen = lowest === 4 && preferred !== undefined ? preferred : candidates[0]!
  return chosen === 503 ? 500 : chosen
}

describe("response context laws", () => {
  it("forwards every 2xx, exactly one best final when none, no 100, no provisional after a final; ends empty", () => {
    fc.assert(
      fc.property(arbScript, ({ n, script, order }) => {
        const proxy = session(parallel, bobAt(targets(n)))
        const { forks } = proxy.start()
        const sent: Array<ProxyOutput> = []
        // Event 2k is fork k's provisional (180, or 100 when not "provisional"), 2k+1 its final; a fork's final is
        // never delivered before its provisional.
        const delivered = new Set<number>()
        const arrived: Array<number> = []
        const pending = [...order]
        let now = 1
        while (pending.length > 0) {
          const index = pending.findIndex((event) => event % 2 === 0 || delivered.has(event - 1))
          const [event] = pending.splice(index, 1) as [number]
          delivered.add(event)
          const row = script[Math.floor(event / 2)]!
          const fork = forks[row.fork]!
          const status = event % 2 === 0 ? (row.provisional ? 180 : 100) : row.final
          if (event % 2 === 1) arrived.push(status)
          sent.push(...proxy.reply(answer(fork, status, `f${row.fork}`), now++))
        }
        const responds = only(sent, "Respond").map((output) => output.response.status)
        const received2xx = script.filter((row) => row.final < 300).length
        expect(responds.filter((status) => status >= 200 && status < 300)).toHaveLength(received2xx)
        expect(responds).not.toContain(100)
        const firstFinal = responds.findIndex((status) => status >= 200)
        expect(responds.slice(firstFinal).every((status) => status >= 200)).toBe(true)
        const nonSuccess = responds.filter((status) => status >= 300)
        if (received2xx === 0) expect(nonSuccess).toEqual([modelBest(arrived)])
        else expect(nonSuccess).toEqual([])
        // Every CANCEL targets a fork that had answered provisionally.
        for (const cancel of only(sent, "Cancel"))
          expect(forks.map((fork) => fork.uri)).toContain(cancel.request.uri)
        proxy.run({ _tag: "TimerFired", timer: "C", branch: "none", now: now + parallel.linger })
        expect(proxy.state().contexts.size).toBe(0)
        expect(proxy.state().branches.size).toBe(0)
      }),
      { numRuns: 150 },
    )
  })
})

describe("repeated responses on one fork", () => {
  it("absorbs a retransmitted final, and forwards every 2xx of a fork (a downstream fork answering twice)", () => {
    const proxy = session(parallel, bobAt(targets(2)))
    const [a, b] = proxy.start().forks as [Request, Request]
    proxy.reply(answer(a, 486, "a"))
    expect(summary(proxy.reply(answer(a, 486, "a")))).toEqual(["Absorbed 486"])
    expect(summary(proxy.reply(answer(b, 200, "b1")))).toEqual(["ClearTimer C", "Respond 200"])
    // The context ended with b's first 2xx; the second finds none and goes upstream statelessly by its Via
    // (§16.7 step 1: "If none is found, the element MUST process the response … as a stateless proxy").
    const again = single(proxy.reply(answer(b, 200, "b2")), "SendStateless")
    expect(again.destination).toEqual({
      _tag: "Address",
      transport: "UDP",
      host: "192.168.1.100",
      port: 5060,
    })
  })
})
