/**
 * RuntimeListen — `sip listen` over @sipkit/transport-node's endpoint, on any set of transports (udp, tcp, tls,
 * ws): what it answers is written as the runtime's handlers (RFC 3261 §8.2, §13.3, §9.2, §10.3):
 * - a request that fails the §8.2 checks → the status the codec names (400, 416 …) with a Warning, a Require we do
 *   not support → 420 with Unsupported (§8.2.2.3): both by the runtime's UA core, once, before any handler runs;
 * - OPTIONS → 200 with Allow, Accept, Supported; MESSAGE → 200; BYE / INFO / UPDATE in a dialog → 200, else 481;
 * - INVITE → 180 (or 183 with the SDP answer), after `--ring-ms` 200 with an SDP answer negotiated from the offer
 *   (488 when nothing matches) or `--answer`; Record-Route copied (§12.1.1); the stack retransmits the 2xx until
 *   the ACK (§13.3.1.4) and answers CANCEL with 200 + 487 (§9.2);
 * - REGISTER → with `--registrar` the runtime's registrarHandler (@sipkit/fsm/registrar, digest for `--user`),
 *   else 405; SUBSCRIBE, NOTIFY, REFER, PUBLISH, PRACK → 405; unknown methods → 501, both with Allow (by the
 *   runtime's UA core: no handler is given for them), the same Allow as in the 180 and 200 to an INVITE.
 * - with `--proxy` (RFC 3261 §16, by the runtime's `proxyByLocation`, i.e. @sipkit/fsm/proxy): a request whose
 *   Request-URI is an AOR with live bindings, or that names us in a preloaded Route (we are its outbound proxy), is
 *   forwarded to the bindings — Record-Route, forking, CANCEL of the losing branches; REGISTER stays with the
 *   registrar. In-dialog requests and ACKs along our Record-Route are passed on by the runtime itself.
 *
 * Ports: udp and tcp share `--port`; tls takes port + 1 and ws port + 2 (all random with `--port 0`).
 * With `--quiet` nothing is done per message beyond the runtime's own work (no wire subscription).
 */
import { performance } from "node:perf_hooks"
import { getHeader, getHeaderValues, getToTag, headerKey, type Request } from "@sipkit/codec"
import { canonicalAor, makeDigestAuthenticator, makeRegistrarConfig } from "@sipkit/fsm/registrar"
import { knownMethods } from "@sipkit/fsm/ua"
import {
  cryptoIds,
  cryptoIdsLayer,
  type Decision,
  type Handler,
  type Handlers,
  type LocationShape,
  later,
  makeEndpoint,
  memoryLocation,
  proxyByLocation,
  type RequestContext,
  registrarHandler,
  respond,
} from "@sipkit/transport-node"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Exit, ExitCode } from "../ExitCode.js"
import { localLanes } from "../Ladder.js"
import { answerOffer, defaultOffer } from "../Media.js"
import { makeOutput } from "../Output.js"
import { formatHostPort } from "../options/Common.js"
import type { ListenOptions } from "../options/ListenOptions.js"
import { dnsLayerFor } from "./Dns.js"
import { kinds, traceWire } from "./RuntimeSend.js"

const offsets = { udp: 0, tcp: 0, tls: 1, ws: 2 } as const

export const allowed = ["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "MESSAGE", "INFO", "UPDATE"]

const textDecoder = new TextDecoder()

/** The SDP offer's bytes, when the request carries one. */
const offerOf = (request: Request): Uint8Array | undefined => {
  if (request.body.length === 0) return undefined
  const type = (getHeader(request, "Content-Type") ?? "").toLowerCase()
  return type.startsWith("application/sdp") ? request.body : undefined
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** What the handlers count (the runtime counts messages; these are calls and registrations). */
export interface Tally {
  callsAnswered: number
  callsRejected: number
  callsCancelled: number
  callsEnded: number
  registrations: number
}

/** A tally with nothing counted yet. */
export const newTally = (): Tally => ({
  callsAnswered: 0,
  callsRejected: 0,
  callsCancelled: 0,
  callsEnded: 0,
  registrations: 0,
})

/** §12.1.1: "The UAS MUST copy all Record-Route header field values from the request into the response". One
 * shared empty list when there are none (most calls): no array is made for them. */
const recordRoutes = (request: Request): ReadonlyArray<readonly [string, string]> => {
  let routes: Array<readonly [string, string]> | undefined
  const headers = request.headers
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i] as (typeof headers)[number]
    if (headerKey(h.name) === "record-route") (routes ??= []).push(["Record-Route", h.value])
  }
  return routes ?? noRoutes
}
const noRoutes: ReadonlyArray<readonly [string, string]> = []

/**
 * An answered call's name in the ACK watch: our To tag (§8.2.6.2: fresh for each call, so it names the call among
 * ours). The INVITE's context holds it (`ctx.toTag`); the ACK of the 2xx carries it as its To tag (§13.2.2.4: the
 * ACK is in the dialog) — one parameter read, where a Call-ID and From tag joined into a new string were before.
 */
const ackedTag = (request: Request): string => {
  const tag = getToTag(request)
  return tag._tag === "Ok" ? (tag.value ?? "") : ""
}

/**
 * Answered calls whose ACK has not come (an ACK before our note of the answer is remembered too), in two
 * generations: `rotate`, called every 64·T1, lets the older go and counts its calls as never ACKed — after 64·T1 of
 * 2xx retransmissions no ACK is coming (§13.3.1.4: the runtime ends such a call with a BYE), and a flood of INVITEs
 * never ACKed would otherwise grow the watch for the life of the process.
 */
export type AckWatch = ReturnType<typeof makeAckWatch>

/** How often `sip listen` rotates its ACK watch: 64·T1 (T1 = 500 ms, RFC 3261 Table 4). */
export const ackWatchRotateMs = 64 * 500

export const makeAckWatch = () => {
  let waiting = new Set<string>()
  let older = new Set<string>()
  let early = new Set<string>()
  let olderEarly = new Set<string>()
  let expired = 0
  return {
    answered: (key: string) => void (early.delete(key) || olderEarly.delete(key) || waiting.add(key)),
    acked: (key: string) => void (waiting.delete(key) || older.delete(key) || early.add(key)),
    missing: () => expired + waiting.size + older.size,
    rotate: () => {
      expired += older.size
      older = waiting
      waiting = new Set()
      olderEarly = early
      early = new Set()
    },
    /** keys held (both generations, both kinds): what the watch costs in memory */
    held: () => waiting.size + older.size + early.size + olderEarly.size,
  }
}

/**
 * The answer to the last offer seen: a load generator (SIPp) sends the same offer on every call, and negotiating it
 * (parse, RFC 3264, print) is most of what an INVITE costs this handler.
 */
const makeAnswerer = (host: string) => {
  let last: { readonly offer: Uint8Array; readonly answer: ReturnType<typeof answerOffer> } | undefined
  return (offer: Uint8Array) => {
    // compared as bytes: the same offer is not decoded again (a copy is kept: the body is a view of its datagram)
    if (last === undefined || !sameBytes(last.offer, offer))
      last = { offer: offer.slice(), answer: answerOffer(textDecoder.decode(offer), host) }
    return last.answer
  }
}

/**
 * INVITE: the provisional response goes at once (`ctx.respondNow`); without `--ring-ms` the final one is the
 * handler's answer at once too, so a call answered straight away costs no fiber. With `--ring-ms` the handler waits
 * for that long, or for a CANCEL.
 */
const invite = (options: ListenOptions, tally: Tally, acks: AckWatch) => {
  const answer = makeAnswerer(options.host)
  return (request: Request, ctx: RequestContext): Effect.Effect<Decision, unknown> => {
    const offer = offerOf(request)
    const negotiated = offer === undefined ? undefined : answer(offer)
    if (negotiated?._tag === "Reject") {
      tally.callsRejected++
      return Effect.succeed(
        respond(
          negotiated.status,
          negotiated.warning === undefined ? {} : { headers: [["Warning", negotiated.warning]] },
        ),
      )
    }
    const sdp = negotiated?.sdp ?? defaultOffer(options.host)
    // a re-INVITE in a dialog we know (the stack answered 481 to one we do not)
    const ourTag = ctx.toTag
    if (ourTag === undefined)
      return Effect.succeed(respond(200, { body: sdp, contentType: "application/sdp" }))
    const routes = recordRoutes(request)
    const refused = options.earlyMedia
      ? ctx.respondNow(183, { headers: routes, body: sdp, contentType: "application/sdp" })
      : ctx.respondNow(180, { headers: routes })
    if (refused !== undefined) return Effect.fail(refused)
    const final = (): Decision => {
      if (options.answer >= 300) {
        tally.callsRejected++
        // §21.3: a redirection names where to retry in its Contact
        return options.redirect.length === 0
          ? respond(options.answer)
          : respond(options.answer, { headers: options.redirect.map((uri) => ["Contact", uri] as const) })
      }
      tally.callsAnswered++
      acks.answered(ourTag)
      return respond(200, { headers: routes, body: sdp, contentType: "application/sdp" })
    }
    if (options.ringMs <= 0) return Effect.succeed(final())
    return Effect.gen(function* () {
      const cancelled = yield* Deferred.await(ctx.cancelled).pipe(
        Effect.as(true),
        Effect.timeoutOption(Duration.millis(options.ringMs)),
      )
      if (cancelled._tag === "Some") {
        tally.callsCancelled++
        return later() // the stack has answered 487 (§9.2)
      }
      return final()
    })
  }
}

const inDialog =
  (onEnd: () => void): Handler =>
  (_request, ctx) => {
    if (ctx.dialog() === undefined) return Effect.succeed(respond(481))
    onEnd()
    return Effect.succeed(respond(200))
  }

/** The AOR a Request-URI names, as the registrar keys bindings (only a SIP URI with a user part is one). */
const aorOf = (uri: string): string | undefined => {
  if (!/^sips?:[^@;?]+@/i.test(uri)) return undefined
  const aor = canonicalAor(uri)
  return aor._tag === "Ok" ? aor.value : undefined
}

/** `--proxy` (§16): forward what is for a registered AOR, or routed to us as an outbound proxy; else `handler`. */
const proxying =
  (location: LocationShape, domains: ReadonlyArray<string>, handler: Handler): Handler =>
  (request, ctx) =>
    Effect.gen(function* () {
      const aor = aorOf(request.uri)
      const bound = aor === undefined ? [] : yield* location.lookup(aor, yield* Clock.currentTimeMillis)
      if (bound.length > 0 || getHeaderValues(request, "Route").length > 0)
        return proxyByLocation(location, domains)
      return yield* handler(request, ctx)
    })

/** What `sip listen` answers, as the runtime's handlers (also the parties of `sip demo`). */
export const handlersFor = (
  options: ListenOptions,
  tally: Tally,
  acks: AckWatch = makeAckWatch(),
): Handlers => {
  const allow: ReadonlyArray<readonly [string, string]> = [
    ["Allow", [...allowed, ...(options.registrar ? ["REGISTER"] : [])].join(", ")],
  ]
  const domains = [
    ...new Set(
      [options.host, options.realm, "localhost", "127.0.0.1", "::1", "[::1]"].map((d) => d.toLowerCase()),
    ),
  ]
  // 128 random bits: two tags of transport-node's ids (the registrar's nonces are keyed with it)
  const nonceSecret = cryptoIds.tag() + cryptoIds.tag()
  const registrar = makeRegistrarConfig({
    domains,
    minExpires: 1,
    authenticator: () =>
      options.users.size === 0
        ? undefined
        : makeDigestAuthenticator({
            realm: options.realm,
            nonceSecret,
            lookup: (user) => {
              const password = options.users.get(user)
              return password === undefined ? undefined : { password }
            },
          }),
  })
  const location = memoryLocation()
  const registerFsm = registrarHandler(registrar, location)
  const register: Handler = (request, ctx) =>
    registerFsm(request, ctx).pipe(
      Effect.tap((decision) =>
        Effect.sync(() => {
          if (decision._tag === "Reply" && decision.response.status < 300) tally.registrations++
        }),
      ),
    )
  const notHandled: Handler = (request) =>
    // §8.2.1, as the runtime's UA core answers without --proxy: 405 to a method of the SIP RFCs, 501 to another
    Effect.succeed(respond(knownMethods.includes(request.method) ? 405 : 501, { headers: allow }))
  const ok: Handler = () => Effect.succeed(respond(200))
  // no handler for what sip listen does not take (SUBSCRIBE, NOTIFY, REFER, PRACK, PUBLISH; REGISTER without
  // --registrar; unknown methods): the runtime's UA core answers those, 405 or 501 with the Allow it also puts in
  // its 180 and 200 — the methods with a handler here. With --proxy a fallback forwards any method to a registered
  // AOR (else 405 or 501 with the same Allow)
  const handlers: Record<string, Handler> = {
    invite: invite(options, tally, acks),
    bye: inDialog(() => tally.callsEnded++),
    info: inDialog(() => {}),
    update: inDialog(() => {}),
    options: () =>
      // Supported: what the runtime's UA core puts in its own dialog-creating responses (RFC 3891 Replaces)
      Effect.succeed(
        respond(200, { headers: [...allow, ["Accept", "application/sdp"], ["Supported", "replaces"]] }),
      ),
    message: ok,
    ...(options.registrar ? { register } : {}),
    ...(options.proxy ? { fallback: notHandled } : {}),
  }
  const wrap = (name: string, handler: Handler): Handler =>
    options.proxy && name !== "register" ? proxying(location, domains, handler) : handler
  return {
    ...(Object.fromEntries(
      Object.entries(handlers).map(([name, handler]) => [name, wrap(name, handler)]),
    ) as Omit<Handlers, "ack">),
    // noted when the runtime hands the ACK over; an answer that is already there (`Effect.void`) costs no fiber
    ack: (request) => {
      acks.acked(ackedTag(request))
      return Effect.void
    },
  }
}

/** Resolves with the signal's name at the first SIGINT or SIGTERM. */
export const interrupted = Effect.callback<string>((resume) => {
  const onInt = () => resume(Effect.succeed("SIGINT"))
  const onTerm = () => resume(Effect.succeed("SIGTERM"))
  process.once("SIGINT", onInt).once("SIGTERM", onTerm)
  return Effect.sync(() => {
    process.off("SIGINT", onInt).off("SIGTERM", onTerm)
  })
})

export const describeMode = (options: ListenOptions): string => {
  const invite =
    options.answer === 200
      ? `INVITE → ${options.earlyMedia ? "183+SDP" : "180"}${options.ringMs > 0 ? ` (${options.ringMs} ms)` : ""} → 200+SDP`
      : `INVITE → ${options.answer}`
  const registrar = options.registrar
    ? `registrar${options.users.size > 0 ? ` (digest, realm ${options.realm}, ${options.users.size} users)` : " (open)"}`
    : "no registrar"
  return `${invite}; ${registrar}${options.proxy ? "; proxy for registered AORs (Record-Route)" : ""}`
}

const split = (table: Readonly<Record<string, number>>) => {
  const requests: Record<string, number> = {}
  const responses: Record<string, number> = {}
  for (const [label, n] of Object.entries(table)) (/^\d+$/.test(label) ? responses : requests)[label] = n
  return { requests, responses }
}

const list = (table: Record<string, number>) =>
  Object.entries(table)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ") || "none"

export const runRuntimeListen = (options: ListenOptions) =>
  Effect.scoped(
    Effect.gen(function* () {
      const tally = newTally()
      const acks = makeAckWatch()
      yield* Effect.sleep(Duration.millis(ackWatchRotateMs)).pipe(
        Effect.andThen(Effect.sync(acks.rotate)),
        Effect.forever,
        Effect.forkScoped,
      )
      const dns = yield* dnsLayerFor("sip listen", options.dns)
      const sip = yield* makeEndpoint(
        {
          listeners: options.transports.map((t) => ({
            transport: kinds[t],
            host: options.host,
            port: options.port === 0 ? 0 : options.port + offsets[t],
            ...(options.cert === undefined ? {} : { certFile: options.cert }),
            ...(options.key === undefined ? {} : { keyFile: options.key }),
          })),
          user: "listen",
          logMessages: false,
          userAgent: "sipkit-cli/0.1.0",
          supported: [],
        },
        handlersFor(options, tally, acks),
      ).pipe(
        Effect.provide(Layer.merge(cryptoIdsLayer, dns)),
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
      if (!options.quiet) yield* traceWire(sip, output, () => performance.now() - t0, local)
      const where = sip.listeners
        .map((l) => `${l.transport.toLowerCase()} ${formatHostPort(l.local)}`)
        .join(", ")
      output.note(`sip listen: listening on ${where} — ${describeMode(options)}`, {
        type: "listening",
        transport: first?.transport.toLowerCase(),
        host: first?.local.host,
        port: first?.local.port,
        listeners: sip.listeners.map((l) => ({ transport: l.transport.toLowerCase(), ...l.local })),
      })
      output.header()
      const signal = yield* interrupted
      const stats = yield* sip.stats
      const seconds = (performance.now() - t0) / 1000
      const { requests } = split(stats.messagesIn)
      const { responses } = split(stats.messagesOut)
      const acksMissing = acks.missing()
      const inCount = Object.values(stats.messagesIn).reduce((a, b) => a + b, 0)
      const outCount = Object.values(stats.messagesOut).reduce((a, b) => a + b, 0)
      output.note(
        [
          `sip listen: stopped after ${seconds.toFixed(1)} s — ${inCount} messages in, ${outCount} out, ${stats.malformed} malformed, ${stats.retransmissions} retransmissions sent`,
          `  requests received: ${list(requests)}`,
          `  responses sent: ${list(responses)}`,
          `  calls: ${tally.callsAnswered} answered, ${tally.callsEnded} ended by BYE, ${tally.callsCancelled} cancelled, ${tally.callsRejected} rejected, ${acksMissing} without ACK; registrations: ${tally.registrations}`,
        ].join("\n"),
        {
          type: "summary",
          signal,
          seconds: Math.round(seconds * 10) / 10,
          ...stats,
          requests,
          responses,
          ...tally,
          acksMissing,
        },
      )
      yield* sip.shutdown
    }),
  )
