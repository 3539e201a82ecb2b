/**
 * StreamTransport — TCP and TLS (RFC 3261 §18, node:net / node:tls). Listens (unless told not to) and connects on
 * demand; every connection gets its own framer (§18.3: Content-Length framing, CRLF keep-alives, size limits).
 *
 * A peer that sends bytes the framer rejects, or more than `maxUnframedBytes` without completing a message, gets
 * its connection closed (a `Malformed` then a `Closed` event); the other connections carry on. Idle connections
 * are closed after `idleTimeoutMs`. Connections are reused by peer address (`Connections.ts`).
 *
 * Never: retries a failed connect (the transaction sees the transport error, §17.1.4), or buffers unboundedly.
 */
import * as net from "node:net"
import * as tls from "node:tls"
import { Effect, Queue } from "effect"
import { type HostPort, isIpLiteral, normalizeHost, type PeerAddress, peerKey } from "../Address.js"
import {
  type Connection,
  closeAll,
  makeConnections,
  makeConnectionTransport,
  makeConnector,
  nextConnectionId,
} from "./Connections.js"
import { type TlsFiles, TransportError, type TransportOptions } from "./Transport.js"

export interface StreamTransportOptions<M> extends TransportOptions<M> {
  readonly kind: "TCP" | "TLS"
  /** Required for TLS: the listener's certificate and key, and the CA a client trusts. */
  readonly tls?: TlsFiles | undefined
  /** Accept connections (default true). A client-only transport still receives on the connections it opens. */
  readonly listen?: boolean | undefined
  readonly idleTimeoutMs?: number | undefined
  readonly connectTimeoutMs?: number | undefined
  /** Bytes a peer may send without completing a message before it is cut off (default 256 KiB). */
  readonly maxUnframedBytes?: number | undefined
}

const toBytes = (chunk: Buffer): Uint8Array =>
  new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)

export const makeStreamTransport = <M>(options: StreamTransportOptions<M>) =>
  Effect.gen(function* () {
    const kind = options.kind
    const idleTimeoutMs = options.idleTimeoutMs ?? 300_000
    const connectTimeoutMs = options.connectTimeoutMs ?? 5_000
    const maxUnframed = options.maxUnframedBytes ?? 256 * 1024
    const table = makeConnections()
    const fail = (reason: string, remote?: string, cause?: unknown) =>
      new TransportError({ transport: kind, reason, remote, cause })

    if (kind === "TLS" && options.tls === undefined)
      return yield* Effect.fail(fail("TLS needs a certificate"))

    /** Wires a connected socket: framing, idle timeout, close bookkeeping. */
    const attach = (socket: net.Socket): Connection => {
      const remote: PeerAddress = {
        transport: kind,
        host: normalizeHost(socket.remoteAddress ?? "0.0.0.0"),
        port: socket.remotePort ?? 0,
      }
      const local: HostPort = { host: normalizeHost(socket.localAddress ?? ""), port: socket.localPort ?? 0 }
      const frame = options.framing.stream()
      let closeReason = "closed by peer"
      let unframed = 0
      const connection: Connection = {
        id: nextConnectionId(kind.toLowerCase()),
        remote,
        isOpen: () => !socket.destroyed && socket.writable,
        close: (reason) => {
          closeReason = reason
          socket.destroy()
        },
        write: (bytes) =>
          Effect.callback<void, TransportError>((resume) => {
            if (socket.destroyed) return resume(Effect.fail(fail("connection closed", peerKey(remote))))
            socket.write(bytes, (cause) =>
              resume(cause ? Effect.fail(fail(cause.message, peerKey(remote), cause)) : Effect.void),
            )
          }),
      }
      table.add(connection)
      socket.setNoDelay(true)
      socket.setTimeout(idleTimeoutMs, () => connection.close("idle timeout"))
      socket.on("data", (chunk: Buffer) => {
        const framed = frame(toBytes(chunk))
        unframed = framed.messages.length > 0 ? 0 : unframed + chunk.byteLength
        for (const message of framed.messages) {
          Queue.offerUnsafe(options.inbound, {
            _tag: "Message",
            message,
            remote,
            local,
            connection: connection.id,
          })
        }
        if (framed.error !== undefined || unframed > maxUnframed) {
          const error = framed.error ?? {
            reason: `more than ${maxUnframed} bytes without a message`,
            status: 413,
          }
          Queue.offerUnsafe(options.inbound, {
            _tag: "Malformed",
            error,
            remote,
            local,
            connection: connection.id,
            bytes: undefined,
          })
          connection.close(`framing error: ${error.reason}`)
        }
      })
      socket.on("error", (cause) => {
        closeReason = `error: ${cause.message}`
      })
      socket.on("close", () => {
        table.remove(connection)
        Queue.offerUnsafe(options.inbound, {
          _tag: "Closed",
          remote,
          connection: connection.id,
          reason: closeReason,
        })
      })
      return connection
    }

    const dial = (remote: HostPort) =>
      Effect.callback<Connection, TransportError>((resume) => {
        const host = normalizeHost(remote.host)
        const files = options.tls
        const socket =
          kind === "TLS"
            ? tls.connect({
                host,
                port: remote.port,
                ...(isIpLiteral(host) ? {} : { servername: host }),
                ...(files?.ca !== undefined ? { ca: files.ca as string } : {}),
                rejectUnauthorized: files?.rejectUnauthorized ?? true,
              })
            : net.connect({ host, port: remote.port })
        let connected = false
        const timer = setTimeout(() => socket.destroy(new Error("connect timeout")), connectTimeoutMs)
        const onError = (cause: Error) => {
          clearTimeout(timer)
          resume(Effect.fail(fail(`connect failed: ${cause.message}`, `${host}:${remote.port}`, cause)))
        }
        socket.once("error", onError)
        socket.once(kind === "TLS" ? "secureConnect" : "connect", () => {
          clearTimeout(timer)
          connected = true
          socket.off("error", onError)
          resume(Effect.succeed(attach(socket)))
        })
        return Effect.sync(() => {
          clearTimeout(timer)
          if (!connected) socket.destroy()
        })
      })

    const connectionTo = makeConnector(kind, table, dial)

    const sockets = new Set<net.Socket>()
    const server: net.Server | undefined =
      options.listen === false
        ? undefined
        : kind === "TLS"
          ? tls.createServer({ cert: options.tls!.cert as string, key: options.tls!.key as string })
          : net.createServer()
    let local: HostPort = { host: normalizeHost(options.host), port: options.port }
    if (server !== undefined) {
      server.on(kind === "TLS" ? "secureConnection" : "connection", (socket: net.Socket) => {
        sockets.add(socket)
        socket.on("close", () => sockets.delete(socket))
        attach(socket)
      })
      server.on("tlsClientError", () => {
        // a failed handshake closes that socket only
      })
      yield* Effect.acquireRelease(
        Effect.callback<void, TransportError>((resume) => {
          const onError = (cause: Error) => resume(Effect.fail(fail(`listen failed: ${cause.message}`)))
          server.once("error", onError)
          server.listen({ host: normalizeHost(options.host), port: options.port, ipv6Only: true }, () => {
            server.off("error", onError)
            resume(Effect.void)
          })
        }),
        () =>
          Effect.callback<void>((resume) => {
            server.close(() => resume(Effect.void))
            closeAll(table)
          }),
      )
      const address = server.address() as net.AddressInfo
      local = { host: normalizeHost(address.address), port: address.port }
    } else {
      yield* Effect.addFinalizer(() => Effect.sync(() => closeAll(table)))
    }

    return makeConnectionTransport(kind, local, table, connectionTo)
  })
