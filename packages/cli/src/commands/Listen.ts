/**
 * `sip listen` — a SIP element. On @sipkit/transport-node (runtime/RuntimeListen.ts) for any set of transports but
 * udp alone; udp alone and `--proxy` still run on the CLI's engine (engine/Uas.ts and engine/Proxy.ts over one UDP
 * socket) until the runtime can do them (see docs/cli.md). Prints one start line (`listening on udp HOST:PORT`, or a
 * `{"type":"listening"}` object — the port is the real one when `--port 0`), the ladder of every message unless
 * `--quiet`, and on SIGINT/SIGTERM a summary; then exits 0.
 */
import { performance } from "node:perf_hooks"
import type { SipMessage } from "@sipkit/codec"
import * as Effect from "effect/Effect"
import type { Exit } from "../ExitCode.js"
import { type Endpoint, makeEndpoint } from "../engine/Endpoint.js"
import { makeProxyCore } from "../engine/Proxy.js"
import { makeUas, type UasStats } from "../engine/Uas.js"
import { openUdp } from "../engine/Udp.js"
import { localLanes } from "../Ladder.js"
import { makeOutput } from "../Output.js"
import { formatHostPort } from "../options/Common.js"
import type { ListenOptions } from "../options/ListenOptions.js"
import { runRuntimeListen } from "../runtime/RuntimeListen.js"

/** Resolves with the signal's name at the first SIGINT or SIGTERM. */
const interrupted = Effect.callback<string>((resume) => {
  const on = (signal: string) => () => resume(Effect.succeed(signal))
  const onInt = on("SIGINT")
  const onTerm = on("SIGTERM")
  process.once("SIGINT", onInt).once("SIGTERM", onTerm)
  return Effect.sync(() => {
    process.off("SIGINT", onInt).off("SIGTERM", onTerm)
  })
})

const describeMode = (options: ListenOptions): string => {
  const invite =
    options.answer === 200
      ? `INVITE → ${options.earlyMedia ? "183+SDP" : "180"}${options.ringMs > 0 ? ` (${options.ringMs} ms)` : ""} → 200+SDP`
      : `INVITE → ${options.answer}`
  const registrar = options.registrar
    ? `registrar${options.users.size > 0 ? ` (digest, realm ${options.realm}, ${options.users.size} users)` : " (open)"}`
    : "no registrar"
  return `${invite}; ${registrar}${options.proxy ? "; proxy for registered AORs (Record-Route)" : ""}`
}

const summaryText = (stats: UasStats, endpoint: Endpoint, seconds: number): string => {
  const list = (table: Record<string, number>) =>
    Object.entries(table)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ") || "none"
  const c = endpoint.counters
  return [
    `sip listen: stopped after ${seconds.toFixed(1)} s — ${c.messagesIn} messages in, ${c.messagesOut} out, ${c.malformed} malformed, ${c.retransmissions} retransmissions received`,
    `  requests: ${list(stats.requests)}`,
    `  responses sent: ${list(stats.responses)}`,
    `  calls: ${stats.callsAnswered} answered, ${stats.callsEnded} ended by BYE, ${stats.callsCancelled} cancelled, ${stats.callsRejected} rejected, ${stats.acksMissing} without ACK; registrations: ${stats.registrations}`,
  ].join("\n")
}

export const runListen = (options: ListenOptions): Effect.Effect<void, Exit> =>
  Effect.scoped(
    Effect.gen(function* () {
      // UDP alone stays on the CLI's engine for now: the runtime answers a request it cannot route (no Call-ID …)
      // statelessly with the parse error as its reason phrase, where §8.2 tests expect "400 Bad Request"; and under
      // SIPp load it falls behind well before the engine does (docs/cli.md).
      if (!options.proxy && options.transports.some((t) => t !== "udp"))
        return yield* runRuntimeListen(options)
      const socket = yield* openUdp(options.host, options.port)
      const local = formatHostPort(socket.local)
      const output = makeOutput({
        json: options.json,
        quiet: options.quiet,
        lanes: localLanes(local, "listen"),
      })
      const t0 = performance.now()
      let endpoint: Endpoint | undefined
      const now = () => performance.now() - t0
      const uas = makeUas(() => endpoint as Endpoint, { ...options, port: socket.local.port })
      const proxy = options.proxy
        ? makeProxyCore({ socket, domains: uas.domains, bindings: uas.bindings, trace: output.event, now })
        : undefined
      const divert = (message: SipMessage) => {
        if (proxy === undefined || !proxy.claims(message)) return false
        proxy.receive(message)
        return true
      }
      endpoint = makeEndpoint({ socket, now, trace: output.event, handlers: uas.handlers, divert })
      const opened = endpoint
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          uas.close()
          proxy?.close()
          opened.close()
        }),
      )
      output.note(`sip listen: listening on udp ${local} — ${describeMode(options)}`, {
        type: "listening",
        transport: "udp",
        host: socket.local.host,
        port: socket.local.port,
      })
      output.header()
      const signal = yield* interrupted
      const seconds = (performance.now() - t0) / 1000
      output.note(summaryText(uas.stats, opened, seconds), {
        type: "summary",
        signal,
        seconds: Math.round(seconds * 10) / 10,
        ...opened.counters,
        ...uas.stats,
      })
    }),
  )
