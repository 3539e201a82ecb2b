/**
 * Endpoint — the transaction layer of the CLI's UDP endpoint: the fsm's transaction table (RFC 3261 §17, the four
 * machines as pure reducers) driven by a socket and timers. It routes each datagram to its transaction, acts on
 * the outputs in order (Send, Deliver, StartTimer/StopTimer, Terminated), and reports every message that crosses
 * the wire to `trace` for the ladder.
 *
 * The shell part only: every protocol decision is the reducers'. Responses go back to the address the request came
 * from (symmetric, as RFC 3581 asks; on loopback that is also the Via sent-by).
 * Never: retransmits by itself, or decides what to answer (the UA in Uas.ts / Uac.ts does).
 */
import {
  err,
  ok,
  parseMessage,
  type Request,
  type Response,
  type Result,
  type SipMessage,
  serializeMessage,
} from "@sipkit/codec"
import {
  type Output,
  receive,
  respond,
  type TerminationReason,
  type TimerConfig,
  type TransactionKey,
  TransactionTable,
  timerFired,
} from "@sipkit/fsm/transaction"
import type { LadderEvent } from "../Ladder.js"
import { formatHostPort, type HostPort } from "../options/Common.js"
import type { UdpSocket } from "./Udp.js"

export interface ClientListener {
  readonly onResponse: (response: Response) => void
  readonly onEnd: (reason: TerminationReason) => void
}

export interface EndpointHandlers {
  /** A request that started a server transaction (never an ACK). Answer with `endpoint.respond(key, …)`. */
  readonly onRequest: (request: Request, remote: HostPort, key: TransactionKey) => void
  /** An ACK that matched no transaction: the ACK of a 2xx (§17.2.3, §13.3.1.4). */
  readonly onAck: (ack: Request, remote: HostPort) => void
  /** A response that matched no transaction (a 2xx retransmitted after the client transaction ended). */
  readonly onStrayResponse: (response: Response, remote: HostPort) => void
  /** A server transaction ended (timeouts: no ACK for a non-2xx, Timer H). */
  readonly onServerEnd?: (key: TransactionKey, reason: TerminationReason) => void
}

export interface Counters {
  messagesIn: number
  messagesOut: number
  malformed: number
  retransmissions: number
}

export interface Endpoint {
  readonly local: HostPort
  readonly counters: Counters
  /** Starts the client transaction for `request` (its top Via carries a fresh branch) towards `to`. */
  readonly request: (
    request: Request,
    to: HostPort,
    listener: ClientListener,
  ) => Result<TransactionKey, string>
  /** Hands the TU's response to the server transaction `key`. */
  readonly respond: (key: TransactionKey, response: Response) => void
  /** Sends outside any transaction: the ACK of a 2xx, a 2xx retransmission, a stateless answer. */
  readonly sendDirect: (message: SipMessage, to: HostPort) => void
  /** How many transactions are open. */
  readonly active: () => number
  /** Clears every timer; transactions still open are abandoned. */
  readonly close: () => void
}

export interface EndpointConfig {
  readonly socket: UdpSocket
  readonly handlers: EndpointHandlers
  readonly trace: (event: LadderEvent) => void
  /** Milliseconds since the ladder's start. */
  readonly now: () => number
  readonly timers?: Partial<TimerConfig>
  /** Takes a parsed message away from this endpoint (to the proxy core) when it returns true. */
  readonly divert?: (message: SipMessage) => boolean
}

const isRetransmission = (outputs: ReadonlyArray<Output>, before: unknown, after: unknown): boolean =>
  before === after && outputs.some((o) => o._tag === "Send")

export const makeEndpoint = (config: EndpointConfig): Endpoint => {
  const { socket, handlers } = config
  const localText = formatHostPort(socket.local)
  const options = { reliable: false, ...(config.timers === undefined ? {} : { timers: config.timers }) }
  const counters: Counters = { messagesIn: 0, messagesOut: 0, malformed: 0, retransmissions: 0 }
  let table = TransactionTable.empty
  const destinations = new Map<TransactionKey, HostPort>()
  const listeners = new Map<TransactionKey, ClientListener>()
  const timers = new Map<TransactionKey, Map<number, NodeJS.Timeout>>()
  const remotes = new Map<TransactionKey, HostPort>()

  const transmit = (message: SipMessage, to: HostPort) => {
    counters.messagesOut++
    config.trace({ at: config.now(), from: localText, to: formatHostPort(to), message })
    socket.send(serializeMessage(message), to)
  }

  const clearTimers = (key: TransactionKey) => {
    for (const handle of timers.get(key)?.values() ?? []) clearTimeout(handle)
    timers.delete(key)
  }

  const forget = (key: TransactionKey) => {
    clearTimers(key)
    destinations.delete(key)
    listeners.delete(key)
    remotes.delete(key)
  }

  const act = (key: TransactionKey, outputs: ReadonlyArray<Output>) => {
    for (const output of outputs) {
      switch (output._tag) {
        case "Send": {
          const to = destinations.get(key)
          if (to !== undefined) transmit(output.message, to)
          break
        }
        case "Deliver": {
          const message = output.message
          if (message._tag === "Response") listeners.get(key)?.onResponse(message)
          else if (message.method !== "ACK")
            handlers.onRequest(message, remotes.get(key) ?? socket.local, key)
          break
        }
        case "StartTimer": {
          const handle = setTimeout(() => {
            timers.get(key)?.delete(output.id)
            feed(key, timerFired(output.timer, output.id))
          }, output.after)
          const own = timers.get(key) ?? new Map<number, NodeJS.Timeout>()
          own.set(output.id, handle)
          timers.set(key, own)
          break
        }
        case "StopTimer": {
          const handle = timers.get(key)?.get(output.id)
          if (handle !== undefined) clearTimeout(handle)
          timers.get(key)?.delete(output.id)
          break
        }
        case "TransportFailed":
          break
        case "Terminated": {
          const listener = listeners.get(key)
          forget(key)
          if (listener !== undefined) listener.onEnd(output.reason)
          else handlers.onServerEnd?.(key, output.reason)
          break
        }
      }
    }
  }

  const feed = (key: TransactionKey, event: Parameters<typeof TransactionTable.step>[2]) => {
    const stepped = TransactionTable.step(table, key, event)
    table = stepped.table
    act(key, stepped.outputs)
  }

  const receiveMessage = (message: SipMessage, from: HostPort) => {
    const route = TransactionTable.route(table, message)
    switch (route._tag) {
      case "Invalid":
        counters.malformed++
        return
      case "Match": {
        const before = route.transaction
        const stepped = TransactionTable.step(table, route.key, receive(message))
        if (isRetransmission(stepped.outputs, before, stepped.transaction) && message._tag === "Request")
          counters.retransmissions++
        table = stepped.table
        act(route.key, stepped.outputs)
        return
      }
      case "NoMatch": {
        if (message._tag === "Response") return handlers.onStrayResponse(message, from)
        if (message.method === "ACK") return handlers.onAck(message, from)
        const started = TransactionTable.startServer(table, message, options)
        if (started._tag === "Err") {
          counters.malformed++
          return
        }
        table = started.value.table
        destinations.set(started.value.key, from)
        remotes.set(started.value.key, from)
        act(started.value.key, started.value.outputs)
      }
    }
  }

  socket.onMessage((bytes, from) => {
    counters.messagesIn++
    const parsed = parseMessage(bytes)
    if (parsed._tag === "Err") {
      counters.malformed++
      return
    }
    config.trace({ at: config.now(), from: formatHostPort(from), to: localText, message: parsed.value })
    if (config.divert?.(parsed.value) === true) return
    receiveMessage(parsed.value, from)
  })

  return {
    local: socket.local,
    counters,
    request: (request, to, listener) => {
      const started = TransactionTable.startClient(table, request, options)
      if (started._tag === "Err") return err(started.error.reason)
      table = started.value.table
      destinations.set(started.value.key, to)
      listeners.set(started.value.key, listener)
      act(started.value.key, started.value.outputs)
      return ok(started.value.key)
    },
    respond: (key, response) => feed(key, respond(response)),
    sendDirect: transmit,
    active: () => table.size,
    close: () => {
      for (const key of [...timers.keys()]) clearTimers(key)
    },
  }
}
