/** Test endpoints on loopback: crypto ids, a static (empty) DNS zone, message logging off, short timers. */
import { Effect } from "effect"
import type { ListenerConfig } from "../../src/Config.js"
import { SipDns, type StaticZone, staticDns } from "../../src/dns/SipDns.js"
import { makeEndpoint } from "../../src/Endpoint.js"
import type { Handlers } from "../../src/Handlers.js"
import { cryptoIds, Ids } from "../../src/Ids.js"

export const udp4: ListenerConfig = { transport: "UDP", host: "127.0.0.1", port: 0 }
export const tcp4: ListenerConfig = { transport: "TCP", host: "127.0.0.1", port: 0 }

export const endpoint = (
  listeners: ReadonlyArray<ListenerConfig>,
  handlers: Handlers = {},
  extra: Record<string, unknown> = {},
  zone: StaticZone = {},
) =>
  makeEndpoint(
    {
      listeners,
      logMessages: false,
      timers: { t1: 50, t2: 400, t4: 500 },
      shutdownTimeoutMs: 1000,
      ...extra,
    },
    handlers,
  ).pipe(Effect.provideService(Ids, cryptoIds), Effect.provideService(SipDns, staticDns(zone)))

/** `sip:user@127.0.0.1:port;transport=x` for a listener of an endpoint. */
export const uriOf = (
  ep: {
    readonly listeners: ReadonlyArray<{
      readonly transport: string
      readonly local: { host: string; port: number }
    }>
  },
  transport = "UDP",
  user = "bob",
) => {
  const l = ep.listeners.find((x) => x.transport === transport)!
  const host = l.local.host.includes(":") ? `[${l.local.host}]` : l.local.host
  return `sip:${user}@${host}:${l.local.port}${transport === "UDP" ? "" : `;transport=${transport.toLowerCase()}`}`
}
