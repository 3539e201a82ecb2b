/**
 * Connections — the table of open connections of one reliable transport, by id and by peer address, so a
 * response goes back on the connection its request came on (§18.2.2) and a new request to the same peer reuses
 * it (§18.1.1 "SHOULD use the existing connection").
 *
 * Never: opens or closes sockets itself.
 */
import { Deferred, Effect } from "effect"
import { type HostPort, normalizeHost, type PeerAddress, peerKey, type TransportKind } from "../Address.js"
import type { Transport, TransportError } from "./Transport.js"

export interface Connection {
  readonly id: string
  readonly remote: PeerAddress
  readonly write: (bytes: Uint8Array) => Effect.Effect<void, TransportError>
  readonly close: (reason: string) => void
  readonly isOpen: () => boolean
}

export interface Connections {
  readonly add: (connection: Connection) => void
  readonly remove: (connection: Connection) => void
  readonly byId: (id: string) => Connection | undefined
  readonly byPeer: (peer: PeerAddress) => Connection | undefined
  readonly all: () => ReadonlyArray<Connection>
}

export const makeConnections = (): Connections => {
  const ids = new Map<string, Connection>()
  const peers = new Map<string, Connection>()
  return {
    add: (c) => {
      ids.set(c.id, c)
      peers.set(peerKey(c.remote), c)
    },
    remove: (c) => {
      ids.delete(c.id)
      if (peers.get(peerKey(c.remote)) === c) peers.delete(peerKey(c.remote))
    },
    byId: (id) => {
      const c = ids.get(id)
      return c?.isOpen() ? c : undefined
    },
    byPeer: (peer) => {
      const c = peers.get(peerKey(peer))
      return c?.isOpen() ? c : undefined
    },
    all: () => [...ids.values()],
  }
}

let counter = 0
/** A process-unique connection id such as `tcp-7`. */
export const nextConnectionId = (prefix: string): string => `${prefix}-${++counter}`

/** Closes every connection of the table: the finalizer of a reliable transport, listening or not. */
export const closeAll = (table: Connections): void => {
  for (const c of table.all()) c.close("transport closed")
}

/**
 * The `Transport` face of a connection-oriented transport (TCP, TLS, WS, WSS): §18.2.2 "the response MUST be sent
 * using the existing connection" when the request named one, else a connection to the peer, reused or opened.
 */
export const makeConnectionTransport = (
  kind: TransportKind,
  local: HostPort,
  table: Connections,
  connectionTo: (remote: HostPort) => Effect.Effect<Connection, TransportError>,
): Transport => ({
  kind,
  local,
  send: (remote, bytes, connectionId) =>
    Effect.gen(function* () {
      const byId = connectionId === undefined ? undefined : table.byId(connectionId)
      const connection = byId ?? (yield* connectionTo(remote))
      yield* connection.write(bytes)
    }),
  connectionCount: Effect.sync(() => table.all().length),
  closeConnection: (id) => Effect.sync(() => table.byId(id)?.close("closed by the endpoint")),
})

/**
 * The connection to a peer for a request (§18.1.1 "SHOULD use the existing connection"): the open one, or the one
 * being opened (several sends wait on one dial), or a new one from `dial`.
 */
export const makeConnector = (
  kind: TransportKind,
  table: Connections,
  dial: (remote: HostPort) => Effect.Effect<Connection, TransportError>,
): ((remote: HostPort) => Effect.Effect<Connection, TransportError>) => {
  const pending = new Map<string, Deferred.Deferred<Connection, TransportError>>()
  return (remote) =>
    Effect.gen(function* () {
      const peer: PeerAddress = { transport: kind, host: normalizeHost(remote.host), port: remote.port }
      const open = table.byPeer(peer)
      if (open !== undefined) return open
      const key = peerKey(peer)
      const waiting = pending.get(key)
      if (waiting !== undefined) return yield* Deferred.await(waiting)
      const deferred = yield* Deferred.make<Connection, TransportError>()
      pending.set(key, deferred)
      const exit = yield* Effect.exit(dial(remote))
      pending.delete(key)
      yield* Deferred.done(deferred, exit)
      return yield* exit
    })
}
