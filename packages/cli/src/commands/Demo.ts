/**
 * `sip demo` (what `npm start` runs) — the seed's flows on loopback, in one process, over real UDP sockets:
 * three endpoints (alice, a registrar/proxy with digest, bob) built from the same parts as `sip send` and
 * `sip listen`, and the ladder of every message they send.
 *
 *   1. Bob and Alice REGISTER with the registrar: 401 with a digest challenge, then 200 (seed: registration flow).
 *   2. Alice INVITEs sip:bob@sipkit.test through the proxy; it looks Bob up, Record-Routes itself and forks to his
 *      contact; Bob rings, answers 200 with an SDP answer; Alice ACKs through the proxy (seed: basic call flow).
 *   3. Alice hangs up: BYE and 200 through the proxy.
 * Exit 0 when every step ended as the seed shows, 1 otherwise.
 */
import { performance } from "node:perf_hooks"
import * as Effect from "effect/Effect"
import { Exit, ExitCode } from "../ExitCode.js"
import { type Endpoint, makeEndpoint } from "../engine/Endpoint.js"
import { defaultOffer } from "../engine/Media.js"
import { makeProxyCore } from "../engine/Proxy.js"
import { outcomeExit, runExchange, type UacOutcome, type UacPlan } from "../engine/Uac.js"
import { makeUas } from "../engine/Uas.js"
import { openUdp, type UdpSocket } from "../engine/Udp.js"
import type { LadderEvent, Lane } from "../Ladder.js"
import { makeOutput, type Output } from "../Output.js"
import { formatHostPort } from "../options/Common.js"
import type { ListenOptions } from "../options/ListenOptions.js"

const domain = "sipkit.test"
const users = new Map([
  ["alice", "alice-secret"],
  ["bob", "bob-secret"],
])

const element = (socket: UdpSocket, extra: Partial<ListenOptions>): ListenOptions => ({
  host: socket.local.host,
  port: socket.local.port,
  transports: ["udp"],
  answer: 200,
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
  ...extra,
})

/** Only what a party sends goes on the ladder, so every message appears once. */
const sentBy = (socket: UdpSocket, output: Output) => {
  const local = formatHostPort(socket.local)
  return (event: LadderEvent) => {
    if (event.from === local) output.event(event)
  }
}

/** A party that answers like `sip listen` (and, for the proxy, registers and proxies). */
const party = (socket: UdpSocket, options: ListenOptions, output: Output, now: () => number) => {
  let endpoint: Endpoint | undefined
  const uas = makeUas(() => endpoint as Endpoint, options)
  const trace = sentBy(socket, output)
  const proxy = options.proxy
    ? makeProxyCore({ socket, domains: uas.domains, bindings: uas.bindings, trace, now })
    : undefined
  endpoint = makeEndpoint({
    socket,
    now,
    trace,
    handlers: uas.handlers,
    divert: (message) => {
      if (proxy === undefined || !proxy.claims(message)) return false
      proxy.receive(message)
      return true
    },
  })
  const opened = endpoint
  return {
    endpoint: opened,
    close: () => {
      uas.close()
      proxy?.close()
      opened.close()
    },
  }
}

const plan = (init: Partial<UacPlan> & Pick<UacPlan, "method" | "uri" | "target">): UacPlan => ({
  from: undefined,
  to: undefined,
  headers: [],
  body: undefined,
  proxy: undefined,
  credentials: undefined,
  timeoutMs: 5000,
  hangupAfterMs: undefined,
  cancelAfterMs: undefined,
  expires: undefined,
  ...init,
})

const describeOutcome = (outcome: UacOutcome): string =>
  outcome._tag === "Timeout"
    ? `timeout: ${outcome.note}`
    : `${outcome.response.status} ${outcome.response.reason}${outcome.note === "" ? "" : ` — ${outcome.note}`}`

export const runDemo = (options: { readonly json: boolean }): Effect.Effect<void, Exit> =>
  Effect.scoped(
    Effect.gen(function* () {
      const aliceSocket = yield* openUdp("127.0.0.1", 0)
      const proxySocket = yield* openUdp("127.0.0.1", 0)
      const bobSocket = yield* openUdp("127.0.0.1", 0)
      const lanes: ReadonlyArray<Lane> = [
        { name: `alice ${aliceSocket.local.port}`, addresses: [formatHostPort(aliceSocket.local)] },
        { name: `proxy ${proxySocket.local.port}`, addresses: [formatHostPort(proxySocket.local)] },
        { name: `bob ${bobSocket.local.port}`, addresses: [formatHostPort(bobSocket.local)] },
      ]
      const output = makeOutput({ json: options.json, lanes, laneWidth: 22 })
      const t0 = performance.now()
      const now = () => performance.now() - t0
      const proxy = party(
        proxySocket,
        element(proxySocket, { registrar: true, proxy: true, users }),
        output,
        now,
      )
      const bob = party(bobSocket, element(bobSocket, { ringMs: 300 }), output, now)
      const alice = party(aliceSocket, element(aliceSocket, {}), output, now)
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          alice.close()
          bob.close()
          proxy.close()
        }),
      )
      const note = (text: string) => output.note(`\n${text}`, { type: "note", text })
      const registrar = proxySocket.local
      const step = (what: string, endpoint: Endpoint, exchange: UacPlan) =>
        Effect.promise(async () => {
          const outcome = await runExchange(endpoint, exchange, now)
          output.note(`  → ${what}: ${describeOutcome(outcome)}`, {
            type: "result",
            step: what,
            exit: outcomeExit(outcome),
          })
          return outcomeExit(outcome)
        })

      output.note(
        `sip demo — the seed's flows on loopback, in one process, over real UDP sockets: alice ${formatHostPort(aliceSocket.local)}, ` +
          `registrar/proxy ${formatHostPort(registrar)} (domain ${domain}, digest), bob ${formatHostPort(bobSocket.local)}. ` +
          "Each arrow is a datagram that was sent; no RTP flows (the SDP is negotiated, not used).",
        { type: "note", text: "sip demo" },
      )
      note(
        "① Registration (RFC 3261 §10, seed: SIP Registration Flow): REGISTER → 401 challenge → REGISTER with Authorization → 200",
      )
      output.header()
      const register = (user: string, socket: UdpSocket, endpoint: Endpoint) =>
        step(
          `${user} registers`,
          endpoint,
          plan({
            method: "REGISTER",
            uri: `sip:${domain}`,
            target: registrar,
            credentials: { user, password: users.get(user) ?? "" },
            headers: [["Contact", `<sip:${user}@${formatHostPort(socket.local)}>`]],
            expires: 3600,
          }),
        )
      const codes: Array<number> = []
      codes.push(yield* register("bob", bobSocket, bob.endpoint))
      codes.push(yield* register("alice", aliceSocket, alice.endpoint))

      note(
        "② A call through the proxy (seed: Basic SIP Call Flow, RFC 3665 §3.1): the proxy finds Bob's contact, " +
          "Record-Routes itself; Bob rings, answers with SDP; the ACK follows the route set",
      )
      output.header()
      codes.push(
        yield* step(
          "alice calls bob and hangs up after 500 ms",
          alice.endpoint,
          plan({
            method: "INVITE",
            uri: `sip:bob@${domain}`,
            from: `Alice <sip:alice@${domain}>`,
            to: `Bob <sip:bob@${domain}>`,
            target: registrar,
            proxy: `sip:${formatHostPort(registrar)}`,
            body: {
              bytes: new TextEncoder().encode(defaultOffer("127.0.0.1")),
              contentType: "application/sdp",
            },
            hangupAfterMs: 500,
          }),
        ),
      )
      const ok = codes.every((code) => code === 0)
      note(
        ok
          ? "Done: every step ended as the seed's diagrams show (exit 0)."
          : "Something did not end as the seed shows (exit 1).",
      )
      if (!ok) return yield* new Exit({ code: ExitCode.failed, message: "" })
    }),
  )
