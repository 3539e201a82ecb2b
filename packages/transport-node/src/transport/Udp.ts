/**
 * Udp — the datagram transport (RFC 3261 §18, node:dgram). One socket per listening address; every datagram is
 * one message (§18.3 framing does not apply). IPv4 and IPv6 (an IPv6 socket is bound IPv6-only so `::` and
 * `0.0.0.0` can be listened on side by side).
 *
 * Sending does not wait for the kernel's completion callback: `send` hands the datagram to the socket and returns
 * at once (libuv writes it straight away when its queue is empty). A UDP send has no delivery outcome to wait for
 * (§18.1.1: the transaction layer's retransmissions cover loss); what can fail — an oversized datagram, an address
 * of the other IP family — is checked before the send and fails the Effect. Waiting for the callback cost a fiber
 * suspension and a resume per message under load.
 *
 * Both socket buffers are asked for `socketBufferBytes` (the kernel caps it at net.core.rmem_max/wmem_max): the
 * default (~208 KiB) overflows under a burst of a few thousand datagrams, and every datagram lost there costs a
 * retransmission half a second later.
 *
 * Never: retransmits (the transaction machines do), or sends to a connection — there are none.
 */
import * as dgram from "node:dgram"
import { lookup } from "node:dns"
import { isIP } from "node:net"
import { Effect, Queue } from "effect"
import type { HostPort } from "../Address.js"
import { normalizeHost } from "../Address.js"
import { type Inbound, type Transport, TransportError, type TransportOptions } from "./Transport.js"

/** The largest UDP payload (65535 − 8 − 20). Anything above is refused before it reaches the socket. */
export const maxDatagram = 65_507

/** Receive and send buffer asked of the kernel for each UDP socket. */
export const socketBufferBytes = 4 * 1024 * 1024

const isV6 = (host: string): boolean => host.includes(":")

/**
 * The socket's name lookup: every address the engine sends to is already an IP (RFC 3263 resolution happens before
 * the transport), so it is answered at once — node's default defers even an IP literal to the next tick, one
 * closure and one tick per datagram sent. A name (never passed by the engine) still goes to the system resolver.
 */
const lookupAddress = (
  address: string,
  family: unknown,
  callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void => {
  const kind = isIP(address)
  if (kind !== 0) callback(null, address, kind)
  else lookup(address, { family: family === 6 ? 6 : 4 }, callback)
}

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

const failure = (reason: string, remote: HostPort, cause?: unknown) =>
  new TransportError({ transport: "UDP", reason, remote: `${remote.host}:${remote.port}`, cause })

export const makeUdpTransport = <M>(options: TransportOptions<M>) =>
  Effect.gen(function* () {
    const host = normalizeHost(options.host)
    const socket = yield* Effect.acquireRelease(
      Effect.sync(() =>
        dgram.createSocket({
          ...(isV6(host) ? { type: "udp6", ipv6Only: true } : { type: "udp4" }),
          lookup: lookupAddress as NonNullable<dgram.SocketOptions["lookup"]>,
          recvBufferSize: socketBufferBytes,
          sendBufferSize: socketBufferBytes,
        }),
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

    const deliver = options.deliver ?? ((event: Inbound<M>) => void Queue.offerUnsafe(options.inbound, event))
    socket.on("message", (bytes, rinfo) => {
      const remote = { transport: "UDP" as const, host: normalizeHost(rinfo.address), port: rinfo.port }
      const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      const framed = options.framing.datagram(data)
      deliver(
        framed._tag === "Ok"
          ? { _tag: "Message", message: framed.value, remote, local, connection: undefined }
          : { _tag: "Malformed", error: framed.error, remote, local, connection: undefined, bytes: data },
      )
    })
    socket.on("error", () => {
      // ICMP errors and the like surface per send; a listening socket keeps listening.
    })

    const sendNow = (remote: HostPort, bytes: Uint8Array): TransportError | undefined => {
      const to = normalizeHost(remote.host)
      if (bytes.byteLength > maxDatagram)
        return failure(`datagram of ${bytes.byteLength} bytes is too large`, remote)
      if (isV6(to) !== isV6(host)) return failure("destination of the other IP family", remote)
      try {
        socket.send(bytes, remote.port, to)
        return undefined
      } catch (cause) {
        return failure(cause instanceof Error ? cause.message : String(cause), remote, cause)
      }
    }

    const transport: Transport = {
      kind: "UDP",
      local,
      send: (remote, bytes) =>
        Effect.suspend(() => {
          const error = sendNow(remote, bytes)
          return error === undefined ? Effect.void : Effect.fail(error)
        }),
      sendNow,
      connectionCount: Effect.succeed(0),
      closeConnection: () => Effect.void,
    }
    return transport
  })
