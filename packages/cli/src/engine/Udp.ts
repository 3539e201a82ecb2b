/**
 * Udp — one node:dgram socket as a scoped resource: bound on acquire, closed on release. Every datagram is one
 * message (§18.3 framing does not apply). The CLI's own transport, used until @sipkit/transport-node exposes an
 * endpoint API; it does what the CLI needs and nothing else (no TCP, no Via rewriting, no DNS).
 */
import * as dgram from "node:dgram"
import * as Effect from "effect/Effect"
import { Exit, ExitCode } from "../ExitCode.js"
import type { HostPort } from "../options/Common.js"

export interface UdpSocket {
  readonly local: HostPort
  /** Sends one datagram; a failure is reported through `onSendError`, never thrown. */
  readonly send: (bytes: Uint8Array, to: HostPort) => void
  /** Installs the one receiver of every datagram. */
  readonly onMessage: (receive: (bytes: Uint8Array, from: HostPort) => void) => void
  readonly onSendError: (report: (reason: string, to: HostPort) => void) => void
}

const bind = (socket: dgram.Socket, host: string, port: number) =>
  Effect.callback<void, Exit>((resume) => {
    const onError = (cause: Error) =>
      resume(
        Effect.fail(
          new Exit({
            code: ExitCode.timeout,
            message: `sip: cannot bind udp ${host}:${port}: ${cause.message}`,
          }),
        ),
      )
    socket.once("error", onError)
    socket.bind({ port, address: host, exclusive: true }, () => {
      socket.off("error", onError)
      resume(Effect.void)
    })
  })

/** A UDP socket bound to `host:port` (port 0 = any free port), closed when the scope closes. */
export const openUdp = (host: string, port: number) =>
  Effect.gen(function* () {
    const socket = yield* Effect.acquireRelease(
      // Large kernel buffers: under load the event loop may pause, and a full receive queue drops datagrams (the
      // kernel caps these at net.core.rmem_max / wmem_max).
      Effect.sync(() =>
        dgram.createSocket({
          type: host.includes(":") ? "udp6" : "udp4",
          recvBufferSize: 4 * 1024 * 1024,
          sendBufferSize: 4 * 1024 * 1024,
        }),
      ),
      (s) =>
        Effect.sync(() => {
          try {
            s.close()
          } catch {
            // already closed
          }
        }),
    )
    yield* bind(socket, host, port)
    const address = socket.address()
    let receive: (bytes: Uint8Array, from: HostPort) => void = () => {}
    let sendError: (reason: string, to: HostPort) => void = () => {}
    socket.on("message", (buffer, rinfo) =>
      receive(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), {
        host: rinfo.address,
        port: rinfo.port,
      }),
    )
    socket.on("error", (cause) => sendError(cause.message, { host: address.address, port: address.port }))
    const udp: UdpSocket = {
      local: { host: address.address, port: address.port },
      send: (bytes, to) =>
        socket.send(bytes, to.port, to.host, (cause) => {
          if (cause) sendError(cause.message, to)
        }),
      onMessage: (f) => {
        receive = f
      },
      onSendError: (f) => {
        sendError = f
      },
    }
    return udp
  })
