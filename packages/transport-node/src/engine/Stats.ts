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

export const makeStats = (): Stats => {
  const messagesIn: Record<string, number> = {}
  const messagesOut: Record<string, number> = {}
  let retransmissions = 0
  let malformed = 0
  let transactionsStarted = 0
  let dialogsCreated = 0
  return {
    countIn: (label) => void (messagesIn[label] = (messagesIn[label] ?? 0) + 1),
    countOut: (label) => void (messagesOut[label] = (messagesOut[label] ?? 0) + 1),
    countRetransmission: () => void retransmissions++,
    countMalformed: () => void malformed++,
    countTransactionStarted: () => void transactionsStarted++,
    countDialogCreated: () => void dialogsCreated++,
    snapshot: (active) => ({
      messagesIn: { ...messagesIn },
      messagesOut: { ...messagesOut },
      retransmissions,
      malformed,
      activeTransactions: active.transactions,
      transactionsStarted,
      activeDialogs: active.dialogs,
      dialogsCreated,
    }),
  }
}
