/**
 * Network — UA cores on top of the real transaction layer, joined by simulated links in virtual time, with an
 * optional stateless record-routing proxy in the middle (the seed's "SIP Proxy").
 *
 * Each party: a UA core (`step` of src/ua), a TransactionTable (src/transaction) and an application script that
 * reacts to the core's reports by scheduling commands. The links come from test/transaction/support/link.ts
 * (seeded loss, duplication, delay and reordering). Every message that enters a link is recorded in `trace`, so a
 * test can compare the exchange with a ladder, message by message.
 *
 * Routing (no DNS): a request goes to the host of its first Route, else of its Request-URI; a response to the host
 * of its top Via. Hosts name parties.
 */
import {
  getHeaderValues,
  getRoutes,
  getTopVia,
  isErr,
  parseUri,
  prependHeader,
  type Request,
  type Response,
  removeFirstHeaderValue,
  type SipMessage,
  viaBranch,
} from "@sipkit/codec"
import {
  receive,
  respond,
  type TimerName,
  TransactionTable,
  type Output as TxOutput,
  timerFired,
} from "../../../src/transaction/index.js"
import {
  type Command,
  makeUa,
  makeUaConfig,
  step,
  type UaConfig,
  type UaEvent,
  type UaOutput,
  type UaReport,
  type UaState,
  type UaTimer,
} from "../../../src/ua/index.js"
import { Agenda, Link, type LinkConfig, makeRng, perfect, type Rng } from "../../transaction/support/link.js"

type Item =
  | { readonly _tag: "Wire"; readonly from: string; readonly to: string; readonly message: SipMessage }
  | {
      readonly _tag: "TxTimer"
      readonly party: string
      readonly key: string
      readonly timer: TimerName
      readonly id: number
    }
  | { readonly _tag: "UaTimer"; readonly party: string; readonly timer: UaTimer }
  | { readonly _tag: "Command"; readonly party: string; readonly command: DistributiveOmit<Command, "nonce"> }

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

export type CommandInit = DistributiveOmit<Command, "nonce">

export interface TraceEntry {
  readonly at: number
  readonly from: string
  readonly to: string
  readonly message: SipMessage
}

export interface ReportEntry {
  readonly at: number
  readonly party: string
  readonly report: UaReport
}

/** What a party's application does when its core reports something. */
export type Script = (report: UaReport, net: Network, party: Party) => void

export interface Party {
  readonly name: string
  readonly host: string
  ua: UaState
  table: TransactionTable.TransactionTable
  /** client transaction key → the request that started it (for TransactionFailed). */
  readonly clientRequests: Map<string, Request>
  /** `branch method` of a received request → its server transaction key (to hand responses to it). */
  readonly serverKeys: Map<string, string>
  script: Script
  nonces: number
  /** Every UA output, with its time and a global order number. */
  readonly outputs: Array<{ readonly at: number; readonly order: number; readonly output: UaOutput }>
  /** Every event the UA core stepped on, with its time and a global order number. */
  readonly inputs: Array<{ readonly at: number; readonly order: number; readonly event: UaEvent }>
}

export interface PartyInit {
  readonly name: string
  /** `alice.example`; the Contact is `sip:<user>@<host>` and the Via sent-by `<host>:5060`. */
  readonly host: string
  readonly user?: string
  readonly config?: Partial<UaConfig>
  readonly script?: Script
}

export interface ProxyInit {
  readonly name: string
  readonly host: string
  /** The location service: the user part of an AOR → the host of its registered contact. */
  readonly location: ReadonlyMap<string, string>
  /** The domain the proxy is responsible for (`example.com`). */
  readonly domain: string
  /** Also Record-Route re-INVITEs, with a value that differs each time (a route set must ignore it, §12.2). */
  readonly recordRouteAll?: boolean
}

export const t1 = 500

const branchOf = (message: SipMessage): string => {
  const via = getTopVia(message)
  return isErr(via) ? "" : (viaBranch(via.value) ?? "")
}

const hostOf = (uri: string): string => {
  const parsed = parseUri(uri)
  return !isErr(parsed) && parsed.value._tag === "SipUri" ? parsed.value.host.toLowerCase() : ""
}

/** A ladder label: the method of a request, `status reason` of a response. */
export const label = (message: SipMessage): string =>
  message._tag === "Request" ? message.method : `${message.status} ${message.reason}`

export class Network {
  readonly agenda = new Agenda<Item>()
  readonly parties = new Map<string, Party>()
  readonly trace: Array<TraceEntry> = []
  readonly reports: Array<ReportEntry> = []
  private readonly byHost = new Map<string, string>()
  private readonly links = new Map<string, Link>()
  private readonly rng: Rng
  private proxy: ProxyInit | undefined
  private order = 0

  constructor(
    private readonly link: LinkConfig = perfect,
    seed = 1,
  ) {
    this.rng = makeRng(seed)
  }

  get now(): number {
    return this.agenda.now
  }

  addParty(init: PartyInit): Party {
    const user = init.user ?? init.name.toLowerCase()
    const config = makeUaConfig({
      contact: `sip:${user}@${init.host}`,
      via: `SIP/2.0/UDP ${init.host}:5060`,
      t1,
      ...init.config,
    })
    const party: Party = {
      name: init.name,
      host: init.host,
      ua: makeUa(config),
      table: TransactionTable.empty,
      clientRequests: new Map(),
      serverKeys: new Map(),
      script: init.script ?? (() => {}),
      nonces: 0,
      outputs: [],
      inputs: [],
    }
    this.parties.set(init.name, party)
    this.byHost.set(init.host, init.name)
    return party
  }

  addProxy(init: ProxyInit): void {
    this.proxy = init
    this.byHost.set(init.host, init.name)
    this.byHost.set(init.domain, init.name)
  }

  party(name: string): Party {
    const party = this.parties.get(name)
    if (party === undefined) throw new Error(`no party ${name}`)
    return party
  }

  /** Schedule an application command `after` ms from now. */
  command(party: string, command: CommandInit, after = 0): void {
    this.agenda.schedule(this.now + after, { _tag: "Command", party, command })
  }

  /** Run until nothing is left or `until` ms; bounded. */
  run(until = 120_000): void {
    for (let i = 0; i < 100_000; i++) {
      const before = this.agenda.now
      const next = this.agenda.next()
      if (next === undefined) return
      if (next.at > until) {
        this.agenda.now = before
        this.agenda.schedule(next.at, next.item)
        return
      }
      this.handle(next.item)
    }
    throw new Error("the network never went quiet")
  }

  /** The trace as ladder lines `From->To: label`. */
  ladder(filter: (entry: TraceEntry) => boolean = () => true): ReadonlyArray<string> {
    return this.trace.filter(filter).map((e) => `${e.from}->${e.to}: ${label(e.message)}`)
  }

  reportsOf(party: string): ReadonlyArray<UaReport> {
    return this.reports.filter((r) => r.party === party).map((r) => r.report)
  }

  // ------------------------------------------------------------------------------------------ internals

  private handle(item: Item): undefined {
    switch (item._tag) {
      case "Wire":
        return this.arrive(item.to, item.message)
      case "TxTimer":
        return this.txStep(this.party(item.party), item.key, timerFired(item.timer, item.id))
      case "UaTimer":
        return this.uaStep(this.party(item.party), { _tag: "TimerFired", timer: item.timer, nonce: "" })
      case "Command":
        return this.uaStep(this.party(item.party), { ...item.command, nonce: "" } as UaEvent)
    }
  }

  private send(from: string, message: SipMessage): undefined {
    const to = this.destination(message)
    if (to === undefined) return
    this.trace.push({ at: this.now, from, to, message })
    const key = `${from}->${to}`
    let link = this.links.get(key)
    if (link === undefined) {
      link = new Link(this.rng, this.link)
      this.links.set(key, link)
    }
    link.transmit(this.agenda, this.now, { _tag: "Wire", from, to, message }, `${this.trace.length}`)
  }

  private destination(message: SipMessage): string | undefined {
    if (message._tag === "Response") {
      const via = getTopVia(message)
      return isErr(via) ? undefined : this.byHost.get(via.value.host.toLowerCase())
    }
    const routes = getRoutes(message)
    const first = isErr(routes) ? undefined : routes.value[0]
    return this.byHost.get(hostOf(first?.uri ?? message.uri))
  }

  private arrive(to: string, message: SipMessage): undefined {
    if (this.proxy !== undefined && to === this.proxy.name) return this.relay(this.proxy, message)
    const party = this.party(to)
    const route = TransactionTable.route(party.table, message)
    if (route._tag === "Invalid") return
    if (route._tag === "Match") return this.txStep(party, route.key, receive(message))
    if (message._tag === "Response") return
    if (message.method === "ACK")
      return this.uaStep(party, { _tag: "RequestReceived", request: message, nonce: "" })
    const started = TransactionTable.startServer(party.table, message, { reliable: false })
    if (isErr(started)) return
    party.table = started.value.table
    party.serverKeys.set(`${branchOf(message)} ${message.method}`, started.value.key)
    this.txOutputs(party, started.value.key, started.value.outputs)
  }

  private txStep(party: Party, key: string, event: Parameters<typeof TransactionTable.step>[2]): undefined {
    const stepped = TransactionTable.step(party.table, key, event)
    party.table = stepped.table
    this.txOutputs(party, key, stepped.outputs)
  }

  private txOutputs(party: Party, key: string, outputs: ReadonlyArray<TxOutput>): undefined {
    for (const output of outputs) {
      switch (output._tag) {
        case "Send":
          this.send(party.name, output.message)
          break
        case "Deliver":
          this.uaStep(
            party,
            output.message._tag === "Request"
              ? { _tag: "RequestReceived", request: output.message, nonce: "" }
              : { _tag: "ResponseReceived", response: output.message, nonce: "" },
          )
          break
        case "StartTimer":
          this.agenda.schedule(this.now + output.after, {
            _tag: "TxTimer",
            party: party.name,
            key,
            timer: output.timer,
            id: output.id,
          })
          break
        case "Terminated": {
          const request = party.clientRequests.get(key)
          party.clientRequests.delete(key)
          if (request !== undefined && output.reason._tag !== "Normal")
            this.uaStep(party, {
              _tag: "TransactionFailed",
              request,
              reason: output.reason._tag === "Timeout" ? "Timeout" : "TransportError",
              nonce: "",
            })
          break
        }
        case "StopTimer":
        case "TransportFailed":
          break
      }
    }
  }

  private uaStep(party: Party, event: UaEvent): undefined {
    const nonce = `${party.name.toLowerCase()}${++party.nonces}`
    party.inputs.push({ at: this.now, order: this.order++, event })
    const result = step(party.ua, { ...event, nonce } as UaEvent)
    party.ua = result.state
    for (const output of result.outputs) {
      party.outputs.push({ at: this.now, order: this.order++, output })
      this.uaOutput(party, output)
    }
  }

  private uaOutput(party: Party, output: UaOutput): undefined {
    switch (output._tag) {
      case "SendRequest": {
        const started = TransactionTable.startClient(party.table, output.request, { reliable: false })
        if (isErr(started)) return
        party.table = started.value.table
        party.clientRequests.set(started.value.key, output.request)
        return this.txOutputs(party, started.value.key, started.value.outputs)
      }
      case "SendAck":
        return this.send(party.name, output.request)
      case "SendResponse": {
        const cseqMethod = methodOf(output.response)
        const key = party.serverKeys.get(`${branchOf(output.response)} ${cseqMethod}`)
        if (key === undefined) return
        return this.txStep(party, key, respond(output.response))
      }
      case "StartTimer":
        this.agenda.schedule(this.now + output.after, {
          _tag: "UaTimer",
          party: party.name,
          timer: output.timer,
        })
        return
      case "StopTimer":
        return
      case "Report":
        this.reports.push({ at: this.now, party: party.name, report: output.report })
        party.script(output.report, this, party)
        return
    }
  }

  /**
   * A stateless proxy (§16.11) that record-routes dialog-creating requests (§16.6 step 4) and resolves AORs of
   * its domain through its location map. Its branch is derived from the incoming one, so retransmissions and the
   * CANCEL get the same branch (§16.11).
   */
  private relay(proxy: ProxyInit, message: SipMessage): undefined {
    if (message._tag === "Response") {
      return this.send(proxy.name, removeFirstHeaderValue(message, "Via"))
    }
    let request: Request = message
    const routes = getRoutes(request)
    if (!isErr(routes) && routes.value[0] !== undefined && hostOf(routes.value[0].uri) === proxy.host)
      request = removeFirstHeaderValue(request, "Route")
    const target = hostOf(request.uri)
    if (target === proxy.domain) {
      const user = /^sips?:([^@]+)@/.exec(request.uri)?.[1] ?? ""
      const host = proxy.location.get(user)
      if (host !== undefined) request = { ...request, uri: `sip:${user}@${host}` }
    }
    const dialogCreating =
      request.method === "INVITE" && !/;\s*tag=/i.test(getHeaderValues(request, "To")[0] ?? "")
    if (dialogCreating) request = prependHeader(request, "Record-Route", `<sip:${proxy.host};lr>`)
    else if (request.method === "INVITE" && proxy.recordRouteAll === true)
      request = prependHeader(request, "Record-Route", `<sip:${proxy.host};lr;rr=${this.trace.length}>`)
    request = prependHeader(
      request,
      "Via",
      `SIP/2.0/UDP ${proxy.host};branch=z9hG4bKp${branchOf(request).slice(7)}`,
    )
    this.send(proxy.name, request)
  }
}

const methodOf = (response: Response): string => {
  const cseq = getHeaderValues(response, "CSeq")[0] ?? ""
  return cseq.trim().split(/\s+/)[1] ?? ""
}
