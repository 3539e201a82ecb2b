/**
 * `sip send METHOD URI` — a UAC that follows the whole exchange and prints its ladder: on @sipkit/transport-node
 * (runtime/RuntimeSend.ts) for every transport, except what `needsEngine` names (engine/Uac.ts over the CLI's UDP
 * endpoint). With `--count N --rate R` it is a small load generator: a progress bar on a terminal and a
 * summary (calls per second, response-time percentiles, failures by status).
 *
 * Exit: 0 every exchange ended 2xx (and a clean BYE / an asked-for CANCEL), 1 some final response was not,
 * 2 a timeout or transport error, 64 usage (checked before this runs), 66 --body/--sdp file unreadable.
 */
import { readFile } from "node:fs/promises"
import { performance } from "node:perf_hooks"
import { makeResponse } from "@sipkit/codec"
import * as Effect from "effect/Effect"
import { Exit, ExitCode } from "../ExitCode.js"
import { type Endpoint, makeEndpoint } from "../engine/Endpoint.js"
import { outcomeExit, runExchange, type UacOutcome, type UacPlan } from "../engine/Uac.js"
import { openUdp } from "../engine/Udp.js"
import { firstLine, localLanes } from "../Ladder.js"
import { defaultOffer } from "../Media.js"
import { makeOutput, type Output } from "../Output.js"
import { formatHostPort } from "../options/Common.js"
import type { SendOptions } from "../options/SendOptions.js"
import { runRuntimeSend } from "../runtime/RuntimeSend.js"
import { percentile, type SendSummary, summaryText } from "./SendSummary.js"

const readBody = (options: SendOptions, localHost: string): Effect.Effect<UacPlan["body"], Exit> => {
  const body = options.body
  if (body === undefined)
    return Effect.succeed(
      options.method === "INVITE"
        ? { bytes: new TextEncoder().encode(defaultOffer(localHost)), contentType: "application/sdp" }
        : undefined,
    )
  return Effect.tryPromise({
    try: async () => ({ bytes: new Uint8Array(await readFile(body.file)), contentType: body.contentType }),
    catch: (cause) =>
      new Exit({
        code: ExitCode.noInput,
        message: `sip send: cannot read ${body.file}: ${cause instanceof Error ? cause.message : String(cause)}`,
      }),
  })
}

const toPlan = (options: SendOptions, body: UacPlan["body"]): UacPlan => ({
  method: options.method,
  uri: options.uri,
  target: options.target,
  from: options.from,
  to: options.to,
  headers: options.headers,
  body,
  proxy: options.proxy,
  credentials: options.credentials,
  timeoutMs: options.timeoutMs,
  hangupAfterMs: options.hangupAfterMs,
  cancelAfterMs: options.cancelAfterMs,
  expires: options.expires,
})

const resultNote = (output: Output, outcome: UacOutcome) => {
  const exit = outcomeExit(outcome)
  const ms = Math.round(outcome.ms * 10) / 10
  if (outcome._tag === "Timeout")
    return output.note(`✗ ${outcome.note} after ${ms} ms`, {
      type: "result",
      outcome: "timeout",
      ms,
      note: outcome.note,
      exit,
    })
  const status = outcome.response.status
  const head = `${outcome.ok ? "✓" : "✗"} ${firstLine(outcome.response)} after ${ms} ms`
  output.note(outcome.note === "" ? head : `${head} — ${outcome.note}`, {
    type: "result",
    outcome: outcome.ok ? "ok" : "failed",
    status,
    reason: outcome.response.reason,
    ms,
    note: outcome.note,
    exit,
  })
}

const progress = (done: number, total: number) => {
  if (process.stderr.isTTY !== true) return
  const width = 30
  const filled = Math.round((done / total) * width)
  process.stderr.write(`\r[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total}`)
  if (done === total) process.stderr.write("\n")
}

/** Starts `count` exchanges at `rate` per second, all on one endpoint, and gathers their outcomes. */
const runLoad = async (
  count: number,
  rate: number,
  run: () => Promise<UacOutcome>,
): Promise<{ outcomes: Array<UacOutcome>; elapsedMs: number }> => {
  const begin = performance.now()
  const outcomes: Array<UacOutcome> = []
  const running: Array<Promise<void>> = []
  for (let i = 0; i < count; i++) {
    const due = begin + (i * 1000) / rate
    const wait = due - performance.now()
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait))
    running.push(
      run().then((outcome) => {
        outcomes.push(outcome)
        progress(outcomes.length, count)
      }),
    )
  }
  await Promise.all(running)
  return { outcomes, elapsedMs: performance.now() - begin }
}

const summarize = (outcomes: ReadonlyArray<UacOutcome>, elapsedMs: number): SendSummary => {
  const times = outcomes.flatMap((o) => (o._tag === "Final" ? [o.ms] : [])).sort((a, b) => a - b)
  const failures: Record<string, number> = {}
  for (const o of outcomes) {
    if (outcomeExit(o) === 0) continue
    const key = o._tag === "Timeout" ? "timeout" : String(o.response.status)
    failures[key] = (failures[key] ?? 0) + 1
  }
  return {
    type: "summary",
    requests: outcomes.length,
    ok: outcomes.filter((o) => outcomeExit(o) === 0).length,
    elapsedMs: Math.round(elapsedMs),
    perSecond: Math.round((outcomes.length / Math.max(elapsedMs, 1)) * 1000 * 10) / 10,
    p50: percentile(times, 0.5),
    p90: percentile(times, 0.9),
    p99: percentile(times, 0.99),
    max: times[times.length - 1],
    failures,
  }
}

/**
 * What still runs on the CLI's engine (UDP only) until the runtime can do it: an outbound proxy (the runtime's
 * client does not send to a preloaded Route), and an INVITE with `--to` or its own `Contact` (the runtime's `call`
 * writes both itself).
 */
const needsEngine = (options: SendOptions): boolean =>
  options.proxy !== undefined ||
  (options.transport === "udp" &&
    options.method === "INVITE" &&
    (options.to !== undefined || options.headers.some(([name]) => /^(contact|m)$/i.test(name))))

export const runSend = (options: SendOptions): Effect.Effect<void, Exit> =>
  Effect.scoped(
    Effect.gen(function* () {
      if (!needsEngine(options)) {
        const body = yield* readBody(options, options.bind.host)
        return yield* runRuntimeSend(options, body)
      }
      const socket = yield* openUdp(options.bind.host, options.bind.port)
      const body = yield* readBody(options, socket.local.host)
      const plan = toPlan(options, body)
      const load = options.count > 1
      const output = makeOutput({
        json: options.json,
        quiet: load,
        lanes: localLanes(formatHostPort(socket.local)),
      })
      const t0 = performance.now()
      const now = () => performance.now() - t0
      // A request for us (a BYE from the far end, an OPTIONS ping) is answered so the peer is not left waiting.
      const endpoint: Endpoint = makeEndpoint({
        socket,
        now,
        trace: output.event,
        handlers: {
          onRequest: (request, _remote, key) =>
            endpoint.respond(
              key,
              makeResponse(request, request.method === "BYE" || request.method === "OPTIONS" ? 200 : 501),
            ),
          onAck: () => {},
          onStrayResponse: () => {},
        },
      })
      yield* Effect.addFinalizer(() => Effect.sync(endpoint.close))
      output.header()
      if (!load) {
        const outcome = yield* Effect.promise(() => runExchange(endpoint, plan, now))
        resultNote(output, outcome)
        const code = outcomeExit(outcome)
        if (code !== 0) return yield* new Exit({ code, message: "" })
        return
      }
      const { outcomes, elapsedMs } = yield* Effect.promise(() =>
        runLoad(options.count, options.rate, () => runExchange(endpoint, plan, now)),
      )
      const summary = summarize(outcomes, elapsedMs)
      output.note(summaryText(summary, options.method), summary)
      const codes = outcomes.map(outcomeExit)
      const code = codes.includes(2) ? ExitCode.timeout : codes.includes(1) ? ExitCode.failed : ExitCode.ok
      if (code !== 0) return yield* new Exit({ code, message: "" })
    }),
  )
