/**
 * Config — the endpoint's configuration, validated by a Schema (so a CLI flag, a JSON file or an environment
 * variable all go through the same check). Defaults are the RFC's: T1 500 ms, T2 4 s, T4 5 s; MTU rule on.
 */
import { Schema } from "effect"

export const TransportName = Schema.Literals(["UDP", "TCP", "TLS", "WS", "WSS"])

export const ListenerConfig = Schema.Struct({
  transport: TransportName,
  /** Bind address: `127.0.0.1`, `::1`, `0.0.0.0`, `::`. */
  host: Schema.String,
  /** 0 = any free port. */
  port: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 65535 })),
  /** TLS/WSS: PEM file paths. `caFile` is trusted when we connect out. */
  certFile: Schema.optional(Schema.String),
  keyFile: Schema.optional(Schema.String),
  caFile: Schema.optional(Schema.String),
  /** What we write in Via sent-by and Contact when different from the bound address (NAT, 0.0.0.0). */
  advertiseHost: Schema.optional(Schema.String),
  advertisePort: Schema.optional(Schema.Int),
  /** Accept incoming connections (stream transports); default true. */
  listen: Schema.optional(Schema.Boolean),
})
export type ListenerConfig = typeof ListenerConfig.Type

export const EndpointConfig = Schema.Struct({
  listeners: Schema.Array(ListenerConfig).check(Schema.isMinLength(1)),
  /** The user part and display name we use in From/Contact when the application does not say. */
  user: Schema.optional(Schema.String),
  userAgent: Schema.optional(Schema.String),
  timers: Schema.optional(
    Schema.Struct({
      t1: Schema.optional(Schema.Number),
      t2: Schema.optional(Schema.Number),
      t4: Schema.optional(Schema.Number),
    }),
  ),
  /** Path MTU for the §18.1.1 rule; unknown → 1300-byte limit. */
  mtu: Schema.optional(Schema.Int),
  /** §18.1.1 switch from UDP to TCP for large requests (default true). */
  switchToTcpAboveMtu: Schema.optional(Schema.Boolean),
  idleTimeoutMs: Schema.optional(Schema.Number),
  /** How long graceful shutdown waits for live transactions (default 5 s). */
  shutdownTimeoutMs: Schema.optional(Schema.Number),
  /** Log one line per message in/out (default true). */
  logMessages: Schema.optional(Schema.Boolean),
  /** The Allow/Accept/Supported we advertise; defaults from the handlers given. */
  supported: Schema.optional(Schema.Array(Schema.String)),
})
export type EndpointConfig = typeof EndpointConfig.Type

export const decodeConfig = Schema.decodeUnknownEffect(EndpointConfig)
