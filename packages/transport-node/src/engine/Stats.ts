/**
 * Stats — the counters a user can read: messages in and out by method (requests) and status (responses),
 * retransmissions, malformed input, transactions and dialogs now and in total. Plain numbers, updated by the
 * engine, read as a snapshot.
 */
export interface StatsSnapshot {
  readonly messagesIn: Readonly<Record<string, number>>
  readonly messagesOut: Readonly<Record<string, number>>
  /** Messages sent again: request retransmissions (Timers A, E), response retransmissions (G, 2xx by the core,
   * answers to a retransmitted request). */
  readonly retransmissions: number
  readonly malformed: number
  readonly activeTransactions: number
  readonly transactionsStarted: number
  readonly activeDialogs: number
  readonly dialogsCreated: number
}

export interface Stats {
  readonly countIn: (label: string) => void
  readonly countOut: (label: string) => void
  readonly countRetransmission: () => void
  readonly countMalformed: () => void
  readonly countTransactionStarted: () => void
  readonly countDialogCreated: () => void
  readonly snapshot: (active: { readonly transactions: number; readonly dialogs: number }) => StatsSnapshot
}

/** A count per label in a Map: a method sliced from a datagram is a fresh string, and as a property key of a plain
 * object every count looked it up in the engine's string table first. Each count is a box, so a message costs one
 * lookup (not a get and a set). */
const bump = (counts: Map<string, { n: number }>, label: string): void => {
  const count = counts.get(label)
  if (count === undefined) counts.set(label, { n: 1 })
  else count.n++
}

const plain = (counts: Map<string, { n: number }>): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const [label, count] of counts) out[label] = count.n
  return out
}

export const makeStats = (): Stats => {
  const messagesIn = new Map<string, { n: number }>()
  const messagesOut = new Map<string, { n: number }>()
  let retransmissions = 0
  let malformed = 0
  let transactionsStarted = 0
  let dialogsCreated = 0
  return {
    countIn: (label) => bump(messagesIn, label),
    countOut: (label) => bump(messagesOut, label),
    countRetransmission: () => void retransmissions++,
    countMalformed: () => void malformed++,
    countTransactionStarted: () => void transactionsStarted++,
    countDialogCreated: () => void dialogsCreated++,
    snapshot: (active) => ({
      messagesIn: plain(messagesIn),
      messagesOut: plain(messagesOut),
      retransmissions,
      malformed,
      activeTransactions: active.transactions,
      transactionsStarted,
      activeDialogs: active.dialogs,
      dialogsCreated,
    }),
  }
}
