/**
 * RuntimeListen — `sip listen` with any transport but UDP alone (tcp, tls, ws, or several at once) over
 * @sipkit/transport-node's endpoint: the same answers as the UDP listener (engine/Uas.ts) written as the runtime's
 * handlers — INVITE 180/183 then 200 with an SDP answer or `--answer`, CANCEL → 487 by the stack, BYE 200,
 * OPTIONS 200, MESSAGE 200, REGISTER through the runtime's registrarHandler (@sipkit/fsm/registrar), other methods
 * 501 (the stack's defaults). Loaded only for those transports. `--proxy` stays UDP-only (the CLI's engine runs
 * @sipkit/fsm/proxy; the runtime's own proxy does not Record-Route yet).
 *
 * Ports: udp and tcp share `--port`; tls takes port + 1 and ws port + 2 (all random with `--port 0`).
 */
import { performance } from "node:perf_hooks"
import type { Request } from "@sipkit/codec"
import { getHeaderValues } from "@sipkit/codec"
import { makeRegistrarConfig } from "@sipkit/fsm/registrar"
import {
  cryptoIdsLayer,
  type Decision,
  type Handlers,
  later,
  makeEndpoint,
  memoryLocation,
  nodeDnsLayer,
  type RequestContext,
  registrarHandler,
  respond,
} from "@sipkit/transport-node"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Exit, ExitCode } from "../ExitCode.js"
import { answerOffer, defaultOffer } from "../engine/Media.js"
import { localLanes } from "../Ladder.js"
import { makeOutput } from "../Output.js"
import { formatHostPort } from "../options/Common.js"
import type { ListenOptions } from "../options/ListenOptions.js"
import { traceWire } from "./RuntimeSend.js"

const kinds = { udp: "UDP", tcp: "TCP", tls: "TLS", ws: "WS" } as const
const offsets = { udp: 0, tcp: 0, tls: 1, ws: 2 } as const

const textDecoder = new TextDecoder()

const offerOf = (request: Request): string | undefined => {
  const type = (getHeaderValues(request, "Content-Type")[0] ?? "").toLowerCase()
  return request.body.length > 0 && type.startsWith("application/sdp")
    ? textDecoder.decode(request.body)
    : undefined
}

interface Tally {
  requests: Record<string, number>
  callsAnswered: number
  callsRejected: number
  callsCancelled: number
}

const invite =
  (options: ListenOptions, tally: Tally) =>
  (request: Request, ctx: RequestContext): Effect.Effect<Decision, unknown> =>
    Effect.gen(function* () {
      const offer = offerOf(request)
      const negotiated = offer === undefined ? undefined : answerOffer(offer, options.host)
      if (negotiated?._tag === "Reject") {
        tally.callsRejected++
        return respond(
          negotiated.status,
          negotiated.warning === undefined ? {} : { headers: [["Warning", negotiated.warning]] },
        )
      }
      const sdp = negotiated?.sdp ?? defaultOffer(options.host)
      if (ctx.toTag === undefined) return respond(200, { body: sdp, contentType: "application/sdp" })
      if (options.earlyMedia) yield* ctx.respond(183, { body: sdp, contentType: "application/sdp" })
      else yield* ctx.respond(180)
      if (options.ringMs > 0) {
        const cancelled = yield* Deferred.await(ctx.cancelled).pipe(
          Effect.as(true),
          Effect.timeoutOption(Duration.millis(options.ringMs)),
        )
        if (cancelled._tag === "Some") {
          tally.callsCancelled++
          return later()
        }
      }
      if (options.answer >= 300) {
        tally.callsRejected++
        return respond(options.answer)
      }
      tally.callsAnswered++
      return respond(200, { body: sdp, contentType: "application/sdp" })
    })

const handlersFor = (options: ListenOptions, tally: Tally): Handlers => {
  const registrar = makeRegistrarConfig({
    domains: [options.host, options.realm, "localhost", "127.0.0.1"].map((d) => d.toLowerCase()),
    minExpires: 1,
  })
  const location = memoryLocation()
  return {
    invite: invite(options, tally),
    message: () => Effect.succeed(respond(200)),
    ...(options.registrar ? { register: registrarHandler(registrar, location) } : {}),
  }
}

export const runRuntimeListen = (options: ListenOptions, transports: ReadonlyArray<keyof typeof kinds>) =>
  Effect.scoped(
    Effect.gen(function* () {
      if (options.users.size > 0)
        return yield* new Exit({
          code: ExitCode.usage,
          message: "sip listen: --user (digest) is only supported with --transport udp yet",
        })
      const tally: Tally = { requests: {}, callsAnswered: 0, callsRejected: 0, callsCancelled: 0 }
      const sip = yield* makeEndpoint(
        {
          listeners: transports.map((t) => ({
            transport: kinds[t],
            host: options.host,
            port: options.port === 0 ? 0 : options.port + offsets[t],
            ...(options.cert === undefined ? {} : { certFile: options.cert }),
            ...(options.key === undefined ? {} : { keyFile: options.key }),
          })),
          logMessages: false,
          userAgent: "sipkit-cli/0.1.0",
        },
        handlersFor(options, tally),
      ).pipe(
        Effect.provide(Layer.merge(cryptoIdsLayer, nodeDnsLayer)),
        Effect.mapError(
          (cause) =>
            new Exit({ code: ExitCode.timeout, message: `sip listen: cannot listen: ${String(cause)}` }),
        ),
      )
      const first = sip.listeners[0]
      const local = first === undefined ? "" : formatHostPort(first.local)
      const output = makeOutput({
        json: options.json,
        quiet: options.quiet,
        lanes: localLanes(local, "listen"),
      })
      const t0 = performance.now()
      yield* traceWire(sip, output, () => performance.now() - t0, local)
      const where = sip.listeners
        .map((l) => `${l.transport.toLowerCase()} ${formatHostPort(l.local)}`)
        .join(", ")
      output.note(`sip listen: listening on ${where} (runtime endpoint)`, {
        type: "listening",
        transport: first?.transport.toLowerCase(),
        host: first?.local.host,
        port: first?.local.port,
        listeners: sip.listeners.map((l) => ({ transport: l.transport.toLowerCase(), ...l.local })),
      })
      output.header()
      const signal = yield* Effect.callback<string>((resume) => {
        const onInt = () => resume(Effect.succeed("SIGINT"))
        const onTerm = () => resume(Effect.succeed("SIGTERM"))
        process.once("SIGINT", onInt).once("SIGTERM", onTerm)
        return Effect.sync(() => {
          process.off("SIGINT", onInt).off("SIGTERM", onTerm)
        })
      })
      const stats = yield* sip.stats
      const seconds = (performance.now() - t0) / 1000
      output.note(
        `sip listen: stopped after ${seconds.toFixed(1)} s — in ${JSON.stringify(stats.messagesIn)}, out ${JSON.stringify(stats.messagesOut)}, ${stats.malformed} malformed, ${stats.retransmissions} retransmissions; calls: ${tally.callsAnswered} answered, ${tally.callsCancelled} cancelled, ${tally.callsRejected} rejected`,
        { type: "summary", signal, seconds: Math.round(seconds * 10) / 10, ...stats, ...tally },
      )
      yield* sip.shutdown
    }),
  )
