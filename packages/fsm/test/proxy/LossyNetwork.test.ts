/**
 * The proxy endpoint on a lossy network, in virtual time: Alice's INVITE client transaction, the proxy (core over
 * transactions) and 1–3 forks, each a UAS over an INVITE server transaction that rings and then answers with a
 * scripted status (487 when CANCELled first). Messages are lost, duplicated and delayed by a seeded link.
 * The laws: every transaction of every party ends; Alice's transaction receives a final response; the proxy's
 * state empties; and without loss Alice's final is the one §16.7 picks (a 2xx if any fork answers 2xx).
 */
import { getCSeq, type Request, type SipMessage } from "@sipkit/codec"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { makeProxyConfig } from "../../src/proxy/ProxyConfig.js"
import { type EndpointState, initialEndpointState, stepEndpoint } from "../../src/proxy/ProxyEndpoint.js"
import type { TimerName } from "../../src/transaction/Timers.js"
import { type Output, receive, respond, timerFired } from "../../src/transaction/Transaction.js"
import * as Table from "../../src/transaction/TransactionTable.js"
import { aliceInvite, answer, bindingOf, locationWith } from "./helpers.js"

type Party = "alice" | "proxy" | `fork${number}`
type Item =
  | { readonly _tag: "Deliver"; readonly to: Party; readonly message: SipMessage }
  | {
      readonly _tag: "Timer"
      readonly owner: Party
      readonly key: string
      readonly timer: TimerName
      readonly id: number
    }
  | { readonly _tag: "TimerC"; readonly branch: string }
  /** §13.3.1.4: the UAS core retransmits its 2xx (T1, doubling to T2) until the ACK comes, for 64·T1. */
  | {
      readonly _tag: "Resend2xx"
      readonly fork: number
      readonly response: SipMessage
      readonly interval: number
    }

/** A tiny deterministic generator (mulberry32). */
const rng = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const proxyConfig = { proxy: makeProxyConfig({ host: "proxy.example.com", domains: ["example.com"] }) }
const forkUri = (i: number) => `sip:bob@10.0.0.${i + 1}`

interface Run {
  readonly finals: ReadonlyArray<number>
  readonly tables: ReadonlyArray<number>
  readonly proxyContexts: number
}

const simulate = (statuses: ReadonlyArray<number>, seed: number, loss: number): Run => {
  const random = rng(seed)
  const agenda: Array<{ at: number; seq: number; item: Item }> = []
  let seq = 0
  let now = 0
  const schedule = (at: number, item: Item) => agenda.push({ at, seq: seq++, item })
  const link = (to: Party, message: SipMessage) => {
    if (random() < loss) return
    schedule(now + 5 + Math.floor(random() * 40), { _tag: "Deliver", to, message })
    if (random() < loss / 2) schedule(now + 5 + Math.floor(random() * 80), { _tag: "Deliver", to, message })
  }
  const location = locationWith(
    "sip:bob@example.com",
    statuses.map((_, i) => bindingOf(forkUri(i))),
  )

  // Alice: an INVITE client transaction; she acknowledges every 2xx end to end (§13.2.2.4).
  let alice = Table.empty
  const finals: Array<number> = []
  const onAlice = (outputs: ReadonlyArray<Output>, key: string) => {
    for (const output of outputs) {
      if (output._tag === "Send") link("proxy", output.message)
      if (output._tag === "StartTimer")
        schedule(now + output.after, {
          _tag: "Timer",
          owner: "alice",
          key,
          timer: output.timer,
          id: output.id,
        })
      if (output._tag === "Deliver" && output.message._tag === "Response" && output.message.status >= 200) {
        finals.push(output.message.status)
        if (output.message.status < 300) link("proxy", ackFor(output.message))
      }
    }
  }
  const invite = aliceInvite()
  const started = Table.startClient(alice, invite, { reliable: false })
  if (started._tag === "Err") throw new Error("alice")
  alice = started.value.table
  onAlice(started.value.outputs, started.value.key)
  const ackFor = (ok: SipMessage): Request => ({
    ...invite,
    method: "ACK",
    uri: forkUri(0),
    headers: [
      { name: "Via", value: `SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bKack${seq}` },
      ...ok.headers.filter((h) => ["from", "to", "call-id"].includes(h.name.toLowerCase())),
      { name: "CSeq", value: "314159 ACK" },
      { name: "Max-Forwards", value: "70" },
    ],
  })

  // Forks: a UAS each over its own transaction table.
  const forks = statuses.map(() => ({
    table: Table.empty,
    invite: undefined as string | undefined,
    answered: false,
    acked: false,
    answeredAt: 0,
  }))
  const onFork = (i: number, outputs: ReadonlyArray<Output>, key: string) => {
    const fork = forks[i]!
    for (const output of outputs) {
      if (output._tag === "Send") link("proxy", output.message)
      if (output._tag === "StartTimer")
        schedule(now + output.after, {
          _tag: "Timer",
          owner: `fork${i}`,
          key,
          timer: output.timer,
          id: output.id,
        })
      if (output._tag !== "Deliver" || output.message._tag !== "Request") continue
      const request = output.message
      if (request.method === "INVITE") {
        fork.invite = key
        forkRespond(i, key, answer(request, 180, `f${i}`))
        schedule(now + 100 + i * 200, {
          _tag: "Deliver",
          to: `fork${i}`,
          message: answer(request, statuses[i]!, `f${i}`),
        })
      } else if (request.method === "CANCEL") {
        forkRespond(i, key, answer(request, 200, `f${i}`))
        const inviteTx = fork.invite === undefined ? undefined : Table.get(fork.table, fork.invite)
        if (inviteTx?.machine === "InviteServer" && inviteTx._tag === "Proceeding" && !fork.answered) {
          forkAnswer(i, answer(inviteTx.request, 487, `f${i}`))
        }
      }
    }
  }
  const forkRespond = (i: number, key: string, response: SipMessage) => {
    if (response._tag !== "Response") return
    const stepped = Table.step(forks[i]!.table, key, respond(response))
    forks[i]!.table = stepped.table
    onFork(i, stepped.outputs, key)
  }
  const forkAnswer = (i: number, response: SipMessage) => {
    const fork = forks[i]!
    if (fork.answered || fork.invite === undefined || response._tag !== "Response") return
    fork.answered = true
    fork.answeredAt = now
    forkRespond(i, fork.invite, response)
    if (response.status < 300) schedule(now + 500, { _tag: "Resend2xx", fork: i, response, interval: 500 })
  }

  // The proxy endpoint.
  let proxy: EndpointState = initialEndpointState
  const onProxy = (step: ReturnType<typeof stepEndpoint>) => {
    proxy = step.state
    for (const output of step.outputs) {
      if (output._tag === "Send") {
        const d = output.destination
        const to: Party =
          d._tag === "Address" ? "alice" : (`fork${Number(d.uri.split(".").at(-1)) - 1}` as Party)
        link(to, output.message)
      }
      if (output._tag === "StartTimer")
        schedule(now + output.after, {
          _tag: "Timer",
          owner: "proxy",
          key: output.key,
          timer: output.timer,
          id: output.id,
        })
      if (output._tag === "SetTimerC") schedule(output.at, { _tag: "TimerC", branch: output.branch })
    }
  }

  for (let steps = 0; agenda.length > 0 && steps < 5000; steps++) {
    agenda.sort((a, b) => a.at - b.at || a.seq - b.seq)
    const next = agenda.shift()!
    now = next.at
    const item = next.item
    if (item._tag === "Resend2xx") {
      const fork = forks[item.fork]!
      if (fork.acked || now - fork.answeredAt > 32_000 || fork.invite === undefined) continue
      if (Table.has(fork.table, fork.invite)) forkRespond(item.fork, fork.invite, item.response)
      else link("proxy", item.response) // Timer L ended the transaction: the core sends it itself
      const interval = Math.min(item.interval * 2, 4000)
      schedule(now + interval, { ...item, interval })
    } else if (item._tag === "TimerC") {
      onProxy(stepEndpoint(proxyConfig, proxy, { _tag: "TimerCFired", branch: item.branch, now }))
    } else if (item._tag === "Timer") {
      if (item.owner === "proxy") {
        onProxy(
          stepEndpoint(proxyConfig, proxy, {
            _tag: "TransactionTimerFired",
            key: item.key,
            timer: item.timer,
            id: item.id,
            now,
          }),
        )
      } else if (item.owner === "alice") {
        const stepped = Table.step(alice, item.key, timerFired(item.timer, item.id))
        alice = stepped.table
        onAlice(stepped.outputs, item.key)
      } else {
        const i = Number(item.owner.slice(4))
        const stepped = Table.step(forks[i]!.table, item.key, timerFired(item.timer, item.id))
        forks[i]!.table = stepped.table
        onFork(i, stepped.outputs, item.key)
      }
    } else if (item.to === "proxy") {
      onProxy(
        stepEndpoint(proxyConfig, proxy, {
          _tag: "MessageReceived",
          message: item.message,
          now,
          token: `t${now}`,
          location,
        }),
      )
    } else if (item.to === "alice") {
      if (item.message._tag !== "Response") continue
      const routed = Table.route(alice, item.message)
      if (routed._tag !== "Match") continue
      const stepped = Table.step(alice, routed.key, receive(item.message))
      alice = stepped.table
      onAlice(stepped.outputs, routed.key)
    } else {
      const i = Number(item.to.slice(4))
      const message = item.message
      // The fork's scripted final answer (scheduled as a self-delivery of a response).
      if (message._tag === "Response") {
        const cseq = getCSeq(message)
        if (cseq._tag === "Ok" && cseq.value.method === "INVITE") forkAnswer(i, message)
        continue
      }
      const fork = forks[i]!
      const routed = Table.route(fork.table, message)
      if (routed._tag === "Match") {
        const stepped = Table.step(fork.table, routed.key, receive(message))
        fork.table = stepped.table
        onFork(i, stepped.outputs, routed.key)
      } else if (message.method === "ACK") {
        fork.acked = true
      } else if (routed._tag === "NoMatch") {
        const startedServer = Table.startServer(fork.table, message, { reliable: false })
        if (startedServer._tag === "Ok") {
          fork.table = startedServer.value.table
          onFork(i, startedServer.value.outputs, startedServer.value.key)
        }
      }
    }
  }
  // A lingering context (kept 32 s to absorb the hop-by-hop ACK of a non-2xx) is dropped at the next event.
  onProxy(stepEndpoint(proxyConfig, proxy, { _tag: "TimerCFired", branch: "tick", now: now + 32_000 }))
  return {
    finals,
    tables: [alice.size, proxy.table.size, ...forks.map((fork) => fork.table.size)],
    proxyContexts: proxy.proxy.contexts.size,
  }
}

const expectedFinal = (statuses: ReadonlyArray<number>): number => {
  const success = statuses.find((status) => status < 300)
  if (success !== undefined) return success
  const six = statuses.find((status) => status >= 600)
  if (six !== undefined) return six
  // The forks answer in index order (100 + 200·i ms, more than the link jitter), so "first of the lowest class" is the lowest index.
  const lowest = Math.min(...statuses.map((status) => Math.floor(status / 100)))
  const candidates = statuses.filter((status) => Math.floor(status / 100) === lowest)
  const preferred = [401, 407, 415, 420, 484].find((status) => candidates.includes(status))
  const chosen = lowest === 4 && preferred !== undefined ? preferred : candidates[0]!
  return chosen === 503 ? 500 : chosen
}

const arbStatuses = fc.array(fc.constantFrom(200, 302, 404, 486, 487, 503, 603), {
  minLength: 1,
  maxLength: 3,
})

describe("proxy endpoint on a lossy network", () => {
  it("without loss, Alice gets the §16.7 answer and every transaction ends", () => {
    fc.assert(
      fc.property(arbStatuses, fc.nat(), (statuses, seed) => {
        const run = simulate(statuses, seed, 0)
        // A 6xx cancels the other forks; a fork whose 2xx was already on its way still wins the race.
        const raced = statuses.some((status) => status >= 600) && statuses.some((status) => status < 300)
        const sixes = statuses.filter((status) => status >= 600)
        if (raced) expect([expectedFinal(statuses), ...sixes]).toContain(run.finals[0])
        else expect(run.finals[0]).toBe(expectedFinal(statuses))
        expect(run.tables).toEqual(run.tables.map(() => 0))
        expect(run.proxyContexts).toBe(0)
      }),
      { numRuns: 60 },
    )
  })

  it("with loss and duplication, Alice still gets a final response and every transaction ends", () => {
    fc.assert(
      fc.property(arbStatuses, fc.nat(), fc.constantFrom(0.1, 0.25), (statuses, seed, loss) => {
        const run = simulate(statuses, seed, loss)
        expect(run.tables).toEqual(run.tables.map(() => 0))
        expect(run.proxyContexts).toBe(0)
        // Alice's INVITE itself may be lost past Timer B (a 408 from her own transaction is not a message here).
        if (run.finals.length > 0 && statuses.every((status) => status >= 300)) {
          expect(run.finals[0]).toBeGreaterThanOrEqual(300)
        }
      }),
      { numRuns: 60 },
    )
  })
})
