/**
 * Client — the UAC side of the engine: send a request to a URI (RFC 3263 resolution and §4.3 failover, the
 * §18.1.1 transport and Via rules, one client transaction per attempt), answer a Digest challenge once
 * (RFC 3261 §22.2, the codec's `authorize`), and report the outcome.
 *
 * §8.1.3.1: a transaction timeout is reported as 408 and a transport error as 503 (`RequestFailed.status`).
 */
import {
  getHeaderValues,
  getParam,
  parseUri,
  type Request,
  type Response,
  serializeMessage,
} from "@sipkit/codec"
import type { TerminationReason } from "@sipkit/fsm/transaction"
import { fillVia, retryWithCredentials } from "@sipkit/fsm/ua"
import { Data, Deferred, Effect } from "effect"
import { isReliable, type TransportKind } from "../Address.js"
import { resolve, type Target, withFailover } from "../dns/Resolver.js"
import { SipDns } from "../dns/SipDns.js"
import { makeVia, transportForSize, withVia } from "../Routing.js"
import {
  type ClientTxInfo,
  type Core,
  type Destination,
  hasTransport,
  pickListener,
  startTransaction,
} from "./Core.js"
import { runRest } from "./Now.js"
import { uaOf } from "./UaCore.js"

export class RequestFailed extends Data.TaggedError("RequestFailed")<{
  /** 408 (timeout), 503 (transport error, nothing resolvable), 500 (could not build the request). */
  readonly status: number
  readonly reason: string
}> {
  override get message(): string {
    return `${this.status} ${this.reason}`
  }
}

export interface Credentials {
  readonly username: string
  readonly password: string
}

export interface SendOptions {
  /** Called for each provisional response. */
  readonly onProvisional?: ((response: Response) => Effect.Effect<void>) | undefined
  /** Called for each 2xx after the first (forked or retransmitted 2xx to an INVITE, RFC 6026 Accepted). */
  readonly onExtra2xx?: ((response: Response) => Effect.Effect<void>) | undefined
  /** Pin the transport (skips the §18.1.1 MTU switch too). */
  readonly transport?: TransportKind | undefined
  /** §18.1.1 lets an application pin UDP for a large request. */
  readonly noMtuSwitch?: boolean | undefined
  readonly credentials?: Credentials | undefined
  /** Called once the request went out on an attempt (with its Via), e.g. to build a CANCEL (§9.1). */
  readonly onSent?: ((request: Request, destination: Destination) => Effect.Effect<void>) | undefined
  /** The dialog the request belongs to (for the log). */
  readonly dialog?: string | undefined
}

export interface Sent {
  readonly response: Response
  /** The request as it finally went out (Via, CSeq, Authorization included). */
  readonly request: Request
  readonly destination: Destination
}

type Outcome =
  | { readonly _tag: "Final"; readonly response: Response }
  | { readonly _tag: "Ended"; readonly reason: TerminationReason }

const uriTarget = (uri: string) => {
  const parsed = parseUri(uri.startsWith("<") ? uri.slice(1, uri.indexOf(">")) : uri)
  if (parsed._tag === "Err" || parsed.value._tag !== "SipUri") return undefined
  const u = parsed.value
  const maddr = getParam(u.params, "maddr")
  return {
    secure: u.scheme === "sips",
    host: maddr ?? u.host,
    port: u.port,
    transport: getParam(u.params, "transport"),
  }
}

/** RFC 3263 targets for a URI, limited to the transports we have listeners for. */
export const targetsFor = (core: Core, uri: string, pinned?: TransportKind) =>
  Effect.gen(function* () {
    const input = uriTarget(uri)
    if (input === undefined) return []
    const supported = core.listeners
      .map((l) => l.transport.kind)
      .filter((t) => pinned === undefined || t === pinned)
    const targets = yield* resolve(input, [...new Set(supported)]).pipe(
      Effect.provideService(SipDns, core.dns),
    )
    return targets.filter((t) => hasTransport(core, t.transport))
  })

/** One attempt: one client transaction to one target. A request that has its Via (built by the UA core) keeps its
 * branch on the first attempt; every other attempt is a new transaction with a fresh branch (§17.1.3). The
 * transport and sent-by are this send's (§18.1.1). */
const attempt = (core: Core, request: Request, target: Target, options: SendOptions, first: boolean) =>
  Effect.gen(function* () {
    let transport = target.transport
    const listener0 = pickListener(core, transport, target.host)
    if (listener0 === undefined)
      return yield* new RequestFailed({ status: 503, reason: `no ${transport} listener` })
    const own = first && getHeaderValues(request, "Via").length > 0
    const branch = own ? undefined : core.ids.branch()
    const stamp = (kind: TransportKind) => {
      const listener = pickListener(core, kind, target.host)!
      const at = listener.advertised
      return branch === undefined
        ? fillVia(request, kind, at.host.includes(":") ? `[${at.host}]` : at.host, at.port, { rport: true })
        : withVia(request, makeVia(kind, at, branch), getHeaderValues(request, "Via").length > 0)
    }
    const probe = stamp(transport)
    transport =
      options.transport === undefined
        ? transportForSize(transport, serializeMessage(probe).byteLength, {
            mtu: core.config.mtu,
            switchToTcp: core.config.switchToTcp && options.noMtuSwitch !== true,
            tcpAvailable: hasTransport(core, "TCP"),
          })
        : transport
    const sent = transport === target.transport ? probe : stamp(transport)
    const destination: Destination = { transport, host: target.host, port: target.port }
    return yield* runClientTx(core, sent, destination, options)
  })

/** Runs one client transaction for `sent` (its Via already on top) to `destination`, to its final outcome. */
export const runClientTx = (core: Core, sent: Request, destination: Destination, options: SendOptions = {}) =>
  Effect.gen(function* () {
    const done = yield* Deferred.make<Outcome>()
    let finals = 0
    const info: Omit<ClientTxInfo, "tx" | "timers"> = {
      side: "client",
      request: sent,
      destination,
      onResponse: (response) => {
        if (response.status < 200) return options.onProvisional?.(response) ?? Effect.void
        finals += 1
        if (finals === 1) return Deferred.succeed(done, { _tag: "Final", response }).pipe(Effect.asVoid)
        return response.status < 300 ? (options.onExtra2xx?.(response) ?? Effect.void) : Effect.void
      },
      onEnd: (reason) => Deferred.succeed(done, { _tag: "Ended", reason }).pipe(Effect.asVoid),
      dialog: options.dialog,
    }
    const started = startTransaction(core, "client", sent, undefined, info, {
      reliable: isReliable(destination.transport),
      timers: core.config.timers,
    })
    if ("_tag" in started) {
      return yield* new RequestFailed({
        status: 500,
        reason: `cannot start a transaction: ${JSON.stringify(started)}`,
      })
    }
    yield* runRest(started.rest)
    if (options.onSent !== undefined) yield* options.onSent(sent, destination)
    const outcome = yield* Deferred.await(done)
    if (outcome._tag === "Final")
      return { response: outcome.response, request: sent, destination } satisfies Sent
    const reason = outcome.reason
    switch (reason._tag) {
      case "Timeout":
        return yield* new RequestFailed({ status: 408, reason: `Request Timeout (Timer ${reason.timer})` })
      case "TransportError":
        return yield* new RequestFailed({ status: 503, reason: `transport error: ${reason.reason}` })
      case "Normal":
        return yield* new RequestFailed({ status: 500, reason: "transaction ended without a final response" })
    }
  })

/**
 * Sends `request` (without a Via: each attempt adds its own) to `uri`, failing over between the RFC 3263 targets
 * on a transport error, a timeout or a 503 (RFC 3263 §4.3).
 */
export const sendToUri = (core: Core, request: Request, uri: string, options: SendOptions = {}) =>
  Effect.gen(function* () {
    const targets = yield* targetsFor(core, uri, options.transport)
    if (targets.length === 0)
      return yield* new RequestFailed({ status: 503, reason: `cannot resolve ${uri}` })
    let first = true
    return yield* withFailover(
      targets,
      (target) =>
        Effect.suspend(() => {
          const isFirst = first
          first = false
          return attempt(core, request, target, options, isFirst)
        }),
      (o) => (o._tag === "Failure" ? o.error.status !== 500 : o.value.response.status === 503),
    ).pipe(
      Effect.catch((e) =>
        e === "NoTargets"
          ? Effect.fail(new RequestFailed({ status: 503, reason: "no targets" }))
          : Effect.fail(e),
      ),
    )
  })

/** Like `sendToUri`, answering one 401/407 Digest challenge with `credentials` (§22.2: the UA core's
 * `retryWithCredentials` builds the retry — new CSeq, new branch, the Authorization). */
export const sendWithAuth = (core: Core, request: Request, uri: string, options: SendOptions = {}) =>
  Effect.gen(function* () {
    const first = yield* sendToUri(core, request, uri, options)
    if (options.credentials === undefined) return first
    const retry = retryWithCredentials(
      uaOf(core).state.config,
      first.request,
      first.response,
      options.credentials,
      core.ids.tag(),
    )
    if (retry === undefined) return first
    return yield* sendToUri(core, retry.request, uri, options)
  })
