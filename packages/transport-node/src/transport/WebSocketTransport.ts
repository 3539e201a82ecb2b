/**
 * WebSocketTransport — SIP over WebSocket, RFC 7118 (the `ws` package; WSS over node:https). The handshake must
 * negotiate the `sip` subprotocol (§4.1: a server refuses a handshake without it); each WebSocket message carries
 * exactly one SIP message (§4.2, so no stream framing — the datagram framing applies). Connections are reused by
 * peer address and responses go back on the connection of their request, as for TCP.
 *
 * Never: accepts a connection that did not ask for `sip`, or splits/joins messages across frames.
 */
import * as http from "node:http"
import * as https from "node:https"
import { Effect, Queue } from "effect"
import { WebSocket, WebSocketServer } from "ws"
import { type HostPort, hostForUri, normalizeHost, type PeerAddress, peerKey } from "../Address.js"
import {
  type Connection,
  closeAll,
  makeConnections,
  makeConnectionTransport,
  makeConnector,
  nextConnectionId,
} from "./Connections.js"
import { type TlsFiles, TransportError, type TransportOptions } from "./Transport.js"

export const sipSubprotocol = "sip"

export interface WebSocketTransportOptions<M> extends TransportOptions<M> {
  readonly kind: "WS" | "WSS"
  readonly tls?: TlsFiles | undefined
  readonly listen?: boolean | undefined
  /** Path of the WebSocket endpoint (default `/`). */
  readonly path?: string | undefined
  readonly idleTimeoutMs?: number | undefined
  readonly connectTimeoutMs?: number | undefined
  /** Largest WebSocket message accepted (default 64 KiB); a bigger one closes the connection. */
  readonly maxMessageBytes?: number | undefined
}

const toBytes = (data: WebSocket.RawData): Uint8Array => {
  const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}

export const makeWebSocketTransport = <M>(options: WebSocketTransportOptions<M>) =>
  Effect.gen(function* () {
    const kind = options.kind
    const idleTimeoutMs = options.idleTimeoutMs ?? 300_000
    const connectTimeoutMs = options.connectTimeoutMs ?? 5_000
    const maxPayload = options.maxMessageBytes ?? 64 * 1024
    const table = makeConnections()
    const fail = (reason: string, remote?: string, cause?: unknown) =>
      new TransportError({ transport: kind, reason, remote, cause })
    if (kind === "WSS" && options.tls === undefined)
      return yield* Effect.fail(fail("WSS needs a certificate"))

    const attach = (ws: WebSocket, remote: PeerAddress, local: HostPort): Connection => {
      let closeReason = "closed by peer"
      let idle: NodeJS.Timeout | undefined
      const connection: Connection = {
        id: nextConnectionId(kind.toLowerCase()),
        remote,
        isOpen: () => ws.readyState === WebSocket.OPEN,
        close: (reason) => {
          closeReason = reason
          ws.terminate()
        },
        write: (bytes) =>
          Effect.callback<void, TransportError>((resume) => {
            if (ws.readyState !== WebSocket.OPEN)
              return resume(Effect.fail(fail("connection closed", peerKey(remote))))
            // RFC 7118 §4.2: text frames for UTF-8 messages are allowed, binary always is; we send binary.
            ws.send(bytes, { binary: true }, (cause) =>
              resume(cause ? Effect.fail(fail(cause.message, peerKey(remote), cause)) : Effect.void),
            )
          }),
      }
      const touch = () => {
        clearTimeout(idle)
        idle = setTimeout(() => connection.close("idle timeout"), idleTimeoutMs)
      }
      touch()
      table.add(connection)
      ws.on("message", (data) => {
        touch()
        const bytes = toBytes(data)
        const framed = options.framing.datagram(bytes)
        Queue.offerUnsafe(
          options.inbound,
          framed._tag === "Ok"
            ? { _tag: "Message", message: framed.value, remote, local, connection: connection.id }
            : { _tag: "Malformed", error: framed.error, remote, local, connection: connection.id, bytes },
        )
      })
      ws.on("error", (cause) => {
        closeReason = `error: ${cause.message}`
      })
      ws.on("close", () => {
        clearTimeout(idle)
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
        const scheme = kind === "WSS" ? "wss" : "ws"
        const url = `${scheme}://${hostForUri(remote.host)}:${remote.port}${options.path ?? "/"}`
        const files = options.tls
        const ws = new WebSocket(url, sipSubprotocol, {
          handshakeTimeout: connectTimeoutMs,
          maxPayload,
          ...(files?.ca !== undefined ? { ca: files.ca as string } : {}),
          rejectUnauthorized: files?.rejectUnauthorized ?? true,
        })
        let opened = false
        ws.once("error", (cause) => resume(Effect.fail(fail(`connect failed: ${cause.message}`, url, cause))))
        ws.once("open", () => {
          opened = true
          if (ws.protocol !== sipSubprotocol) {
            ws.terminate()
            return resume(Effect.fail(fail("server did not accept the sip subprotocol", url)))
          }
          const raw = (ws as unknown as { _socket: import("node:net").Socket })._socket
          const peer: PeerAddress = { transport: kind, host: normalizeHost(remote.host), port: remote.port }
          const local = { host: normalizeHost(raw.localAddress ?? ""), port: raw.localPort ?? 0 }
          resume(Effect.succeed(attach(ws, peer, local)))
        })
        return Effect.sync(() => {
          if (!opened) ws.terminate()
        })
      })

    const connectionTo = makeConnector(kind, table, dial)

    let local: HostPort = { host: normalizeHost(options.host), port: options.port }
    if (options.listen !== false) {
      const httpServer =
        kind === "WSS"
          ? https.createServer({ cert: options.tls!.cert as string, key: options.tls!.key as string })
          : http.createServer()
      const wss = new WebSocketServer({
        server: httpServer,
        path: options.path ?? "/",
        maxPayload,
        // RFC 7118 §4.1: the `sip` subprotocol is mandatory.
        handleProtocols: (protocols) => (protocols.has(sipSubprotocol) ? sipSubprotocol : false),
        verifyClient: (info: { req: http.IncomingMessage }) =>
          (info.req.headers["sec-websocket-protocol"] ?? "")
            .split(",")
            .map((p) => p.trim())
            .includes(sipSubprotocol),
      })
      wss.on("connection", (ws, req) => {
        const remote: PeerAddress = {
          transport: kind,
          host: normalizeHost(req.socket.remoteAddress ?? ""),
          port: req.socket.remotePort ?? 0,
        }
        attach(ws, remote, {
          host: normalizeHost(req.socket.localAddress ?? ""),
          port: req.socket.localPort ?? 0,
        })
      })
      yield* Effect.acquireRelease(
        Effect.callback<void, TransportError>((resume) => {
          const onError = (cause: Error) => resume(Effect.fail(fail(`listen failed: ${cause.message}`)))
          httpServer.once("error", onError)
          httpServer.listen({ host: normalizeHost(options.host), port: options.port, ipv6Only: true }, () => {
            httpServer.off("error", onError)
            resume(Effect.void)
          })
        }),
        () =>
          Effect.callback<void>((resume) => {
            closeAll(table)
            wss.close()
            httpServer.close(() => resume(Effect.void))
            httpServer.closeAllConnections()
          }),
      )
      const address = httpServer.address() as import("node:net").AddressInfo
      local = { host: normalizeHost(address.address), port: address.port }
    } else {
      yield* Effect.addFinalizer(() => Effect.sync(() => closeAll(table)))
    }

    return makeConnectionTransport(kind, local, table, connectionTo)
  })
