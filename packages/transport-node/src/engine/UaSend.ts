/**
 * UaSend — carrying out what the UA core asks to send (engine/UaCore.ts steps it):
 *
 * - `SendRequest` → a client transaction to the RFC 3263 target of the top Route (loose routing, §8.1.2) or of the
 *   Request-URI, failing over to the next target on a transport error, a timeout or a 503 (RFC 3263 §4.3); a CANCEL
 *   goes where its INVITE went, with the INVITE's Via (§9.1). Responses go back to the core as `ResponseReceived`,
 *   a transaction that ends without a final one as `TransactionFailed`.
 * - `SendAck` → straight to the transport (§13.2.2.4).
 * - `SendResponse` → the server transaction the response names (§17.2.3), or by its Via (§18.2.2) once it is gone.
 *
 * The Via's transport and sent-by are filled in here, per send (§18.1.1, `fillVia`); the branch is the core's.
 */
import {
  getCSeq,
  getHeaderValues,
  getTopVia,
  getTopViaBranch,
  parseNameAddr,
  type Request,
  type Response,
  serializeMessage,
  viaMaddr,
  viaReceived,
  viaRport,
} from "@sipkit/codec"
import { respond as respondEvent, serverKey } from "@sipkit/fsm/transaction"
import { fillVia } from "@sipkit/fsm/ua"
import { Deferred, Effect, FiberSet } from "effect"
import { defaultPort, isReliable, normalizeHost, type TransportKind } from "../Address.js"
import { makeVia, transportForSize, withVia } from "../Routing.js"
import { targetsFor } from "./Client.js"
import {
  type ClientTxInfo,
  type Core,
  cseqRecord,
  type Destination,
  dispatchTo,
  hasTransport,
  keptResponse,
  markFinal,
  pickListener,
  respondFinal,
  type ServerTxInfo,
  sendTo,
  sendToNow,
  startTransaction,
  type TxInfo,
  topViaRecord,
} from "./Core.js"
import type { FinalTx } from "./FinalTx.js"
import { later, type Rest, runRest } from "./Now.js"
import { feedResponse, type Observer, uaOf, uaStep } from "./UaCore.js"

// ------------------------------------------------------------------------------------------------ requests

/** §8.1.2 / §12.2.1.1: a loose-routing top Route is where the request goes; otherwise its Request-URI. */
export const nextHopUri = (request: Request): string => {
  const route = getHeaderValues(request, "Route")[0]
  if (route !== undefined) {
    const parsed = parseNameAddr(route)
    if (parsed._tag === "Ok" && /;lr(=|;|$)/i.test(parsed.value.uri)) return parsed.value.uri
  }
  return request.uri
}

const branchOf = (request: Request): string | undefined => {
  const branch = getTopViaBranch(request)
  return branch._tag === "Ok" ? branch.value : undefined
}

/** Our Via for this send: the transport picked (and switched by §18.1.1's MTU rule), our sent-by, `rport`. */
const stampVia = (core: Core, request: Request, transport: TransportKind, host: string, branch?: string) => {
  const listener = pickListener(core, transport, host)
  if (listener === undefined) return undefined
  const at = listener.advertised
  const sentBy = at.host.includes(":") ? `[${at.host}]` : at.host
  return branch === undefined
    ? fillVia(request, transport, sentBy, at.port, { rport: true })
    : withVia(request, makeVia(transport, at, branch), true)
}

export const sendRequest = (
  core: Core,
  request: Request,
  observer: Observer | undefined,
): Effect.Effect<void> => {
  if (request.method === "CANCEL") return sendCancel(core, request)
  return FiberSet.run(core.fibers, runRequest(core, request, observer)).pipe(Effect.asVoid)
}

/** §9.1: "the CANCEL … MUST have a single Via header field value matching the top Via value in the request being
 * cancelled" and goes to the same destination. */
const sendCancel = (core: Core, cancel: Request) =>
  Effect.suspend(() => {
    const branch = branchOf(cancel)
    const invite = branch === undefined ? undefined : uaOf(core).invites.get(branch)
    if (invite === undefined) return Effect.void
    const sent = withVia(cancel, invite.via, true)
    return FiberSet.run(
      core.fibers,
      runTx(core, sent, invite.destination, () => Effect.void).pipe(Effect.asVoid),
    ).pipe(Effect.asVoid)
  })

type Ending =
  | { readonly _tag: "Final"; readonly response: Response }
  | { readonly _tag: "Failed"; readonly reason: "Timeout" | "TransportError"; readonly text: string }

/**
 * One request of the core to its next hop: RFC 3263 targets in order, one client transaction per target (the first
 * with the core's branch, the next ones with a fresh one: a new transaction). Responses go to the core as they come,
 * except a 503 that another target may replace; the core hears of a failure only when no target is left.
 */
const runRequest = (core: Core, request: Request, observer: Observer | undefined) =>
  Effect.gen(function* () {
    const uri = nextHopUri(request)
    const targets = yield* targetsFor(core, uri).pipe(Effect.orElseSucceed(() => []))
    let ending: Ending = { _tag: "Failed", reason: "TransportError", text: `cannot resolve ${uri}` }
    for (const [index, target] of targets.entries()) {
      const last = index === targets.length - 1
      const outcome = yield* attempt(core, request, target, index === 0, last)
      ending = outcome
      if (outcome._tag === "Final" && (outcome.response.status !== 503 || last)) break
    }
    if (ending._tag === "Final") return yield* observer?.onFinal(ending.response) ?? Effect.void
    yield* uaStep(core, { _tag: "TransactionFailed", request, reason: ending.reason })
    yield* observer?.onFailed(ending.reason === "Timeout" ? 408 : 503, ending.text) ?? Effect.void
  })

const attempt = (
  core: Core,
  request: Request,
  target: { readonly transport: TransportKind; readonly host: string; readonly port: number },
  first: boolean,
  last: boolean,
) =>
  Effect.gen(function* () {
    const fresh = first ? undefined : core.ids.branch()
    const probe = stampVia(core, request, target.transport, target.host, fresh)
    if (probe === undefined)
      return { _tag: "Failed", reason: "TransportError", text: `no ${target.transport} listener` } as Ending
    const transport = transportForSize(target.transport, serializeMessage(probe).byteLength, {
      mtu: core.config.mtu,
      switchToTcp: core.config.switchToTcp,
      tcpAvailable: hasTransport(core, "TCP"),
    })
    const sent =
      transport === target.transport ? probe : (stampVia(core, probe, transport, target.host) ?? probe)
    const destination: Destination = { transport, host: target.host, port: target.port }
    const coreBranch = branchOf(request)
    if (request.method === "INVITE" && coreBranch !== undefined) {
      uaOf(core).invites.set(coreBranch, { destination, via: getHeaderValues(sent, "Via")[0] ?? "" })
    }
    // a 503 another target may replace is held back; everything else goes to the core at once
    const deliver = (response: Response) =>
      response.status === 503 && !last ? Effect.void : feedResponse(core, response)
    const ending = yield* runTx(core, sent, destination, deliver)
    if (request.method === "INVITE" && coreBranch !== undefined) uaOf(core).invites.delete(coreBranch)
    return ending
  })

/** One client transaction; resolves with its first final response, or how it failed. */
const runTx = (
  core: Core,
  sent: Request,
  destination: Destination,
  deliver: (response: Response) => Effect.Effect<void>,
): Effect.Effect<Ending> =>
  Effect.gen(function* () {
    const done = yield* Deferred.make<Ending>()
    let final = false
    const info: Omit<ClientTxInfo, "tx" | "timers"> = {
      side: "client",
      request: sent,
      destination,
      onResponse: (response) =>
        Effect.andThen(
          deliver(response),
          response.status >= 200 && !final
            ? Effect.suspend(() => {
                final = true
                return Deferred.succeed(done, { _tag: "Final", response })
              })
            : Effect.void,
        ),
      onEnd: (reason) =>
        Deferred.succeed(
          done,
          reason._tag === "Timeout"
            ? { _tag: "Failed", reason: "Timeout", text: `Request Timeout (Timer ${reason.timer})` }
            : {
                _tag: "Failed",
                reason: "TransportError",
                text: reason._tag === "TransportError" ? reason.reason : "ended",
              },
        ).pipe(Effect.asVoid),
    }
    const started = startTransaction(core, "client", sent, undefined, info, {
      reliable: isReliable(destination.transport),
      timers: core.config.timers,
    })
    if ("_tag" in started)
      return { _tag: "Failed", reason: "TransportError", text: "cannot start a transaction" } as Ending
    yield* runRest(started.rest)
    return yield* Deferred.await(done)
  })

/** §13.2.2.4: the ACK of a 2xx goes straight to the transport, to the next hop of its own route. */
export const sendAck = (core: Core, ack: Request) =>
  Effect.gen(function* () {
    const [target] = yield* targetsFor(core, nextHopUri(ack)).pipe(Effect.orElseSucceed(() => []))
    if (target === undefined) return yield* Effect.logWarning(`no target for the ACK to ${ack.uri}`)
    const sent = stampVia(core, ack, target.transport, target.host)
    if (sent === undefined) return
    yield* sendTo(core, target, sent).pipe(Effect.ignore)
  })

// ------------------------------------------------------------------------------------------------ responses

/** The §17.2.3 key of the server transaction a response of ours belongs to: its Via and CSeq are the request's. */
const serverKeyOf = (response: Response): string | undefined => {
  const cseq = getCSeq(response)
  if (cseq._tag === "Err") return undefined
  const key = serverKey({
    _tag: "Request",
    method: cseq.value.method,
    uri: "",
    version: "SIP/2.0",
    headers: response.headers,
    body: response.body,
  })
  return key._tag === "Ok" ? key.value : undefined
}

/** The response to the request of server transaction `info` carries that request's top Via and CSeq (makeResponse
 * copies them; the Via record itself until `markFinal` keeps a copy), so its key need not be computed again. A
 * CANCEL's top Via is its INVITE's (§9.1): the CSeq tells their responses apart. A transaction after its final
 * response (engine/FinalTx.ts) keeps no request: a response hinted to it (a 2xx retransmission, rare) is its answer
 * when its own §17.2.3 key is the hint. */
const isAnswerTo = (
  info: TxInfo | undefined,
  response: Response,
  hint: string | undefined,
): info is ServerTxInfo | FinalTx => {
  if (info?.side === "final") return serverKeyOf(response) === hint
  if (info?.side !== "server") return false
  const mine = topViaRecord(response)
  const theirs = topViaRecord(info.request)
  if (mine === undefined || theirs === undefined) return false
  if (mine === theirs) return true
  return mine.value === theirs.value && cseqRecord(response)?.value === cseqRecord(info.request)?.value
}

export const sendResponse = (core: Core, response: Response, hint?: string): Effect.Effect<void> =>
  later(() => sendResponseNow(core, response, hint))

/** `sendResponse` at once (engine/Now.ts). */
export const sendResponseNow = (core: Core, response: Response, hint?: string): Rest => {
  // the hinted transaction's record, when the response is its answer; else the one its Via and CSeq name
  const hinted = hint === undefined ? undefined : core.info.get(hint)
  const answers = isAnswerTo(hinted, response, hint)
  const key = answers ? hint : serverKeyOf(response)
  const info = answers ? hinted : key === undefined ? undefined : core.info.get(key)
  if (key === undefined || info === undefined || info.side === "client") return sendByVia(core, response)
  // after the final response: the 2xx retransmissions of an INVITE in "Accepted" (RFC 6026 §8.7)
  if (info.side === "final")
    return dispatchTo(core, key, info, respondEvent(response), response.status >= 200)
  const again = info.final && response.status >= 200
  if (info.tx._tag === "Terminated") {
    if (response.status >= 200) markFinal(info)
    return sendByVia(core, response)
  }
  const kept = keptResponse(info, response)
  if (response.status >= 200) return respondFinal(core, key, info, respondEvent(kept), again)
  return dispatchTo(core, key, info, respondEvent(kept), again)
}

/** §18.2.2 without the request at hand: the Via's `received`/`rport`/`maddr`, else its sent-by. */
const sendByVia = (core: Core, response: Response): Rest => {
  const top = getTopVia(response)
  if (top._tag === "Err") return undefined
  const via = top.value
  const t = via.transport.toUpperCase()
  const transport: TransportKind = t === "TCP" || t === "TLS" || t === "WS" || t === "WSS" ? t : "UDP"
  const rport = viaRport(via)
  const host = normalizeHost(viaMaddr(via) ?? viaReceived(via) ?? via.host)
  const port = rport !== undefined && rport !== "" ? Number(rport) : (via.port ?? defaultPort(transport))
  const sent = sendToNow(core, { transport, host, port }, response)
  return sent !== undefined && Effect.isEffect(sent) ? Effect.ignore(sent) : undefined
}
