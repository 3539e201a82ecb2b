/**
 * Transport — the contract every socket transport (UDP, TCP, TLS, WS, WSS) fulfils.
 *
 * A transport is a scoped resource: created in a `Scope`, its sockets and connections are closed when the scope
 * closes. It deals in bytes and addresses; what a byte sequence means is decided by the `Framing` it was given
 * (the SIP codec in production). Everything that arrives — a framed message, a malformed one, a closed
 * connection — is offered to ONE inbound queue shared by every transport of an endpoint, so the engine handles
 * input one event at a time.
 *
 * Never: parses SIP itself, decides where a message goes, or retries.
 */
import { Data, type Effect, type Queue } from "effect"
import type { HostPort, PeerAddress, TransportKind } from "../Address.js"

/** A framing fault: what was wrong and the status a server would answer (the codec's `ParseError` fits). */
export interface FramingError {
  readonly reason: string
  readonly status: number
}

export type FramingResult<M> =
  | { readonly _tag: "Ok"; readonly value: M }
  | { readonly _tag: "Err"; readonly error: FramingError }

/** How bytes become messages: whole datagrams (UDP, one WebSocket message) or a byte stream (TCP, TLS). */
export interface Framing<M> {
  readonly datagram: (bytes: Uint8Array) => FramingResult<M>
  /** A fresh stream framer per connection; after an error it must keep failing. */
  readonly stream: () => (chunk: Uint8Array) => {
    readonly messages: ReadonlyArray<M>
    readonly error?: FramingError | undefined
  }
}

export type Inbound<M> =
  | {
      readonly _tag: "Message"
      readonly message: M
      readonly remote: PeerAddress
      readonly local: HostPort
      /** The connection it came on (reliable transports), to send the response back on (§18.2.2). */
      readonly connection: string | undefined
    }
  | {
      readonly _tag: "Malformed"
      readonly error: FramingError
      readonly remote: PeerAddress
      readonly local: HostPort
      readonly connection: string | undefined
      /** The raw datagram, when there was one (UDP/WS) — a server may still answer 400 if it can find a Via. */
      readonly bytes: Uint8Array | undefined
    }
  | {
      /** A connection went away (peer close, error, idle timeout, or we closed it for garbage). */
      readonly _tag: "Closed"
      readonly remote: PeerAddress
      readonly connection: string
      readonly reason: string
    }

export class TransportError extends Data.TaggedError("TransportError")<{
  readonly transport: TransportKind
  readonly reason: string
  readonly remote?: string | undefined
  readonly cause?: unknown
}> {
  override get message(): string {
    return `${this.transport}: ${this.reason}${this.remote === undefined ? "" : ` (${this.remote})`}`
  }
}

export interface Transport {
  readonly kind: TransportKind
  /** The bound local address (the real port when 0 was asked). */
  readonly local: HostPort
  /**
   * Sends one message. Reliable transports reuse the open connection to `remote` (or `connection` when given and
   * still open, §18.2.2) and open one when there is none.
   */
  readonly send: (
    remote: HostPort,
    bytes: Uint8Array,
    connection?: string,
  ) => Effect.Effect<void, TransportError>
  /**
   * The same send done at once, for a transport whose send never waits (UDP): the error, or undefined when the
   * message was handed to the socket. Absent on transports that may have to wait (a connection to open).
   */
  readonly sendNow?: ((remote: HostPort, bytes: Uint8Array) => TransportError | undefined) | undefined
  /** Open connections (0 for UDP). */
  readonly connectionCount: Effect.Effect<number>
  /** Closes one connection (no-op when unknown). */
  readonly closeConnection: (connection: string) => Effect.Effect<void>
}

export interface TransportOptions<M> {
  /** Address to bind; `::1`, `127.0.0.1`, `0.0.0.0`, `::`. */
  readonly host: string
  /** Port to bind; 0 for an ephemeral one. */
  readonly port: number
  readonly framing: Framing<M>
  readonly inbound: Queue.Queue<Inbound<M>>
  /** Where events go instead of `inbound` when given: the endpoint's inbox (engine/Inbox.ts), handling each at once. */
  readonly deliver?: ((event: Inbound<M>) => void) | undefined
}

export interface TlsFiles {
  /** PEM certificate chain (file contents). */
  readonly cert: string | Uint8Array
  readonly key: string | Uint8Array
  /** Trusted CAs for the client side (a self-signed peer's certificate in tests). */
  readonly ca?: string | Uint8Array | undefined
  /** Defaults to true. */
  readonly rejectUnauthorized?: boolean | undefined
}
