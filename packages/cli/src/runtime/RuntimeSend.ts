/**
 * RuntimeSend — `sip send --transport tcp|tls|ws` over @sipkit/transport-node's endpoint (`request`, `call`,
 * `register`; its `wire` stream feeds the ladder). Loaded only for those transports (UDP stays on the CLI's own
 * endpoint, engine/, which also carries --proxy and --count).
 *
 * Exit codes as for UDP: 0 a 2xx (and a clean BYE where asked; a 487 after an asked-for CANCEL), 1 another final
 * response, 2 a timeout or transport failure.
 */
import { performance } from "node:perf_hooks"
import {
  type CallEvent,
  cryptoIdsLayer,
  type EndpointShape,
  makeEndpoint,
  nodeDnsLayer,
  type WireEvent,
} from "@sipkit/transport-node"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import { Exit, ExitCode } from "../ExitCode.js"
import type { LadderEvent } from "../Ladder.js"
import { localLanes } from "../Ladder.js"
import { makeOutput, type Output } from "../Output.js"
import { formatHostPort } from "../options/Common.js"
import type { SendOptions } from "../options/SendOptions.js"

export type RuntimeTransport = "tcp" | "tls" | "ws"

const kind = (transport: RuntimeTransport) =>
  transport === "tcp" ? "TCP" : transport === "tls" ? "TLS" : "WS"

/** The Request-URI with `;transport=` so the runtime's RFC 3263 step picks the transport (§18.1.1 … §26.2). */
export const withTransport = (uri: string, transport: RuntimeTransport): string =>
  /;transport=/i.test(uri) ? uri : `${uri};transport=${transport}`

/**
 * A wire event of the runtime as a ladder event. The local side is always `local` (the listener's address): on a
 * stream transport the connection's own port differs from it, and the ladder has one lane for this endpoint.
 */
export const ladderEvent =
  (now: () => number, local: string) =>
  (event: WireEvent): LadderEvent => {
    const remote = `${formatHostPort(event.remote)}${event.transport === "UDP" ? "" : `/${event.transport.toLowerCase()}`}`
    return event.direction === "out"
      ? { at: now(), from: local, to: remote, message: event.message }
      : { at: now(), from: remote, to: local, message: event.message }
  }

/** Starts printing the endpoint's wire events; returns once the subscription is live. */
export const traceWire = (sip: EndpointShape, output: Output, now: () => number, local: string) =>
  Effect.gen(function* () {
    const ready = yield* Deferred.make<void>()
    yield* Stream.runForEach(
      Stream.concat(Stream.fromEffect(Deferred.succeed(ready, undefined)).pipe(Stream.drain), sip.wire),
      (event) => Effect.sync(() => output.event(ladderEvent(now, local)(event))),
    ).pipe(Effect.forkScoped)
    yield* Deferred.await(ready)
    yield* Effect.sleep(Duration.millis(10))
  })

interface Result {
  readonly exit: 0 | 1 | 2
  readonly status: number | undefined
  readonly text: string
}

const finalResult = (status: number, reason: string, note: string, wanted = status < 300): Result => ({
  exit: wanted ? 0 : 1,
  status,
  text: `SIP/2.0 ${status} ${reason}${note === "" ? "" : ` — ${note}`}`,
})

const timeoutResult = (note: string): Result => ({ exit: 2, status: undefined, text: note })

/** An INVITE followed through the call handle's events. */
const runCall = (sip: EndpointShape, options: SendOptions, target: string, offer: string | undefined) =>
  Effect.gen(function* () {
    const call = yield* sip.call(target, offer, {
      from: options.from,
      headers: options.headers,
      credentials:
        options.credentials === undefined
          ? undefined
          : { username: options.credentials.user, password: options.credentials.password },
    })
    const events = yield* Queue.unbounded<CallEvent>()
    yield* Stream.runForEach(call.events, (event) => Queue.offer(events, event)).pipe(Effect.forkScoped)
    let cancelled = false
    if (options.cancelAfterMs !== undefined)
      yield* Effect.sleep(Duration.millis(options.cancelAfterMs)).pipe(
        Effect.andThen(Effect.sync(() => (cancelled = true))),
        Effect.andThen(call.cancel),
        Effect.forkScoped,
      )
    for (;;) {
      const event = yield* Queue.take(events)
      switch (event._tag) {
        case "Trying":
        case "Ringing":
        case "EarlyMedia":
          continue
        case "Failed":
          return event.status === 487 && cancelled
            ? finalResult(event.status, event.reason, "call cancelled as asked", true)
            : finalResult(event.status, event.reason, "")
        case "Ended":
          return timeoutResult(`call ended (${event.by}): ${event.reason}`)
        case "Answered": {
          const status = event.response.status
          if (options.hangupAfterMs === undefined && !cancelled)
            return finalResult(
              status,
              event.response.reason,
              "call answered (no BYE: --hangup-after-ms not given)",
            )
          yield* Effect.sleep(Duration.millis(cancelled ? 0 : (options.hangupAfterMs ?? 0)))
          yield* call.hangup
          for (;;) {
            const next = yield* Queue.take(events)
            if (next._tag === "Ended")
              return finalResult(status, event.response.reason, `call answered, ended: ${next.reason}`)
          }
        }
      }
    }
  })

const runRequest = (
  sip: EndpointShape,
  options: SendOptions,
  target: string,
  body: Uint8Array | undefined,
  contentType: string | undefined,
) =>
  Effect.gen(function* () {
    const response = yield* sip
      .request(options.method, target, {
        headers: [
          ...options.headers,
          ...(options.expires === undefined ? [] : [["Expires", String(options.expires)] as const]),
        ],
        body,
        contentType,
        from: options.from,
        to: options.to,
        credentials:
          options.credentials === undefined
            ? undefined
            : { username: options.credentials.user, password: options.credentials.password },
      })
      .pipe(Effect.result)
    return response._tag === "Success"
      ? finalResult(response.success.status, response.success.reason, "")
      : response.failure.status === 408 || response.failure.status === 503
        ? timeoutResult(`${response.failure.status} ${response.failure.reason}`)
        : finalResult(response.failure.status, response.failure.reason, "")
  })

export const runRuntimeSend = (
  options: SendOptions,
  transport: RuntimeTransport,
  body: { readonly bytes: Uint8Array; readonly contentType: string } | undefined,
): Effect.Effect<void, Exit> =>
  Effect.scoped(
    Effect.gen(function* () {
      const sip = yield* makeEndpoint(
        {
          listeners: [
            {
              transport: kind(transport),
              host: options.bind.host,
              port: options.bind.port,
              listen: false,
              ...(options.ca === undefined ? {} : { caFile: options.ca }),
              ...(options.cert === undefined ? {} : { certFile: options.cert }),
              ...(options.key === undefined ? {} : { keyFile: options.key }),
            },
          ],
          logMessages: false,
          userAgent: "sipkit-cli/0.1.0",
        },
        {},
      ).pipe(
        Effect.provide(Layer.merge(cryptoIdsLayer, nodeDnsLayer)),
        Effect.mapError(
          (cause) =>
            new Exit({
              code: ExitCode.timeout,
              message: `sip send: cannot start the ${transport} endpoint: ${String(cause)}`,
            }),
        ),
      )
      const listener = sip.listeners[0]
      const local = listener === undefined ? "" : formatHostPort(listener.local)
      const output = makeOutput({ json: options.json, lanes: localLanes(local) })
      const t0 = performance.now()
      const now = () => performance.now() - t0
      yield* traceWire(sip, output, now, local)
      output.header()
      const target = withTransport(options.uri, transport)
      const started = performance.now()
      const run =
        options.method === "INVITE"
          ? runCall(
              sip,
              options,
              target,
              body === undefined ? undefined : new TextDecoder().decode(body.bytes),
            )
          : runRequest(sip, options, target, body?.bytes, body?.contentType)
      const result = yield* run.pipe(
        Effect.timeoutOption(Duration.millis(options.timeoutMs)),
        Effect.map(Option.getOrElse(() => timeoutResult(`no final response within ${options.timeoutMs} ms`))),
      )
      const ms = Math.round((performance.now() - started) * 10) / 10
      output.note(`${result.exit === 0 ? "✓" : "✗"} ${result.text} after ${ms} ms`, {
        type: "result",
        outcome: result.exit === 0 ? "ok" : result.exit === 1 ? "failed" : "timeout",
        ...(result.status === undefined ? {} : { status: result.status }),
        ms,
        note: result.text,
        exit: result.exit,
      })
      yield* Effect.sleep(Duration.millis(20))
      if (result.exit !== 0) return yield* new Exit({ code: result.exit, message: "" })
    }),
  )
