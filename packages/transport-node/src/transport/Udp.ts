/**
 * Udp — the datagram transport (RFC 3261 §18, node:dgram). One socket per listening address; every datagram is
 * one message (§18.3 framing does not apply). IPv4 and IPv6 (an IPv6 socket is bound IPv6-only so `::` and
 * `0.0.0.0` can be listened on side by side).
 *
 * Sending does not wait for the kernel's completion callback. A UDP send has no delivery outcome to wait for
 * (§18.1.1: the transaction layer's retransmissions cover loss); what can fail — an oversized datagram, an address
 * of the other IP family — is checked when the send is asked for and fails it. Waiting for the callback cost a
 * fiber suspension and a resume per message under load.
 *
 * The datagrams asked for while the input of one event-loop turn is handled go out together at the end of that
 * turn (`setImmediate`: after every datagram the turn read), in order. On loopback a send does the receiver's work
 * in the sender's system call, waking the receiver each time; sent one by one between the handling of each input,
 * the 180, 200 and BYE's 200 of a call cost `sip listen` ~40–70 µs each under SIPp, and sent together about a quarter
 * less CPU per call in all (A/B at 1,500 and 2,500 calls/s, docs/benchmarks.md).
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
import type { HostPort, PeerAddress } from "../Address.js"
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
    // the source of the last datagram, reused while datagrams come from there (a peer sends many in a row): one
    // address object fewer per datagram, and one fewer held by each server transaction for 64·T1
    let lastAddress = ""
    let last: PeerAddress = { transport: "UDP", host: "", port: 0 }
    socket.on("message", (bytes, rinfo) => {
      if (rinfo.port !== last.port || rinfo.address !== lastAddress) {
        lastAddress = rinfo.address
        last = { transport: "UDP", host: normalizeHost(rinfo.address), port: rinfo.port }
      }
      const remote = last
      // the datagram as node gives it: a Buffer is a Uint8Array (of an ArrayBuffer node makes for this datagram
      // alone), so no second view of it is made per datagram
      const framed = options.framing.datagram(bytes)
      deliver(
        framed._tag === "Ok"
          ? { _tag: "Message", message: framed.value, remote, local, connection: undefined }
          : { _tag: "Malformed", error: framed.error, remote, local, connection: undefined, bytes },
      )
    })
    socket.on("error", () => {
      // ICMP errors and the like surface per send; a listening socket keeps listening.
    })

    /**
     * Datagrams to send at the end of this turn: `bytes, port, host` for each, in order, in the first `queued`
     * entries. The array is kept from turn to turn (`pending.length = 0` gave its backing store up, and the next
     * turn's first push made a new one: one array per turn with a send); the bytes sent are let go as they go.
     */
    const pending: Array<Uint8Array | number | string | undefined> = []
    let queued = 0
    const flush = (): void => {
      for (let i = 0; i < queued; i += 3) {
        const bytes = pending[i] as Uint8Array
        pending[i] = undefined
        try {
          socket.send(bytes, pending[i + 1] as number, pending[i + 2] as string)
        } catch {
          // the socket is closed (the endpoint is shutting down): nothing is left to send with
        }
      }
      queued = 0
    }
    yield* Effect.addFinalizer(() => Effect.sync(flush))

    const sendNow = (remote: HostPort, bytes: Uint8Array): TransportError | undefined => {
      const to = normalizeHost(remote.host)
      if (bytes.byteLength > maxDatagram)
        return failure(`datagram of ${bytes.byteLength} bytes is too large`, remote)
      if (isV6(to) !== isV6(host)) return failure("destination of the other IP family", remote)
      if (!Number.isInteger(remote.port) || remote.port <= 0 || remote.port > 65535)
        return failure(`invalid port ${remote.port}`, remote)
      if (queued === 0) setImmediate(flush)
      pending[queued++] = bytes
      pending[queued++] = remote.port
      pending[queued++] = to
      return undefined
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
