/**
 * `sip demo` (what `npm start` runs) — the seed's flows on loopback, in one process, over real UDP sockets: three
 * endpoints of @sipkit/transport-node (alice, a registrar/proxy with digest, bob) answering with `sip listen`'s
 * handlers, and the ladder of every message they send.
 *
 *   1. Bob and Alice REGISTER with the registrar: 401 with a digest challenge, then 200 (seed: registration flow).
 *   2. Alice INVITEs sip:bob@sipkit.test; the domain's SIP server is the proxy (RFC 3263: a static zone gives
 *      `_sip._udp.sipkit.test` → the proxy's port); it looks Bob up, Record-Routes itself and forks to his contact;
 *      Bob rings, answers 200 with an SDP answer; Alice ACKs along the route set (seed: basic call flow).
 *   3. Alice hangs up: BYE and 200 through the proxy.
 * Exit 0 when every step ended as the seed shows, 1 otherwise. No query leaves the process: every party's DNS is
 * the static zone.
 */
import { performance } from "node:perf_hooks"
import {
  type CallEvent,
  cryptoIdsLayer,
  type EndpointShape,
  makeEndpoint,
  staticDnsLayer,
} from "@sipkit/transport-node"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import { Exit, ExitCode } from "../ExitCode.js"
import type { Lane } from "../Ladder.js"
import { cliLoggerLayer } from "../Log.js"
import { defaultOffer } from "../Media.js"
import { makeOutput, type Output } from "../Output.js"
import { formatHostPort } from "../options/Common.js"
import type { ListenOptions } from "../options/ListenOptions.js"
import { handlersFor, newTally } from "../runtime/RuntimeListen.js"
import { ladderEvent } from "../runtime/RuntimeSend.js"

const domain = "sipkit.test"
const users = new Map([
  ["alice", "alice-secret"],
  ["bob", "bob-secret"],
])

const element = (extra: Partial<ListenOptions>): ListenOptions => ({
  host: "127.0.0.1",
  port: 0,
  transports: ["udp"],
  answer: 200,
  redirect: [],
  ringMs: 0,
  earlyMedia: false,
  registrar: false,
  users: new Map(),
  realm: domain,
  proxy: false,
  json: false,
  quiet: false,
  cert: undefined,
  key: undefined,
  dns: undefined,
  ...extra,
})

const tally = newTally

/** A party that answers like `sip listen` with `options`, on a UDP port of its own; `zone` is its DNS. */
const party = (user: string, options: ListenOptions, proxyPort: number) =>
  makeEndpoint(
    {
      listeners: [{ transport: "UDP", host: "127.0.0.1", port: 0 }],
      user,
      logMessages: false,
      userAgent: "sipkit-cli/0.1.0",
      shutdownTimeoutMs: 100,
    },
    handlersFor(options, tally()),
  ).pipe(
    Effect.provide(
      Layer.merge(
        cryptoIdsLayer,
        staticDnsLayer({
          srv: {
            [`_sip._udp.${domain}`]: [{ priority: 0, weight: 0, port: proxyPort, target: `proxy.${domain}` }],
          },
          a: { [`proxy.${domain}`]: ["127.0.0.1"] },
        }),
      ),
    ),
    Effect.mapError(
      (cause) =>
        new Exit({ code: ExitCode.timeout, message: `sip demo: cannot start ${user}: ${String(cause)}` }),
    ),
  )

const localOf = (sip: EndpointShape): string => {
  const listener = sip.listeners[0]
  return listener === undefined ? "" : formatHostPort(listener.local)
}

/** Only what a party sends goes on the ladder, so every message appears once. */
const traceSent = (sip: EndpointShape, output: Output, now: () => number) => {
  const local = localOf(sip)
  const toLadder = ladderEvent(now, local)
  return Stream.runForEach(sip.wire, (event) =>
    Effect.sync(() => {
      if (event.direction === "out") output.event(toLadder(event))
    }),
  ).pipe(Effect.forkScoped)
}

/** Alice's call: answered, BYE after `hangupAfterMs`, ended — exit 0; anything else exit 1 with what happened. */
const placeCall = (alice: EndpointShape, target: string, hangupAfterMs: number) =>
  Effect.gen(function* () {
    const call = yield* alice.call(target, defaultOffer("127.0.0.1"), { from: `Alice <sip:alice@${domain}>` })
    const events = yield* Queue.unbounded<CallEvent>()
    yield* Stream.runForEach(call.events, (event) => Queue.offer(events, event)).pipe(Effect.forkScoped)
    for (;;) {
      const event = yield* Queue.take(events)
      switch (event._tag) {
        case "Trying":
        case "Ringing":
        case "EarlyMedia":
          continue
        case "Failed":
          return { exit: 1, text: `${event.status} ${event.reason}` } as const
        case "Ended":
          return { exit: 1, text: `ended before the answer: ${event.reason}` } as const
        case "Answered": {
          yield* Effect.sleep(Duration.millis(hangupAfterMs))
          yield* call.hangup
          for (;;) {
            const next = yield* Queue.take(events)
            if (next._tag === "Ended")
              return { exit: 0, text: `200 ${event.response.reason} — ended: ${next.reason}` } as const
          }
        }
      }
    }
  }).pipe(Effect.scoped, Effect.timeoutOption(Duration.seconds(10)))

export const runDemo = (options: { readonly json: boolean }): Effect.Effect<void, Exit> =>
  Effect.scoped(
    Effect.gen(function* () {
      const proxy = yield* party("proxy", element({ registrar: true, proxy: true, users }), 0)
      const proxyPort = proxy.listeners[0]?.local.port ?? 0
      const bob = yield* party("bob", element({ ringMs: 300 }), proxyPort)
      const alice = yield* party("alice", element({}), proxyPort)
      const lanes: ReadonlyArray<Lane> = [
        { name: `alice ${alice.listeners[0]?.local.port}`, addresses: [localOf(alice)] },
        { name: `proxy ${proxyPort}`, addresses: [localOf(proxy)] },
        { name: `bob ${bob.listeners[0]?.local.port}`, addresses: [localOf(bob)] },
      ]
      const output = makeOutput({ json: options.json, lanes, laneWidth: 22 })
      const t0 = performance.now()
      const now = () => performance.now() - t0
      for (const sip of [alice, proxy, bob]) yield* traceSent(sip, output, now)
      yield* Effect.sleep(Duration.millis(10))
      const note = (text: string) => output.note(`\n${text}`, { type: "note", text })
      const result = (step: string, exit: number, text: string) => {
        output.note(`  → ${step}: ${text}`, { type: "result", step, exit })
        return exit
      }

      output.note(
        `sip demo — the seed's flows on loopback, in one process, over real UDP sockets: alice ${localOf(alice)}, ` +
          `registrar/proxy ${localOf(proxy)} (domain ${domain}, digest), bob ${localOf(bob)}. ` +
          "Each arrow is a datagram that was sent; no RTP flows (the SDP is negotiated, not used).",
        { type: "note", text: "sip demo" },
      )
      note(
        "① Registration (RFC 3261 §10, seed: SIP Registration Flow): REGISTER → 401 challenge → REGISTER with Authorization → 200",
      )
      output.header()
      const register = (user: string, sip: EndpointShape) =>
        sip
          .register({
            registrar: `sip:${domain}`,
            aor: `sip:${user}@${domain}`,
            credentials: { username: user, password: users.get(user) ?? "" },
            expires: 3600,
          })
          .pipe(
            Effect.flatMap((registration) => registration.expires),
            Effect.match({
              onFailure: (e) => result(`${user} registers`, 1, `${e.status} ${e.reason}`),
              onSuccess: (expires) => result(`${user} registers`, 0, `200 OK (expires ${expires})`),
            }),
          )
      const codes: Array<number> = []
      codes.push(yield* register("bob", bob))
      codes.push(yield* register("alice", alice))

      note(
        "② A call through the proxy (seed: Basic SIP Call Flow, RFC 3665 §3.1): the proxy finds Bob's contact, " +
          "Record-Routes itself; Bob rings, answers with SDP; the ACK follows the route set",
      )
      output.header()
      const call = yield* placeCall(alice, `sip:bob@${domain}`, 500)
      codes.push(
        call._tag === "Some"
          ? result("alice calls bob and hangs up after 500 ms", call.value.exit, call.value.text)
          : result("alice calls bob and hangs up after 500 ms", 1, "no outcome within 10 s"),
      )
      yield* Effect.sleep(Duration.millis(50))
      const ok = codes.every((code) => code === 0)
      note(
        ok
          ? "Done: every step ended as the seed's diagrams show (exit 0)."
          : "Something did not end as the seed shows (exit 1).",
      )
      if (!ok) return yield* new Exit({ code: ExitCode.failed, message: "" })
    }),
  ).pipe(Effect.provide(cliLoggerLayer({ json: options.json })))
