/**
 * Udp — the datagram transport (RFC 3261 §18, node:dgram). One socket per listening address; every datagram is
 * one message (§18.3 framing does not apply). IPv4 and IPv6 (an IPv6 socket is bound IPv6-only so `::` and
 * `0.0.0.0` can be listened on side by side).
 *
 * Never: retransmits (the transaction machines do), or sends to a connection — there are none.
 */
import * as dgram from "node:dgram"
import { Effect, Queue } from "effect"
import type { HostPort } from "../Address.js"
import { normalizeHost } from "../Address.js"
import { type Transport, TransportError, type TransportOptions } from "./Transport.js"

/** The largest UDP payload (65535 − 8 − 20). Anything above is refused before it reaches the socket. */
export const maxDatagram = 65_507

const bind = (socket: dgram.Socket, host: string, port: number) =>
  Effect.callback<void, TransportError>((resume) => {
    const onError = (cause: Error) =>
      resume(
        Effect.fail(new TransportError({ transport: "UDP", reason: `bind failed: ${cause.message}`, cause })),
      )
    socket.once("error", onError)
    socket.bind({ port, address: host, exclusive: true }, () => {
      socket.off("error", onError)
      resume(Effect.void)
    })
  })

export const makeUdpTransport = <M>(options: TransportOptions<M>) =>
  Effect.gen(function* () {
    const host = normalizeHost(options.host)
    const socket = yield* Effect.acquireRelease(
      Effect.sync(() =>
        dgram.createSocket(host.includes(":") ? { type: "udp6", ipv6Only: true } : { type: "udp4" }),
      ),
      (s) =>
        Effect.callback<void>((resume) => {
          try {
            s.close(() => resume(Effect.void))
          } catch {
            resume(Effect.void) // already closed
          }
        }),
    )
    yield* bind(socket, host, options.port)
    const address = socket.address()
    const local: HostPort = { host: normalizeHost(address.address), port: address.port }

    socket.on("message", (bytes, rinfo) => {
      const remote = { transport: "UDP" as const, host: normalizeHost(rinfo.address), port: rinfo.port }
      const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      const framed = options.framing.datagram(data)
      Queue.offerUnsafe(
        options.inbound,
        framed._tag === "Ok"
          ? { _tag: "Message", message: framed.value, remote, local, connection: undefined }
          : { _tag: "Malformed", error: framed.error, remote, local, connection: undefined, bytes: data },
      )
    })
    socket.on("error", () => {
      // ICMP errors and the like surface per send; a listening socket keeps listening.
    })

    const transport: Transport = {
      kind: "UDP",
      local,
      send: (remote, bytes) =>
        bytes.byteLength > maxDatagram
          ? Effect.fail(
              new TransportError({
                transport: "UDP",
                reason: `datagram of ${bytes.byteLength} bytes is too large`,
              }),
            )
          : Effect.callback<void, TransportError>((resume) => {
              socket.send(bytes, remote.port, normalizeHost(remote.host), (cause) =>
                resume(
                  cause
                    ? Effect.fail(
                        new TransportError({
                          transport: "UDP",
                          reason: cause.message,
                          remote: `${remote.host}:${remote.port}`,
                          cause,
                        }),
                      )
                    : Effect.void,
                ),
              )
            }),
      connectionCount: Effect.succeed(0),
      closeConnection: () => Effect.void,
    }
    return transport
  })
