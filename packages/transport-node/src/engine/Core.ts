/**
 * Core — the engine's shared state and its two primitives: send a message somewhere (`sendTo`) and feed an event
 * to a transaction and act on its outputs (`dispatch`).
 *
 * The transaction table is the fsm's immutable `TransactionTable`, kept in one mutable slot and replaced on every
 * step (the fsm says: "A runtime keeps one table in a Ref and applies these functions"). Next to it, per
 * transaction, the runtime keeps what the reducers do not: where a client transaction sends, where a server
 * transaction's responses go (§18.2.2), and who waits for the outcome.
 *
 * Outputs are acted on in order: `Send` (a failure is fed back as the transaction's `TransportError`),
 * `Deliver` (to the UAS/UAC hooks), `StartTimer`/`StopTimer` (the one timer facility), `Terminated` (last).
 * Beside the table sits the UA core's state (`ua`, engine/UaCore.ts), stepped the same way.
 *
 * Never: decides a protocol question itself — that is the reducers' job.
 */
import {
  type Header,
  ownString,
  type Request,
  type Response,
  type SipMessage,
  serializeMessage,
} from "@sipkit/codec"
import {
  clientKey,
  type Output,
  type TerminationReason,
  type TimerConfig,
  type Transaction,
  type TransactionEvent,
  type TransactionOptions,
  TransactionTable,
  transportError,
} from "@sipkit/fsm/transaction"
import type { UaTimer } from "@sipkit/fsm/ua"
import { type Deferred, Effect, type Fiber, type FiberSet, PubSub } from "effect"
import {
  type HostPort,
  hostForUri,
  normalizeHost,
  type PeerAddress,
  peerKey,
  type TransportKind,
} from "../Address.js"
import type { DialogStoreShape } from "../Dialogs.js"
import type { SipDnsShape } from "../dns/SipDns.js"
import type { DialogContext, Handlers, ProxyDecision, RequestContext } from "../Handlers.js"
import type { IdsShape } from "../Ids.js"
import type { ResponseRoute } from "../Routing.js"
import type { TimerHandle } from "../TimerHeap.js"
import type { Timers } from "../Timers.js"
import type { TlsFiles, Transport, TransportError } from "../transport/Transport.js"
import type { Expiring } from "./Expiring.js"
import { FinalTx, holdFinal, stepFinal } from "./FinalTx.js"
import { KeptResponse, keepResponse, wireOf } from "./KeptResponse.js"
import { keyText } from "./KeyText.js"
import { later, type Rest, restOf, runRest } from "./Now.js"
import type { ProxyRuntime } from "./Proxy.js"
import type { Stats } from "./Stats.js"
import type { UaRuntime } from "./UaCore.js"
import { formatWireEvent, labelOf, nextSeq, type WireEvent } from "./WireLog.js"

export interface Listener {
  readonly transport: Transport
  /** Sent-by and Contact address (the bound one unless configured otherwise). */
  readonly advertised: HostPort
  readonly tls: TlsFiles | undefined
}

export interface Destination {
  readonly transport: TransportKind
  readonly host: string
  readonly port: number
  readonly connection?: string | undefined
}

export interface ServerTxInfo {
  readonly side: "server"
  /** The transaction's state (@sipkit/fsm/transaction), replaced on every step (`dispatchNow`). */
  tx: Transaction
  /** Its timers not yet stopped (`StartTimer`/`StopTimer`), by handle: no key per timer. */
  timers: Array<TimerHandle<TimerJob>> | undefined
  /**
   * The request, whole until the final response; then only its top Via record (`markFinal`): after it the
   * transaction only absorbs retransmissions for Timer J/L (RFC 6026), and what still reads the request here is
   * `isAnswerTo` (engine/UaSend.ts), which tells this transaction's 2xx retransmissions by its Via and CSeq.
   */
  request: Request
  readonly source: PeerAddress
  readonly route: ResponseRoute
  /** A final response was sent (set by `markFinal`). */
  final: boolean
  /** The application chose `proxy(…)`: a CANCEL is passed on, and the 487 comes back from the branches (§16.10). */
  proxying: boolean
  /** The handler's `ctx.cancelled`, made when a handler asks for it (engine/Server.ts). */
  cancelled: Deferred.Deferred<void> | undefined
  dialog: string | undefined
}

const NO_BODY = new Uint8Array(0)

/** The first Via header record of a message. */
export const topViaRecord = (m: SipMessage): Header | undefined => m.headers.find(isVia)

/** The CSeq header record of a message. */
export const cseqRecord = (m: SipMessage): Header | undefined => m.headers.find(isCSeq)

// a name of another length is not lower-cased (a new string for every header before the one looked for)
const isVia = (h: Header): boolean =>
  h.name === "Via" || h.name === "v" || (h.name.length === 3 && h.name.toLowerCase() === "via")
const isCSeq = (h: Header): boolean =>
  h.name === "CSeq" || (h.name.length === 4 && h.name.toLowerCase() === "cseq")

/**
 * A final response went out on `info`'s transaction: the rest of the request (its other header records, body,
 * datagram) is let go, so a call ended but still absorbing retransmissions does not hold its INVITE and BYE for
 * 64·T1. What stays — the top Via and the CSeq (`isAnswerTo` compares their values) and the Request-URI — is
 * copied: a string sliced from a datagram's text is a view of that whole text, which it would keep alive.
 */
export const markFinal = (info: ServerTxInfo): void => {
  if (info.final) return
  info.final = true
  slimRequest(info)
}

/**
 * Steps server transaction `key` with its final response (`event`, a `Respond`), marked final as `markFinal` does:
 * the flag at once, the rest of the request let go after the step, and only when the record is still the
 * transaction's then. A machine that enters RFC 6026's "Accepted" or §17.2.2's "Completed" over UDP arms Timer L or
 * J in that step, and its record becomes a `FinalTx` (engine/FinalTx.ts) that holds no request: copying the Via,
 * CSeq and Request-URI first (two of every call's transactions) made what was let go at once.
 */
export const respondFinal = (
  core: Core,
  key: string,
  info: ServerTxInfo,
  event: TransactionEvent,
  isRetransmission: boolean,
): Rest => {
  const first = !info.final
  info.final = true
  const rest = dispatchTo(core, key, info, event, isRetransmission)
  if (first && core.info.get(key) === info) slimRequest(info)
  return rest
}

/** `info`'s request as `markFinal` leaves it: its top Via and CSeq records and its Request-URI, each copied. */
const slimRequest = (info: ServerTxInfo): void => {
  const r = info.request
  const via = ownRecord(topViaRecord(r))
  const cseq = ownRecord(cseqRecord(r))
  // an array literal of the exact length: it is held 64·T1 (pushing into [] leaves room for 17)
  const headers =
    via === undefined ? (cseq === undefined ? [] : [cseq]) : cseq === undefined ? [via] : [via, cseq]
  info.request = {
    _tag: "Request",
    method: r.method,
    uri: ownString(r.uri),
    version: r.version,
    headers,
    body: NO_BODY,
  }
}

/** `h` with a value of its own. */
const ownRecord = (h: Header | undefined): Header | undefined => {
  if (h === undefined) return undefined
  return { name: h.name, value: ownString(h.value) }
}

/**
 * The final response `info`'s transaction will keep to resend (§17.2.2: a non-INVITE's final response "whenever a
 * retransmission of the request is received", for Timer J; §17.2.1: an INVITE's 300-699, until the ACK or Timer
 * H), as its head written out once (engine/KeptResponse.ts): one flat string of its own for 64·T1 rather than a
 * record and two strings per header (the values are the request's, slices of its datagram's text, which they would
 * keep alive). Any other response is returned as it is (a 2xx of an INVITE is not kept by the transaction; on
 * a reliable transport nothing is resent).
 */
export const keptResponse = (info: ServerTxInfo, response: Response): Response => {
  if (response.status < 200 || info.final || info.tx.reliable) return response
  if (info.request.method === "INVITE" && response.status < 300) return response
  return keepResponse(response)
}

export interface ClientTxInfo {
  readonly side: "client"
  /** The transaction's state (@sipkit/fsm/transaction), replaced on every step (`dispatchNow`). */
  tx: Transaction
  /** Its timers not yet stopped (`StartTimer`/`StopTimer`), by handle: no key per timer. */
  timers: Array<TimerHandle<TimerJob>> | undefined
  readonly request: Request
  readonly destination: Destination
  readonly onResponse: (response: Response) => Effect.Effect<void>
  readonly onEnd: (reason: TerminationReason) => Effect.Effect<void>
  /** The dialog an in-dialog request belongs to (for the log). */
  readonly dialog?: string | undefined
}

/** A transaction's record while its machine runs (`tx`). */
export type LiveTxInfo = ServerTxInfo | ClientTxInfo

/** What `core.info` holds under a key: a live transaction's record, or a server transaction after its final
 * response waiting for Timer J/L as one small record (engine/FinalTx.ts). */
export type TxInfo = LiveTxInfo | FinalTx

/**
 * A dialog's live handles in this process: the application's bag and the runtime's hooks. Its protocol state (the
 * fsm's `Dialog`) is in the dialog store (`core.dialogStore`, Dialogs.ts) under `context.id`.
 */
export interface DialogEntry {
  readonly context: DialogContext
  /** The UA core's call this dialog belongs to (@sipkit/fsm/ua, engine/UaCore.ts). */
  readonly call?: string | undefined
  /** Set by a call handle: a BYE (or anything ending it) arrived from the peer. */
  onRemoteEnd: ((reason: string) => Effect.Effect<void>) | undefined
  /** Set by a call handle: the dialog was ended locally through `Endpoint.inDialog(…, "BYE")`. */
  onLocalEnd: (() => Effect.Effect<void>) | undefined
  /** Set by a call handle: a retransmitted 2xx came after the INVITE transaction was gone (re-ACK). */
  onStray2xx: ((response: Response) => Effect.Effect<void>) | undefined
}

/** The server side's entry points (engine/Server.ts), run at once: what they leave is their `Rest` (engine/Now.ts). */
export interface Hooks {
  onRequest: (key: string, request: Request) => Rest
  onAck: (request: Request, source: PeerAddress) => Rest
  onStrayResponse: (response: Response) => Effect.Effect<void>
  proxy: (key: string, ctx: RequestContext, decision: ProxyDecision) => Effect.Effect<void>
}

export interface ResolvedConfig {
  readonly timers: TimerConfig
  readonly mtu: number | undefined
  readonly switchToTcp: boolean
  readonly user: string
  readonly userAgent: string
  readonly shutdownTimeoutMs: number
  readonly logMessages: boolean
  readonly supported: ReadonlyArray<string>
}

/**
 * What a timer fires, as data: a scheduled timer holds this small record for its whole life (64·T1 for Timers J, L
 * and the forgetting of an ended call), not an Effect with its closure, context and event. The endpoint turns it
 * into the step it stands for when it is due (`fireTimer`, Endpoint.ts).
 */
export type TimerJob =
  | {
      readonly _tag: "Transaction"
      readonly key: string
      readonly timer: TransactionTimer
      readonly id: number
    }
  /** A UA core timer (its `TimerFired` is made when it fires: most are stopped first, by the ACK or the answer). */
  | { readonly _tag: "Ua"; readonly timer: UaTimer }
  /** The oldest of the records let go 64·T1 after they were queued (engine/Expiring.ts): one job for all. */
  | { readonly _tag: "Expiring" }
  /** Anything else (the proxy's Timer C): an Effect after all. */
  | { readonly _tag: "Run"; readonly effect: Effect.Effect<void> }

type TransactionTimer = Extract<Output, { readonly _tag: "StartTimer" }>["timer"]

export interface Core {
  readonly config: ResolvedConfig
  readonly handlers: Handlers
  readonly ids: IdsShape
  readonly dns: SipDnsShape
  readonly timers: Timers<TimerJob>
  readonly stats: Stats
  readonly wire: PubSub.PubSub<WireEvent>
  /** Streams of `wire` being read now: with none (and no log), no wire event is built at all. */
  wireReaders: number
  readonly listeners: ReadonlyArray<Listener>
  readonly fibers: FiberSet.FiberSet<unknown, unknown>
  /** Starts a fiber at once in the endpoint's context (its clock, logger …), from inside a fiber or not. */
  readonly fork: <A, E>(effect: Effect.Effect<A, E>) => Fiber.Fiber<A, E>
  /**
   * Every live transaction by its §17 key: the fsm's state of it (`tx`) and what the runtime keeps beside it, in one
   * record — one lookup per step. (The fsm's `TransactionTable` is the same as one immutable value; a runtime that
   * only ever uses the newest table pays for versions it never reads.)
   */
  readonly info: Map<string, TxInfo>
  /** What is let go 64·T1 after it was queued (engine/Expiring.ts: server transactions after their final response,
   * ended calls), oldest first; the one `Expiring` timer of the facility waits for the oldest while `expiringArmed`. */
  expiringFirst: Expiring | undefined
  expiringLast: Expiring | undefined
  expiringArmed: boolean
  /** Live handles of the dialogs this process takes part in (their state is in `dialogStore`). */
  readonly dialogs: Map<string, DialogEntry>
  readonly dialogStore: DialogStoreShape
  readonly hooks: Hooks
  /** The state of @sipkit/fsm/proxy's reducer and the forks' client transactions (engine/Proxy.ts). */
  readonly proxy: ProxyRuntime
  /** The UA core of @sipkit/fsm/ua beside the transaction table: its `UaState` and who listens to its calls
   * (engine/UaCore.ts makes it on first use). */
  ua?: UaRuntime
  shuttingDown: boolean
  /** The response route of the last new server transaction (`sharedRoute`). */
  lastRoute: ResponseRoute | undefined
  /** Calls this endpoint placed that have no final response yet: shutdown CANCELs them (§9.1). */
  readonly pendingCalls: Set<Effect.Effect<void>>
}

const family = (host: string): 4 | 6 => (normalizeHost(host).includes(":") ? 6 : 4)

/** The listener to send with: that transport, same IP family as the destination when there is one. */
export const pickListener = (core: Core, transport: TransportKind, host: string): Listener | undefined => {
  let first: Listener | undefined
  const wanted = family(host)
  const listeners = core.listeners
  for (let i = 0; i < listeners.length; i++) {
    const l = listeners[i] as Listener
    if (l.transport.kind !== transport) continue
    if (family(l.transport.local.host) === wanted) return l
    first ??= l
  }
  return first
}

export const hasTransport = (core: Core, transport: TransportKind): boolean =>
  core.listeners.some((l) => l.transport.kind === transport)

export interface SendMeta {
  readonly transaction?: string | undefined
  readonly dialog?: string | undefined
  readonly retransmission?: boolean | undefined
}

export type SendFailure = TransportError | { readonly _tag: "NoListener"; readonly transport: TransportKind }

/** Serializes and sends one message; logs one line, counts it, publishes it to the wire stream. */
export const sendTo = (
  core: Core,
  destination: Destination,
  message: SipMessage,
  meta: SendMeta = {},
): Effect.Effect<void, SendFailure> =>
  Effect.suspend(() => {
    const sent = sendToNow(core, destination, message, meta)
    return sent === undefined ? Effect.void : Effect.isEffect(sent) ? sent : Effect.fail(sent)
  })

/**
 * `sendTo` done at once where the transport sends at once (UDP): undefined when sent, the failure as a value, or
 * the Effect still to run (a stream transport's send, which may open a connection first).
 */
export const sendToNow = (
  core: Core,
  destination: Destination,
  message: SipMessage,
  meta: SendMeta = {},
): SendFailure | Effect.Effect<void, SendFailure> | undefined => {
  const listener = pickListener(core, destination.transport, destination.host)
  if (listener === undefined) return { _tag: "NoListener", transport: destination.transport }
  const transport = listener.transport
  const bytes = message instanceof KeptResponse ? wireOf(message) : serializeMessage(message)
  if (transport.sendNow !== undefined) {
    const error = transport.sendNow(destination, bytes)
    return error ?? sentNow(core, transport, destination, message, meta)
  }
  return Effect.andThen(
    transport.send(destination, bytes, destination.connection),
    later(() => sentNow(core, transport, destination, message, meta)),
  )
}

/** A message went out: counted, and published to the wire stream when anyone watches it. */
const sentNow = (
  core: Core,
  transport: Transport,
  destination: Destination,
  message: SipMessage,
  meta: SendMeta,
): Rest => {
  core.stats.countOut(labelOf(message))
  if (meta.retransmission === true) core.stats.countRetransmission()
  if (!isWireWatched(core)) return undefined
  return logWireNow(core, {
    seq: nextSeq(),
    direction: "out",
    message,
    transport: destination.transport,
    local: transport.local,
    remote: { host: destination.host, port: destination.port },
    transaction: meta.transaction,
    dialog: meta.dialog,
    retransmission: meta.retransmission === true,
  })
}

export const logWire = (core: Core, event: WireEvent): Effect.Effect<void> =>
  later(() => logWireNow(core, event))

/** Whether anyone sees wire events (a reader of the wire stream, or the log): if not, none need be built. */
export const isWireWatched = (core: Core): boolean => core.wireReaders > 0 || core.config.logMessages

/** Publishes `event` to the wire stream at once; the log line (only with `logMessages`) is what is left. */
export const logWireNow = (core: Core, event: WireEvent): Rest => {
  if (core.wireReaders > 0) PubSub.publishUnsafe(core.wire, event)
  if (!core.config.logMessages) return undefined
  const m = event.message
  return Effect.logInfo(formatWireEvent(event)).pipe(
    Effect.annotateLogs({
      sip: event.direction,
      transport: event.transport,
      remote: `${event.remote.host}:${event.remote.port}`,
      ...(m._tag === "Request" ? { method: m.method } : { status: m.status }),
      ...(event.transaction === undefined ? {} : { transaction: event.transaction }),
      ...(event.dialog === undefined ? {} : { dialog: event.dialog }),
    }),
  )
}

/** §20.43: a Warning (code 399, this endpoint as the agent) naming what was wrong with a request. */
export const warningOf = (core: Core, fault: string): readonly [string, string] => {
  const listener = core.listeners[0]
  const agent =
    listener === undefined ? "sipkit" : `${hostForUri(listener.advertised.host)}:${listener.advertised.port}`
  return ["Warning", `399 ${agent} ${JSON.stringify(fault)}`]
}

/** A keyed timer's key in the timer facility, from its parts (the proxy's Timer C: `C`, the branch; transactions and
 * the UA core keep handles instead). `join` makes one flat string: a template literal makes a tree of V8 cons
 * strings, which each hash and comparison in the facility's map walks. */
export const timerKey = (...parts: ReadonlyArray<string | number>): string => parts.join("#")

/** Feeds `event` to transaction `key` and acts on what it says. A no-op for an unknown key. */
export const dispatch = (
  core: Core,
  key: string,
  event: TransactionEvent,
  /** The UA core re-sending a 2xx through the transaction (§13.3.1.4) counts as a retransmission. */
  isRetransmission = false,
): Effect.Effect<void> => later(() => dispatchNow(core, key, event, isRetransmission))

/** `dispatch` at once: what is left of acting on the outputs is returned (engine/Now.ts). */
export const dispatchNow = (
  core: Core,
  key: string,
  event: TransactionEvent,
  isRetransmission = false,
): Rest => {
  const info = core.info.get(key)
  return info === undefined ? undefined : dispatchTo(core, key, info, event, isRetransmission)
}

/** `dispatchNow` with the transaction's record at hand (its caller has just looked it up). */
export const dispatchTo = (
  core: Core,
  key: string,
  info: TxInfo,
  event: TransactionEvent,
  isRetransmission = false,
): Rest => {
  if (info instanceof FinalTx) return stepFinal(core, key, info, event, isRetransmission)
  const before = info.tx
  const stepped = TransactionTable.stepTransaction(before, event)
  // a transaction that enters Terminated says so last (`Terminated`), and goes then (`performOne`)
  info.tx = stepped.state
  const retransmitting =
    isRetransmission ||
    (event._tag === "TimerFired" && event.timer !== "Trying100") ||
    (event._tag === "Receive" && (event.message._tag === "Request" || before._tag === "Completed"))
  return performWith(core, key, info, stepped.outputs, retransmitting)
}

/**
 * Starts the transaction for `request` on `side` under its §17 key (the client key of a request we send; for a
 * request received, the key it was routed by) with the runtime's record of it (`info` without the state), and
 * acts on its first outputs. An ACK is never a transaction; a key in use is refused.
 */
export const startTransaction = (
  core: Core,
  side: "client" | "server",
  request: Request,
  given: string | undefined,
  record: NewTxInfo,
  options: TransactionOptions,
): { readonly key: string; readonly rest: Rest } | TransactionTable.StartError => {
  if (request.method === "ACK") return { _tag: "StartError", reason: "AckIsNotATransaction", key: "" }
  let key = given
  if (key === undefined) {
    const computed = clientKey(request)
    if (computed._tag === "Err") return computed.error
    key = computed.value
  }
  const started = TransactionTable.newTransaction(side, request, options)
  const rest = addTransaction(
    core,
    key,
    { ...record, tx: started.state, timers: undefined } as LiveTxInfo,
    started.outputs,
  )
  return rest instanceof KeyInUse ? { _tag: "StartError", reason: "KeyInUse", key } : { key, rest }
}

/**
 * `route`, or the equal route of the previous new server transaction: requests from one peer (most of them, under
 * load) share one route object, rather than each transaction holding its own for 64·T1.
 */
export const sharedRoute = (core: Core, route: ResponseRoute): ResponseRoute => {
  const last = core.lastRoute
  if (
    last !== undefined &&
    last.port === route.port &&
    last.host === route.host &&
    last.transport === route.transport &&
    last.connection === route.connection
  )
    return last
  core.lastRoute = route
  return route
}

/** A transaction's record before its machine is started (`startTransaction`). */
export type NewTxInfo = Omit<ClientTxInfo, "tx" | "timers"> | Omit<ServerTxInfo, "tx" | "timers">

/** `addTransaction` found the key taken. */
export class KeyInUse {
  constructor(readonly key: string) {}
}

/** Keeps a started transaction (`info.tx`, from `TransactionTable.newTransaction`) under `key` and acts on its first
 * outputs; refuses a key in use. */
export const addTransaction = (
  core: Core,
  key: string,
  info: LiveTxInfo,
  outputs: ReadonlyArray<Output>,
): Rest | KeyInUse => {
  if (core.info.has(key)) return new KeyInUse(key)
  core.info.set(key, info)
  core.stats.countTransactionStarted()
  return performWith(core, key, info, outputs, false)
}

/** Acts on a transaction's outputs, in order, with its record at hand: each output's synchronous part now; what is
 * left is returned (engine/Now.ts). */
const performWith = (
  core: Core,
  key: string,
  info: LiveTxInfo,
  outputs: ReadonlyArray<Output>,
  retransmission: boolean,
  from = 0,
): Rest => {
  // `eachNow` written out: no closure per step
  for (let i = from; i < outputs.length; i++) {
    const rest = performOne(core, key, info, outputs[i] as Output, retransmission)
    if (rest === undefined) continue
    if (i + 1 === outputs.length) return rest
    return Effect.andThen(
      rest,
      later(() => performWith(core, key, info, outputs, retransmission, i + 1)),
    )
  }
  return undefined
}

const retransmitted: SendMeta = { retransmission: true }
const firstSend: SendMeta = { retransmission: false }

const destinationOf = (info: LiveTxInfo): Destination =>
  info.side === "client" ? info.destination : info.route

/** A transaction's `Send`: to `destination`, a failure fed back to transaction `key` as its `TransportError`. */
export const sendOut = (
  core: Core,
  key: string,
  destination: Destination,
  dialog: string | undefined,
  message: SipMessage,
  retransmission: boolean,
): Rest => {
  // what the wire log reads is built only when the wire is watched
  const meta = isWireWatched(core)
    ? { transaction: key, dialog, retransmission }
    : retransmission
      ? retransmitted
      : firstSend
  const sent = sendToNow(core, destination, message, meta)
  if (sent === undefined) return undefined
  if (!Effect.isEffect(sent)) return failed(core, key, sent)
  return sent.pipe(Effect.catch((error) => runRest(failed(core, key, error))))
}

const performOne = (
  core: Core,
  key: string,
  info: LiveTxInfo,
  output: Output,
  retransmission: boolean,
): Rest => {
  switch (output._tag) {
    case "Send":
      return sendOut(core, key, destinationOf(info), info.dialog, output.message, retransmission)
    case "Deliver":
      if (info.side === "client")
        return output.message._tag === "Response" ? restOf(info.onResponse(output.message)) : undefined
      if (output.message._tag !== "Request") return undefined
      return output.message.method === "ACK"
        ? core.hooks.onAck(output.message, info.source)
        : core.hooks.onRequest(key, output.message)
    case "StartTimer": {
      // Timer L (an INVITE's "Accepted") or J (a non-INVITE's "Completed"): held as one record from now on
      if (
        info.side === "server" &&
        (output.timer === "L" || output.timer === "J") &&
        holdFinal(core, key, info, output.after)
      )
        return undefined
      const handle = core.timers.addNow(output.after, {
        _tag: "Transaction",
        key,
        timer: output.timer,
        id: output.id,
      })
      info.timers = withTimer(info.timers, handle)
      return undefined
    }
    case "StopTimer": {
      const timers = info.timers
      if (timers === undefined) return undefined
      for (let i = 0; i < timers.length; i++) {
        const job = timers[i]!.value
        if (job?._tag === "Transaction" && job.timer === output.timer && job.id === output.id) {
          core.timers.dropNow(timers[i]!)
          timers.splice(i, 1)
          break
        }
      }
      return undefined
    }
    case "TransportFailed":
      return Effect.logWarning(`transaction ${keyText(key)}: transport failure: ${output.reason}`)
    case "Terminated":
      if (core.info.get(key) === info) core.info.delete(key)
      return info.side === "client" ? restOf(info.onEnd(output.reason)) : undefined
  }
}

/**
 * `handles` without the ones that fired or were stopped, and `added`: a new array of that exact length (a
 * transaction or a call arms a handful of timers over its life, one or two at a time). Not `push`: growing an
 * array from one element gives it room for 17, and it is held as long as its owner (64·T1 for a transaction).
 */
export const withTimer = <A>(
  handles: ReadonlyArray<TimerHandle<A>> | undefined,
  added: TimerHandle<A>,
): Array<TimerHandle<A>> => {
  if (handles === undefined) return [added]
  let n = 0
  for (let j = 0; j < handles.length; j++) if ((handles[j] as TimerHandle<A>).live) n++
  const next = new Array<TimerHandle<A>>(n + 1)
  let i = 0
  for (let j = 0; j < handles.length; j++) {
    const h = handles[j] as TimerHandle<A>
    if (h.live) next[i++] = h
  }
  next[i] = added
  return next
}

/** A send that failed is the transaction's `TransportError` (§17.1.4, §17.2.4). */
const failed = (core: Core, key: string, error: SendFailure): Rest =>
  dispatchNow(core, key, transportError(error._tag === "NoListener" ? "no listener" : error.reason))

/** Client transactions whose destination is `peer` learn that the connection went away (§17.1.4). */
export const connectionClosed = (core: Core, peer: PeerAddress): Effect.Effect<void> =>
  Effect.forEach(
    [...core.info.entries()].filter(
      ([, info]) =>
        info.side === "client" &&
        peerKey({ ...info.destination, host: info.destination.host }) === peerKey(peer),
    ),
    ([key]) => dispatch(core, key, transportError("connection closed")),
    { discard: true },
  )

export const activeCounts = (core: Core) =>
  Effect.map(core.dialogStore.size, (dialogs) => ({ transactions: core.info.size, dialogs }))
