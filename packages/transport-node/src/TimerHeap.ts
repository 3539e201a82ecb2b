/**
 * TimerHeap — a binary min-heap of deadlines, keyed so a timer can be replaced or cancelled.
 *
 * The runtime keeps ONE of these for the whole endpoint (RFC 3261 §17 timers A–K, the 2xx retransmission timers,
 * registration refreshes …): one deadline per key, and one sleeping fiber that waits for the earliest (see
 * `Timers.ts`). Cancelling is lazy: a cancelled or replaced entry stays in the heap with a stale generation and is
 * skipped when it reaches the top, so every operation is O(log n).
 *
 * Never: reads a clock, sleeps or schedules anything — time comes in as `now`.
 */

interface Entry<A> {
  readonly key: string
  readonly deadline: number
  readonly generation: number
  readonly value: A
}

export interface TimerHeap<A> {
  /** Schedules `value` at `deadline` (ms), replacing any live timer with the same key. */
  readonly schedule: (key: string, deadline: number, value: A) => void
  /** Cancels the live timer with this key, if any. */
  readonly cancel: (key: string) => boolean
  /** The earliest live deadline, or undefined when nothing is scheduled. */
  readonly nextDeadline: () => number | undefined
  /** Removes and returns every live entry whose deadline is ≤ now, earliest first (ties in scheduling order). */
  readonly popDue: (
    now: number,
  ) => ReadonlyArray<{ readonly key: string; readonly deadline: number; readonly value: A }>
  /** Number of live timers. */
  readonly size: () => number
}

export const makeTimerHeap = <A>(): TimerHeap<A> => {
  let heap: Array<Entry<A>> = []
  const live = new Map<string, number>()
  let generation = 0
  /** Entries in `heap` that were cancelled or replaced and have not reached the top yet. */
  let stale = 0

  const less = (a: Entry<A>, b: Entry<A>): boolean =>
    a.deadline < b.deadline || (a.deadline === b.deadline && a.generation < b.generation)

  const swap = (i: number, j: number): void => {
    const t = heap[i]!
    heap[i] = heap[j]!
    heap[j] = t
  }

  const up = (i: number): void => {
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!less(heap[i]!, heap[parent]!)) return
      swap(i, parent)
      i = parent
    }
  }

  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r
      if (m === i) return
      swap(i, m)
      i = m
    }
  }

  const pop = (): Entry<A> | undefined => {
    const top = heap[0]
    const last = heap.pop()
    if (top !== undefined && last !== undefined && heap.length > 0) {
      heap[0] = last
      down(0)
    }
    return top
  }

  const isLive = (e: Entry<A>): boolean => live.get(e.key) === e.generation

  const dropStale = (): void => {
    while (heap.length > 0 && !isLive(heap[0]!)) {
      pop()
      stale -= 1
    }
  }

  /** A timer cancelled long before its deadline (a 2xx timeout stopped by the ACK) would stay in the heap, with its
   * value, until that deadline: once they are most of the heap, the stale entries go at once (O(n), amortized). */
  const compact = (): void => {
    if (stale < 64 || stale * 2 < heap.length) return
    heap = heap.filter(isLive)
    stale = 0
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i)
  }

  const retire = (key: string): boolean => {
    if (!live.delete(key)) return false
    stale += 1
    compact()
    return true
  }

  return {
    schedule: (key, deadline, value) => {
      retire(key)
      generation += 1
      live.set(key, generation)
      heap.push({ key, deadline, generation, value })
      up(heap.length - 1)
    },
    cancel: retire,
    nextDeadline: () => {
      dropStale()
      return heap[0]?.deadline
    },
    popDue: (now) => {
      const due: Array<{ key: string; deadline: number; value: A }> = []
      dropStale()
      while (heap.length > 0 && heap[0]!.deadline <= now) {
        const e = pop()!
        live.delete(e.key)
        due.push({ key: e.key, deadline: e.deadline, value: e.value })
        dropStale()
      }
      return due
    },
    size: () => live.size,
  }
}
