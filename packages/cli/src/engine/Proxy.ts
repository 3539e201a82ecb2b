/**
 * Proxy — `sip listen --proxy`: the RFC 3261 §16 stateful forking proxy of @sipkit/fsm/proxy (its ProxyEndpoint
 * reducer, with its own transaction table) on the listener's socket. This file only runs it: sends go out on the
 * socket (a next-hop URI is sent to its host:port, no DNS), transaction timers and Timer C become setTimeouts, and
 * every message sent is traced for the ladder.
 *
 * Which messages are the proxy's (`claims`): responses and CANCEL/ACK that match its transactions, requests that
 * carry a Route (in-dialog requests through our Record-Route, or an outbound-proxy Route to us), and requests whose
 * Request-URI is an AOR with live bindings. REGISTER and everything else stay with the UAS/registrar.
 */
import { getHeaderValues, parseUri, type Request, type SipMessage, serializeMessage } from "@sipkit/codec"
import {
  type EndpointOutput,
  type EndpointState,
  initialEndpointState,
  makeProxyConfig,
  stepEndpoint,
} from "@sipkit/fsm/proxy"
import { type Binding, canonicalAor } from "@sipkit/fsm/registrar"
import { cancelTargetKey, TransactionTable } from "@sipkit/fsm/transaction"
import type { LadderEvent } from "../Ladder.js"
import { formatHostPort, type HostPort } from "../options/Common.js"
import { newTag } from "./Ids.js"
import { uriDestination } from "./Uac.js"
import type { UdpSocket } from "./Udp.js"

export interface ProxyCore {
  /** Whether this message is the proxy's to handle. */
  readonly claims: (message: SipMessage) => boolean
  readonly receive: (message: SipMessage) => void
  readonly forwarded: () => number
  readonly close: () => void
}

export interface ProxyCoreConfig {
  readonly socket: UdpSocket
  readonly domains: ReadonlyArray<string>
  /** The registrar's live bindings of an AOR (canonical `sip:user@domain`), at `now` (ms, Date.now clock). */
  readonly bindings: (aor: string, now: number) => ReadonlyArray<Binding>
  readonly trace: (event: LadderEvent) => void
  /** Milliseconds since the ladder's start (for the trace only). */
  readonly now: () => number
}

/** The AOR a Request-URI names, as the registrar keys bindings (only when it has a user part). */
const aorOf = (uri: string): string | undefined => {
  const parsed = parseUri(uri)
  if (parsed._tag === "Err" || parsed.value._tag !== "SipUri" || parsed.value.user === undefined)
    return undefined
  const aor = canonicalAor(uri)
  return aor._tag === "Ok" ? aor.value : undefined
}

export const makeProxyCore = (config: ProxyCoreConfig): ProxyCore => {
  const { socket } = config
  const local = formatHostPort(socket.local)
  const proxy = makeProxyConfig({
    host: socket.local.host,
    port: socket.local.port,
    domains: [...config.domains],
    aliases: ["localhost"],
  })
  const endpointConfig = { proxy }
  // The fsm proxy looks up every Request-URI of its domains (§16.5) — also the remote target of an in-dialog request
  // once our Route is popped, which on loopback is an address of the same host (127.0.0.1). An unregistered URI with
  // an explicit port is such a contact, not an AOR: it is its own target.
  const location = {
    get: (aor: string, now: number): ReadonlyArray<Binding> => {
      const bound = config.bindings(aor, now)
      if (bound.length > 0 || !/:\d+$/.test(aor)) return bound
      return [
        {
          uri: aor,
          expiresAt: now + 1,
          q: undefined,
          callId: "",
          cseq: 0,
          instance: undefined,
          regId: undefined,
        },
      ]
    },
  }
  let state: EndpointState = initialEndpointState
  let forwarded = 0
  const timers = new Map<string, NodeJS.Timeout>()

  const send = (message: SipMessage, to: HostPort) => {
    if (message._tag === "Request") forwarded++
    config.trace({ at: config.now(), from: local, to: formatHostPort(to), message })
    socket.send(serializeMessage(message), to)
  }

  const act = (outputs: ReadonlyArray<EndpointOutput>) => {
    for (const output of outputs) {
      switch (output._tag) {
        case "Send": {
          const d = output.destination
          send(
            output.message,
            d._tag === "Address"
              ? { host: d.host.replace(/^\[|\]$/g, ""), port: d.port }
              : uriDestination(d.uri, socket.local),
          )
          break
        }
        case "StartTimer": {
          const name = `${output.key}#${output.id}`
          timers.set(
            name,
            setTimeout(() => {
              timers.delete(name)
              step({
                _tag: "TransactionTimerFired",
                key: output.key,
                timer: output.timer,
                id: output.id,
                now: Date.now(),
              })
            }, output.after),
          )
          break
        }
        case "StopTimer": {
          const name = `${output.key}#${output.id}`
          clearTimeout(timers.get(name))
          timers.delete(name)
          break
        }
        case "SetTimerC": {
          const name = `C#${output.branch}`
          clearTimeout(timers.get(name))
          timers.set(
            name,
            setTimeout(
              () => {
                timers.delete(name)
                step({ _tag: "TimerCFired", branch: output.branch, now: Date.now() })
              },
              Math.max(0, output.at - Date.now()),
            ),
          )
          break
        }
        case "ClearTimerC": {
          const name = `C#${output.branch}`
          clearTimeout(timers.get(name))
          timers.delete(name)
          break
        }
        case "Absorbed":
          break
      }
    }
  }

  const step = (event: Parameters<typeof stepEndpoint>[2]) => {
    const stepped = stepEndpoint(endpointConfig, state, event)
    state = stepped.state
    act(stepped.outputs)
  }

  const matches = (message: SipMessage) => TransactionTable.route(state.table, message)._tag === "Match"

  const claims = (message: SipMessage): boolean => {
    if (message._tag === "Response") return matches(message)
    const request: Request = message
    if (request.method === "REGISTER") return false
    if (request.method === "CANCEL") {
      const target = cancelTargetKey(request)
      return matches(request) || (target._tag === "Ok" && TransactionTable.has(state.table, target.value))
    }
    if (matches(request)) return true
    if (getHeaderValues(request, "Route").length > 0) return true
    const aor = aorOf(request.uri)
    return aor !== undefined && config.bindings(aor, Date.now()).length > 0
  }

  return {
    claims,
    receive: (message) =>
      step({ _tag: "MessageReceived", message, now: Date.now(), token: newTag(), location }),
    forwarded: () => forwarded,
    close: () => {
      for (const timer of timers.values()) clearTimeout(timer)
      timers.clear()
    },
  }
}
