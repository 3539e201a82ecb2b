/**
 * A client and a server endpoint, each with its transaction table and a minimal TU, joined by two simulated
 * links (`link.ts`) in virtual time. Messages cross as bytes (serialize → parse). The TUs do only what RFC 3261
 * gives the layer above the transactions:
 * - server TU: answers each request once (optionally a 180 first) after `tuDelay`; for a 2xx to INVITE its core
 *   retransmits the 2xx (§13.3.1.4: T1 doubling to T2) until an ACK arrives or 64·T1 passes;
 * - client TU: ACKs every 2xx to INVITE it is given (§13.2.2.4) with its own branch; gives up on an INVITE still
 *   without a final response after `giveUpAfter` by removing the transaction (§9.1);
 * - responses that match no client transaction are discarded (RFC 6026 §7.3), ACKs that match no server
 *   transaction go to the server core.
 */
import {
  makeRequest,
  makeResponse,
  parseMessage,
  type Request,
  type Response,
  type SipMessage,
  serializeMessage,
} from "@sipkit/codec"
import {
  defaultTimerConfig,
  type Output,
  receive,
  respond,
  type TerminationReason,
  type TimerName,
  type TransactionKey,
  TransactionTable,
  timerFired,
} from "../../../src/transaction/index.js"
import { Agenda, Link, type LinkConfig, makeRng } from "./link.js"
import { makeTestRequest } from "./messages.js"

export interface Scenario {
  readonly seed: number
  readonly link: LinkConfig
  readonly reliable: boolean
  readonly method: "INVITE" | "OPTIONS"
  /** The final status the server TU answers with. */
  readonly status: number
  /** Whether the server TU sends a 180 before its final response. */
  readonly provisional: boolean
  /** How long the server TU takes to answer (ms). */
  readonly tuDelay: number
  /** When the client TU abandons an INVITE with no final response (§9.1). */
  readonly giveUpAfter?: number
}

type Side = "client" | "server"

type Item =
  | { readonly kind: "arrive"; readonly to: Side; readonly bytes: Uint8Array }
  | {
      readonly kind: "timer"
      readonly side: Side
      readonly key: TransactionKey
      readonly timer: TimerName
      readonly id: number
    }
  | { readonly kind: "tu"; readonly run: () => void }

export interface End {
  readonly at: number
  readonly reason: TerminationReason | { readonly _tag: "Abandoned" }
}

export interface Outcome {
  /** Final statuses the client TU was given, in order (2xx retransmissions included). */
  readonly clientFinals: ReadonlyArray<number>
  readonly clientProvisionals: number
  readonly clientEnd: End | undefined
  /** Requests (not ACK) the server TU was given. */
  readonly serverRequests: number
  readonly serverFinal: number | undefined
  readonly serverEnd: End | undefined
  /** An ACK of a 2xx reached the server TU or core (the ACK of a non-2xx is absorbed by the transaction). */
  readonly serverAcked: boolean
  readonly strayResponses: number
  readonly leftover: { readonly client: number; readonly server: number }
  /** Earliest arrival of any copy of: the request, any response, the final response, an ACK. */
  readonly firstArrival: (label: "request" | "response" | "final" | "ack") => number | undefined
  readonly events: number
}

const t1 = defaultTimerConfig.t1
const t2 = defaultTimerConfig.t2

export const runPair = (scenario: Scenario): Outcome => {
  const rng = makeRng(scenario.seed)
  const agenda = new Agenda<Item>()
  const toServer = new Link(rng, scenario.link)
  const toClient = new Link(rng, scenario.link)
  const options = { reliable: scenario.reliable }
  const tables: Record<Side, TransactionTable.TransactionTable> = {
    client: TransactionTable.empty,
    server: TransactionTable.empty,
  }
  const ends: Partial<Record<Side, End>> = {}
  const clientFinals: Array<number> = []
  let clientProvisionals = 0
  let serverRequests = 0
  let serverFinal: number | undefined
  let serverAcked = false
  let strayResponses = 0
  let ackCount = 0

  const request = makeTestRequest({
    method: scenario.method,
    transport: scenario.reliable ? "TCP" : "UDP",
    branch: "z9hG4bKpair1",
  })

  const labelOf = (m: SipMessage): string =>
    m._tag === "Request"
      ? m.method === "ACK"
        ? "ack"
        : "request"
      : m.status >= 200
        ? "final"
        : "provisional"

  const transmit = (from: Side, message: SipMessage): void => {
    const link = from === "client" ? toServer : toClient
    const to: Side = from === "client" ? "server" : "client"
    const label = labelOf(message)
    const times = link.transmit(
      agenda,
      agenda.now,
      { kind: "arrive", to, bytes: serializeMessage(message) },
      label,
    )
    if (to === "client") for (const at of times) noteResponse(at)
  }
  let firstResponse: number | undefined
  const noteResponse = (at: number) => {
    if (firstResponse === undefined || at < firstResponse) firstResponse = at
  }

  const handle = (side: Side, key: TransactionKey, outputs: ReadonlyArray<Output>): void => {
    for (const o of outputs) {
      switch (o._tag) {
        case "Send":
          transmit(side, o.message)
          break
        case "StartTimer":
          // StopTimer is deliberately not honoured: every stale firing reaches the machines.
          agenda.schedule(agenda.now + o.after, { kind: "timer", side, key, timer: o.timer, id: o.id })
          break
        case "StopTimer":
        case "TransportFailed":
          break
        case "Deliver":
          if (side === "client") clientTu(o.message)
          else serverTu(key, o.message)
          break
        case "Terminated":
          ends[side] = { at: agenda.now, reason: o.reason }
          break
      }
    }
  }

  const stepOn = (
    side: Side,
    key: TransactionKey,
    event: Parameters<typeof TransactionTable.step>[2],
  ): void => {
    const r = TransactionTable.step(tables[side], key, event)
    tables[side] = r.table
    handle(side, key, r.outputs)
  }

  // ------------------------------------------------------------------ client TU
  const clientTu = (message: SipMessage): void => {
    if (message._tag !== "Response") return
    if (message.status < 200) {
      clientProvisionals++
      return
    }
    clientFinals.push(message.status)
    if (scenario.method === "INVITE" && message.status < 300)
      transmit("client", ackFor2xx(request, message, ++ackCount))
  }

  // ------------------------------------------------------------------ server TU and core
  const serverTu = (key: TransactionKey, message: SipMessage): void => {
    if (message._tag !== "Request") return
    if (message.method === "ACK") {
      serverAcked = true
      return
    }
    serverRequests++
    if (scenario.provisional) {
      agenda.schedule(agenda.now + scenario.tuDelay / 2, {
        kind: "tu",
        run: () => stepOn("server", key, respond(makeResponse(message, 180, { toTag: "srv" }))),
      })
    }
    agenda.schedule(agenda.now + scenario.tuDelay, {
      kind: "tu",
      run: () => {
        const final = makeResponse(message, scenario.status, { toTag: "srv" })
        serverFinal = scenario.status
        stepOn("server", key, respond(final))
        if (scenario.method === "INVITE" && scenario.status < 300 && !scenario.reliable) {
          retransmit2xx(key, final, agenda.now, t1)
        }
      },
    })
  }

  /** §13.3.1.4: the UAS core retransmits the 2xx at T1, doubling to T2, until the ACK or 64·T1. */
  const retransmit2xx = (key: TransactionKey, final: Response, since: number, interval: number): void => {
    agenda.schedule(agenda.now + interval, {
      kind: "tu",
      run: () => {
        if (serverAcked || agenda.now - since >= 64 * t1) return
        if (TransactionTable.has(tables.server, key)) stepOn("server", key, respond(final))
        else transmit("server", final)
        retransmit2xx(key, final, since, Math.min(2 * interval, t2))
      },
    })
  }

  // ------------------------------------------------------------------ arrivals and timers
  const arrive = (to: Side, bytes: Uint8Array): void => {
    const parsed = parseMessage(bytes)
    if (parsed._tag === "Err") throw new Error(`unparsable: ${parsed.error.reason}`)
    const message = parsed.value
    const routed = TransactionTable.route(tables[to], message)
    if (routed._tag === "Invalid") throw new Error(`invalid: ${routed.error.reason}`)
    if (routed._tag === "Match") {
      stepOn(to, routed.key, receive(message))
      return
    }
    if (to === "client") {
      strayResponses++
      return
    }
    if (message._tag === "Request" && message.method === "ACK") {
      serverAcked = true
      return
    }
    if (message._tag !== "Request") return
    const started = TransactionTable.startServer(tables.server, message, options)
    if (started._tag === "Err") throw new Error(`cannot start: ${JSON.stringify(started.error)}`)
    tables.server = started.value.table
    handle("server", started.value.key, started.value.outputs)
  }

  const started = TransactionTable.startClient(tables.client, request, options)
  if (started._tag === "Err") throw new Error("cannot start the client")
  tables.client = started.value.table
  const clientKey = started.value.key
  handle("client", clientKey, started.value.outputs)
  if (scenario.method === "INVITE") {
    agenda.schedule(scenario.giveUpAfter ?? 96 * t1, {
      kind: "tu",
      run: () => {
        if (!TransactionTable.has(tables.client, clientKey)) return
        tables.client = TransactionTable.remove(tables.client, clientKey)
        ends.client = { at: agenda.now, reason: { _tag: "Abandoned" } }
      },
    })
  }

  let events = 0
  for (let item = agenda.next(); item !== undefined; item = agenda.next()) {
    if (++events > 100_000) throw new Error("the simulation does not settle")
    const it = item.item
    if (it.kind === "arrive") arrive(it.to, it.bytes)
    else if (it.kind === "timer") stepOn(it.side, it.key, timerFired(it.timer, it.id))
    else it.run()
  }

  return {
    clientFinals,
    clientProvisionals,
    clientEnd: ends.client,
    serverRequests,
    serverFinal,
    serverEnd: ends.server,
    serverAcked,
    strayResponses,
    leftover: { client: tables.client.size, server: tables.server.size },
    firstArrival: (label) =>
      label === "request"
        ? toServer.firstArrival("request")
        : label === "ack"
          ? toServer.firstArrival("ack")
          : label === "final"
            ? toClient.firstArrival("final")
            : firstResponse,
    events,
  }
}

/** §13.2.2.4: the UAC core's ACK for a 2xx — a new transaction (its own branch), CSeq number of the INVITE. */
const ackFor2xx = (invite: Request, response: Response, n: number): Request => {
  const to = response.headers.find((h) => h.name === "To")?.value ?? ""
  return makeRequest({
    method: "ACK",
    uri: invite.uri,
    headers: [
      ["Via", `SIP/2.0/UDP client.example.com:5060;branch=z9hG4bKack${n}`],
      ["Max-Forwards", "70"],
      ["To", to],
      ["From", invite.headers.find((h) => h.name === "From")?.value ?? ""],
      ["Call-ID", invite.headers.find((h) => h.name === "Call-ID")?.value ?? ""],
      ["CSeq", "314159 ACK"],
    ],
  })
}
