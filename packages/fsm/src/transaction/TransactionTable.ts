/**
 * TransactionTable — every live transaction of an endpoint, as one immutable value (RFC 3261 §17.1.3, §17.2.3).
 *
 * `route` tells which transaction a message from the wire belongs to; `startClient` / `startServer` create one;
 * `step` feeds an event to one and returns the new table and its outputs, dropping the transaction when it enters
 * Terminated ("MUST be destroyed the instant it enters the Terminated state"); `remove` drops one on the TU's
 * word (§9.1: a CANCELled INVITE client with no final response after 64*T1). A runtime keeps one table in a
 * `Ref` and applies these functions; it needs nothing else.
 *
 * Storage: a persistent map (`../persistent/RerootingMap.ts`) — an update of the newest table is one `Map` update
 * and one small object, so a step costs the same with ten transactions as with the 64 000 a runtime holds at a
 * thousand calls a second (each kept 32 s by Timers D, J, K, L).
 *
 * Never: I/O, clocks, exceptions.
 */
import { err, type HeaderError, ok, type Request, type Result, type SipMessage } from "@sipkit/codec"
import type { PersistentMap } from "../persistent/PersistentMap.js"
import { emptyRerootingMap } from "../persistent/RerootingMap.js"
import * as InviteClientTransaction from "./InviteClientTransaction.js"
import * as InviteServerTransaction from "./InviteServerTransaction.js"
import * as NonInviteClientTransaction from "./NonInviteClientTransaction.js"
import * as NonInviteServerTransaction from "./NonInviteServerTransaction.js"
import type {
  ClientEvent,
  Output,
  ServerEvent,
  Step,
  TransactionEvent,
  TransactionOptions,
} from "./Transaction.js"
import { clientKey, keyOf, serverKey, type TransactionKey } from "./TransactionKey.js"

/** The state of any of the four machines; `machine` says which. */
export type Transaction =
  | InviteClientTransaction.State
  | NonInviteClientTransaction.State
  | InviteServerTransaction.State
  | NonInviteServerTransaction.State

export interface TransactionTable {
  readonly _tag: "TransactionTable"
  readonly size: number
  /** Internal: the transactions by key. Treat as opaque. */
  readonly map: PersistentMap<Transaction>
}

const tableOf = (map: PersistentMap<Transaction>): TransactionTable => ({
  _tag: "TransactionTable",
  size: map.size,
  map,
})

export const empty: TransactionTable = tableOf(emptyRerootingMap())

export const get = (t: TransactionTable, key: TransactionKey): Transaction | undefined => t.map.get(key)

export const has = (t: TransactionTable, key: TransactionKey): boolean => t.map.has(key)

/** Every (key, transaction) pair, in no particular order. */
export const entries = (t: TransactionTable): ReadonlyArray<readonly [TransactionKey, Transaction]> => [
  ...t.map.entries(),
]

/** Put `transaction` under `key`, replacing what was there. */
export const add = (t: TransactionTable, key: TransactionKey, transaction: Transaction): TransactionTable =>
  tableOf(t.map.set(key, transaction))

/** Drop the transaction under `key` (a no-op when there is none). */
export const remove = (t: TransactionTable, key: TransactionKey): TransactionTable => {
  const map = t.map.delete(key)
  return map === t.map ? t : tableOf(map)
}

// ---------------------------------------------------------------------------------------------------- routing

/**
 * Where a message from the wire goes:
 * - `Match`: feed it to that transaction (`step(table, key, receive(message))`);
 * - `NoMatch`: no transaction has it. A request other than ACK starts a server transaction under `key`
 *   (`startServer`); an ACK goes to the TU core (the ACK of a 2xx, §17.2.3); a response is stray and, RFC 6026
 *   §8.9 (rewriting §18.1.2), silently discarded by anything but a stateless proxy;
 * - `Invalid`: its Via or CSeq cannot be read; a request should be answered with `error.status` (400).
 */
export type Route =
  | { readonly _tag: "Match"; readonly key: TransactionKey; readonly transaction: Transaction }
  | { readonly _tag: "NoMatch"; readonly key: TransactionKey }
  | { readonly _tag: "Invalid"; readonly error: HeaderError }

export const route = (table: TransactionTable, message: SipMessage): Route => {
  const key = keyOf(message)
  if (key._tag === "Err") return { _tag: "Invalid", error: key.error }
  const transaction = get(table, key.value)
  return transaction === undefined
    ? { _tag: "NoMatch", key: key.value }
    : { _tag: "Match", key: key.value, transaction }
}

// ---------------------------------------------------------------------------------------------------- creating

/** Why a transaction could not be created. */
export type StartError =
  | HeaderError
  | {
      readonly _tag: "StartError"
      readonly reason: "AckIsNotATransaction" | "KeyInUse"
      readonly key: string
    }

export interface Started {
  readonly table: TransactionTable
  readonly key: TransactionKey
  readonly outputs: ReadonlyArray<Output>
}

/**
 * Start the client transaction that sends `request`: an INVITE client for INVITE, a non-INVITE client otherwise
 * (§17.1). An ACK is never a client transaction (the ACK of a 2xx is sent by the UA core, §13.2.2.4; the ACK of a
 * non-2xx by the INVITE client transaction itself). The request's top Via must carry its branch.
 */
export const startClient = (
  table: TransactionTable,
  request: Request,
  options: TransactionOptions,
): Result<Started, StartError> => {
  if (request.method === "ACK") return err(startError("AckIsNotATransaction", ""))
  const key = clientKey(request)
  if (key._tag === "Err") return key
  if (has(table, key.value)) return err(startError("KeyInUse", key.value))
  const started = newTransaction("client", request, options)
  return ok({ table: add(table, key.value, started.state), key: key.value, outputs: started.outputs })
}

/**
 * Start the server transaction for a request that matched none (§17.2): an INVITE server for INVITE, a non-INVITE
 * server otherwise (CANCEL included, §9.2). An ACK that matches no transaction is the TU core's, not a new
 * transaction.
 */
export const startServer = (
  table: TransactionTable,
  request: Request,
  options: TransactionOptions,
): Result<Started, StartError> => {
  if (request.method === "ACK") return err(startError("AckIsNotATransaction", ""))
  const key = serverKey(request)
  if (key._tag === "Err") return key
  if (has(table, key.value)) return err(startError("KeyInUse", key.value))
  const started = newTransaction("server", request, options)
  return ok({ table: add(table, key.value, started.state), key: key.value, outputs: started.outputs })
}

/**
 * The machine `startClient` / `startServer` start for `request` (not an ACK), outside any table: for a runtime
 * that keeps each transaction in its own record under its key (`clientKey` / `serverKey`), steps it with
 * `stepTransaction`, and drops it when it enters Terminated.
 */
export const newTransaction = (
  side: "client" | "server",
  request: Request,
  options: TransactionOptions,
): Step<Transaction> =>
  side === "client"
    ? request.method === "INVITE"
      ? InviteClientTransaction.start(request, options)
      : NonInviteClientTransaction.start(request, options)
    : request.method === "INVITE"
      ? InviteServerTransaction.start(request, options)
      : NonInviteServerTransaction.start(request, options)

const startError = (reason: "AckIsNotATransaction" | "KeyInUse", key: string): StartError => ({
  _tag: "StartError",
  reason,
  key,
})

// ---------------------------------------------------------------------------------------------------- stepping

export interface Stepped {
  readonly table: TransactionTable
  readonly outputs: ReadonlyArray<Output>
  /** The transaction after the step; `undefined` when no transaction had the key. */
  readonly transaction: Transaction | undefined
}

/**
 * Feed `event` to the transaction under `key`. An unknown key (a timer of a transaction already gone) and an
 * event the machine cannot take (a `Respond` to a client, a response to a server) change nothing. A transaction
 * that enters Terminated is removed; its last output is `Terminated`.
 */
export const step = (table: TransactionTable, key: TransactionKey, event: TransactionEvent): Stepped => {
  const transaction = get(table, key)
  if (transaction === undefined) return { table, outputs: [], transaction: undefined }
  const next = stepTransaction(transaction, event)
  if (next.state === transaction) return { table, outputs: next.outputs, transaction }
  const updated = next.state._tag === "Terminated" ? remove(table, key) : add(table, key, next.state)
  return { table: updated, outputs: next.outputs, transaction: next.state }
}

/** One step of whichever machine `transaction` is. */
export const stepTransaction = (transaction: Transaction, event: TransactionEvent): Step<Transaction> => {
  switch (transaction.machine) {
    case "InviteClient":
      return isClientEvent(event) ? InviteClientTransaction.step(transaction, event) : same(transaction)
    case "NonInviteClient":
      return isClientEvent(event) ? NonInviteClientTransaction.step(transaction, event) : same(transaction)
    case "InviteServer":
      return isServerEvent(event) ? InviteServerTransaction.step(transaction, event) : same(transaction)
    case "NonInviteServer":
      return isServerEvent(event) ? NonInviteServerTransaction.step(transaction, event) : same(transaction)
  }
}

const same = (transaction: Transaction): Step<Transaction> => ({ state: transaction, outputs: [] })

export const isClientEvent = (event: TransactionEvent): event is ClientEvent =>
  event._tag === "Receive" ? event.message._tag === "Response" : event._tag !== "Respond"

export const isServerEvent = (event: TransactionEvent): event is ServerEvent =>
  event._tag !== "Receive" || event.message._tag === "Request"
