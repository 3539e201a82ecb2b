/**
 * ProxyEndpoint — the stateful proxy core (Proxy.ts) over the RFC 3261 §17 transaction machines, as one reducer
 * from wire events to wire outputs: `stepEndpoint(config, state, event) → { state, outputs }`.
 *
 * A message from the wire is routed by the transaction table (§17.1.3, §17.2.3): it feeds its transaction, or
 * starts a server transaction, or (an ACK for a 2xx, a stray response) goes to the proxy core directly. What the
 * transactions pass up (`Deliver`) becomes a proxy event; what the proxy asks for becomes transaction work: a
 * `Respond` goes to its server transaction, a `Forward` or `Cancel` starts a client transaction (§16.6 step 10),
 * `SendStateless` goes straight out. So retransmissions, the 100 of §17.2.1, the ACK of a non-2xx (§17.1.1.3) and
 * absorbing that ACK at the server transaction all happen in the transaction layer, as the RFC puts them.
 *
 * Outputs are wire sends with their destination, and the timers to arm (transaction timers as durations with the
 * transaction's key, Timer C as a deadline with its branch). Time, tokens and the location store come in with
 * each event. Never: clocks, randomness, I/O, exceptions.
 */
import { getTopVia, type Request, type SipMessage } from "@sipkit/codec"
import type { TimerConfig, TimerName } from "../transaction/Timers.js"
import {
  isReliableTransport,
  type Output,
  receive,
  respond,
  timerFired,
  transportError,
} from "../transaction/Transaction.js"
import type { TransactionKey } from "../transaction/TransactionKey.js"
import * as TransactionTable from "../transaction/TransactionTable.js"
import { emptyPersistentMap, type PersistentMap } from "./PersistentMap.js"
import { initialProxyState, stepProxy } from "./Proxy.js"
import type { ProxyConfig } from "./ProxyConfig.js"
import { viaDestination } from "./Stateless.js"
import type { LocationView } from "./Targets.js"
import type { Destination, ProxyEvent, ProxyOutput, ProxyState } from "./Types.js"

/** A client transaction this proxy started: for a fork (`branch`) or for the CANCEL of one. */
interface Client {
  readonly kind: "Fork" | "Cancel"
  readonly branch: string
  readonly destination: string
}

export interface EndpointState {
  readonly table: TransactionTable.TransactionTable
  readonly proxy: ProxyState
  readonly clients: PersistentMap<Client>
  /** Fork branch id → the key of its INVITE (or non-INVITE) client transaction. */
  readonly forks: PersistentMap<TransactionKey>
}

export const initialEndpointState: EndpointState = {
  table: TransactionTable.empty,
  proxy: initialProxyState,
  clients: emptyPersistentMap(),
  forks: emptyPersistentMap(),
}

export interface EndpointConfig {
  readonly proxy: ProxyConfig
  /** T1, T2, T4 … for every transaction (defaults of §17 when absent). */
  readonly timers?: Partial<TimerConfig>
}

export type EndpointEvent =
  /** A message from the wire. `token` and `location` as for `RequestReceived` (Types.ts). */
  | {
      readonly _tag: "MessageReceived"
      readonly message: SipMessage
      readonly now: number
      readonly token: string
      readonly location: LocationView
    }
  /** A transaction timer armed by a `StartTimer` output fired. */
  | {
      readonly _tag: "TransactionTimerFired"
      readonly key: TransactionKey
      readonly timer: TimerName
      readonly id: number
      readonly now: number
    }
  /** Timer C of a branch fired. */
  | { readonly _tag: "TimerCFired"; readonly branch: string; readonly now: number }
  /** Sending a transaction's message failed. */
  | {
      readonly _tag: "TransportError"
      readonly key: TransactionKey
      readonly reason: string
      readonly now: number
    }

export type EndpointOutput =
  | { readonly _tag: "Send"; readonly message: SipMessage; readonly destination: Destination }
  | {
      readonly _tag: "StartTimer"
      readonly key: TransactionKey
      readonly timer: TimerName
      readonly id: number
      readonly after: number
    }
  | {
      readonly _tag: "StopTimer"
      readonly key: TransactionKey
      readonly timer: TimerName
      readonly id: number
    }
  | { readonly _tag: "SetTimerC"; readonly branch: string; readonly at: number }
  | { readonly _tag: "ClearTimerC"; readonly branch: string }
  | { readonly _tag: "Absorbed"; readonly message: SipMessage; readonly reason: string }

export interface EndpointStep {
  readonly state: EndpointState
  readonly outputs: ReadonlyArray<EndpointOutput>
}

/** What every step needs besides the state: the configuration and the inputs of the event. */
interface Env {
  readonly config: EndpointConfig
  readonly now: number
  readonly token: string
  readonly location: LocationView
}

const noLocation: LocationView = { get: () => [] }

/** One step of the endpoint. The outputs keep the order the runtime must act on them. */
export const stepEndpoint = (
  config: EndpointConfig,
  state: EndpointState,
  event: EndpointEvent,
): EndpointStep => {
  const out: Array<EndpointOutput> = []
  switch (event._tag) {
    case "MessageReceived": {
      const env: Env = { config, now: event.now, token: event.token, location: event.location }
      return { state: onMessage(env, state, event.message, out), outputs: out }
    }
    case "TransactionTimerFired": {
      const env: Env = { config, now: event.now, token: "", location: noLocation }
      const stepped = TransactionTable.step(state.table, event.key, timerFired(event.timer, event.id))
      return {
        state: onTxOutputs(env, { ...state, table: stepped.table }, event.key, stepped.outputs, out),
        outputs: out,
      }
    }
    case "TimerCFired": {
      const env: Env = { config, now: event.now, token: "", location: noLocation }
      const proxyEvent: ProxyEvent = { _tag: "TimerFired", timer: "C", branch: event.branch, now: event.now }
      return { state: onProxy(env, state, proxyEvent, out), outputs: out }
    }
    case "TransportError": {
      const env: Env = { config, now: event.now, token: "", location: noLocation }
      const stepped = TransactionTable.step(state.table, event.key, transportError(event.reason))
      return {
        state: onTxOutputs(env, { ...state, table: stepped.table }, event.key, stepped.outputs, out),
        outputs: out,
      }
    }
  }
}

/** A message from the wire, routed by the transaction table. */
const onMessage = (
  env: Env,
  state: EndpointState,
  message: SipMessage,
  out: Array<EndpointOutput>,
): EndpointState => {
  const routed = TransactionTable.route(state.table, message)
  switch (routed._tag) {
    case "Invalid":
      out.push({ _tag: "Absorbed", message, reason: routed.error.reason })
      return state
    case "Match": {
      const stepped = TransactionTable.step(state.table, routed.key, receive(message))
      return onTxOutputs(env, { ...state, table: stepped.table }, routed.key, stepped.outputs, out)
    }
    case "NoMatch": {
      if (message._tag === "Response") {
        return onProxy(env, state, { _tag: "ResponseReceived", response: message, now: env.now }, out)
      }
      if (message.method === "ACK") {
        const event: ProxyEvent = {
          _tag: "RequestReceived",
          request: message,
          now: env.now,
          token: env.token,
          location: env.location,
        }
        return onProxy(env, state, event, out)
      }
      const via = getTopVia(message)
      const reliable = via._tag === "Ok" && isReliableTransport(via.value.transport)
      const started = TransactionTable.startServer(state.table, message, options(env, reliable))
      if (started._tag === "Err") {
        out.push({ _tag: "Absorbed", message, reason: "no server transaction could be started" })
        return state
      }
      return onTxOutputs(
        env,
        { ...state, table: started.value.table },
        started.value.key,
        started.value.outputs,
        out,
      )
    }
  }
}

/** The transport a request came in on, as its sender names it in the top Via (§18.1.1): the Record-Route names it. */
const arrivedOver = (request: Request): { readonly transport?: string } => {
  const via = getTopVia(request)
  return via._tag === "Ok" ? { transport: via.value.transport.toUpperCase() } : {}
}

const options = (env: Env, reliable: boolean) =>
  env.config.timers === undefined ? { reliable } : { reliable, timers: env.config.timers }

/** What a transaction asked for: sends go out, deliveries go to the proxy core, timers go to the runtime. */
const onTxOutputs = (
  env: Env,
  state: EndpointState,
  key: TransactionKey,
  outputs: ReadonlyArray<Output>,
  out: Array<EndpointOutput>,
): EndpointState => {
  let next = state
  for (const output of outputs) {
    switch (output._tag) {
      case "Send":
        out.push({
          _tag: "Send",
          message: output.message,
          destination: destinationOf(next, key, output.message),
        })
        break
      case "Deliver": {
        const message = output.message
        const event: ProxyEvent =
          message._tag === "Response"
            ? { _tag: "ResponseReceived", response: message, now: env.now }
            : {
                _tag: "RequestReceived",
                request: message,
                now: env.now,
                token: env.token,
                location: env.location,
                ...arrivedOver(message),
              }
        next = onProxy(env, next, event, out)
        break
      }
      case "StartTimer":
        out.push({ _tag: "StartTimer", key, timer: output.timer, id: output.id, after: output.after })
        break
      case "StopTimer":
        out.push({ _tag: "StopTimer", key, timer: output.timer, id: output.id })
        break
      case "TransportFailed":
        break
      case "Terminated": {
        const client = next.clients.get(key)
        const forks = client?.kind === "Fork" ? next.forks.delete(client.branch) : next.forks
        next = { ...next, clients: next.clients.delete(key), forks }
        const failed = output.reason._tag !== "Normal" && client?.kind === "Fork"
        if (failed && client !== undefined) {
          const reason = output.reason._tag === "Timeout" ? "Timeout" : "TransportError"
          const event: ProxyEvent = {
            _tag: "ClientTransactionFailed",
            branch: client.branch,
            reason,
            now: env.now,
          }
          next = onProxy(env, next, event, out)
        }
        break
      }
    }
  }
  return next
}

/** A response goes back by its Via (§18.2.2); a request goes where its client transaction was told to send it. */
const destinationOf = (state: EndpointState, key: TransactionKey, message: SipMessage): Destination => {
  if (message._tag === "Request")
    return { _tag: "Uri", uri: state.clients.get(key)?.destination ?? message.uri }
  const via = getTopVia(message)
  return via._tag === "Ok" ? viaDestination(via.value) : { _tag: "Uri", uri: "" }
}

/** A proxy event, and the transaction work its outputs ask for. */
const onProxy = (
  env: Env,
  state: EndpointState,
  event: ProxyEvent,
  out: Array<EndpointOutput>,
): EndpointState => {
  const stepped = stepProxy(env.config.proxy, state.proxy, event)
  let next: EndpointState = { ...state, proxy: stepped.state }
  for (const output of stepped.outputs) next = onProxyOutput(env, next, output, out)
  return next
}

const onProxyOutput = (
  env: Env,
  state: EndpointState,
  output: ProxyOutput,
  out: Array<EndpointOutput>,
): EndpointState => {
  switch (output._tag) {
    case "Respond": {
      if (!TransactionTable.has(state.table, output.transaction)) {
        // The server transaction is gone (a 2xx from another fork after Timer L): send by the Via (§18.2.2).
        out.push({
          _tag: "Send",
          message: output.response,
          destination: destinationOf(state, "", output.response),
        })
        return state
      }
      const stepped = TransactionTable.step(state.table, output.transaction, respond(output.response))
      return onTxOutputs(env, { ...state, table: stepped.table }, output.transaction, stepped.outputs, out)
    }
    case "Forward":
      return startClient(
        env,
        state,
        { kind: "Fork", branch: output.branch, destination: output.destination },
        output.request,
        out,
      )
    case "Cancel":
      return startClient(
        env,
        state,
        { kind: "Cancel", branch: output.branch, destination: output.destination },
        output.request,
        out,
      )
    case "SendStateless":
      out.push({ _tag: "Send", message: output.message, destination: output.destination })
      return state
    case "SetTimer":
      out.push({ _tag: "SetTimerC", branch: output.branch, at: output.at })
      return state
    case "ClearTimer":
      out.push({ _tag: "ClearTimerC", branch: output.branch })
      return state
    case "AbandonBranch": {
      const key = state.forks.get(output.branch)
      if (key === undefined) return state
      return {
        ...state,
        table: TransactionTable.remove(state.table, key),
        clients: state.clients.delete(key),
        forks: state.forks.delete(output.branch),
      }
    }
    case "Absorbed":
      out.push(output)
      return state
  }
}

const startClient = (
  env: Env,
  state: EndpointState,
  client: Client,
  request: Request,
  out: Array<EndpointOutput>,
): EndpointState => {
  const reliable = isReliableTransport(env.config.proxy.transport)
  const started = TransactionTable.startClient(state.table, request, options(env, reliable))
  if (started._tag === "Err") {
    out.push({ _tag: "Absorbed", message: request, reason: "no client transaction could be started" })
    return state
  }
  const clients = state.clients.set(started.value.key, client)
  const forks = client.kind === "Fork" ? state.forks.set(client.branch, started.value.key) : state.forks
  return onTxOutputs(
    env,
    { ...state, table: started.value.table, clients, forks },
    started.value.key,
    started.value.outputs,
    out,
  )
}
