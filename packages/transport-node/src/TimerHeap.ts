/**
 * TimerHeap — the endpoint's deadlines, keyed so a timer can be replaced or cancelled: a bucket queue.
 *
 * The runtime keeps ONE of these for the whole endpoint (RFC 3261 §17 timers A–K, the 2xx retransmission timers,
 * registration refreshes …): one deadline per key. Under load it holds tens of thousands of them (Timers J and L
 * run 64·T1 = 32 s after every call), and a call sets and stops about ten. A binary heap of that many entries
 * paid O(log n) comparisons (each a cache miss) on every set; here the entries are grouped in buckets of
 * `width` ms: setting a timer appends to its bucket (O(1)), a min-heap orders only the buckets (a few thousand
 * at most: 64·T1 / width), and cancelling takes the entry out of its bucket at once (it was appended last, or nearly:
 * most timers are cancelled soon after they are set, so the search from the bucket's end is short), so a 64·T1 2xx
 * timeout stopped by its ACK holds nothing for the 32 s until its bucket comes up.
 *
 * Never: reads a clock, sleeps or schedules anything — time comes in as `now`.
 */

interface Entry<A> {
  /** "" once cancelled: a long key is not held by a dead entry; `undefined` for a timer set without a key (`add`). */
  key: string | undefined
  readonly deadline: number
  /** Scheduling order: entries with the same deadline fire in it. */
  readonly order: number
  /** Undefined once cancelled (the entry itself waits in its bucket; `live` is what counts). */
  value: A | undefined
  live: boolean
}

/** The entries whose deadlines fall in one `width`-long span, in scheduling order, and the earliest of them. */
interface Bucket<A> {
  entries: Array<Entry<A>>
  /** The entry with the earliest deadline when it was found; recomputed when it is cancelled. */
  first: Entry<A>
}

/** A timer set without a key (`add`): what `drop` cancels it by. Opaque. */
export interface TimerHandle<A> {
  readonly deadline: number
  /** The value until the timer is cancelled (it stays after it fires). */
  readonly value: A | undefined
  /** False once it has fired or been cancelled. */
  readonly live: boolean
}

export interface TimerHeap<A> {
  /** Schedules `value` at `deadline` (ms), replacing any live timer with the same key. */
  readonly schedule: (key: string, deadline: number, value: A) => void
  /** Cancels the live timer with this key, if any. */
  readonly cancel: (key: string) => boolean
  /**
   * Schedules `value` at `deadline` (ms) with no key: the caller keeps the handle to cancel it (`drop`). For an
   * owner that has its timers at hand (a transaction's record): no key string is built and no map is touched.
   */
  readonly add: (deadline: number, value: A) => TimerHandle<A>
  /** Cancels a timer set by `add`, if it is still live; answers whether it was. */
  readonly drop: (handle: TimerHandle<A>) => boolean
  /** The earliest live deadline, or undefined when nothing is scheduled. */
  readonly nextDeadline: () => number | undefined
  /** Removes and returns every live entry whose deadline is ≤ now, earliest first (ties in scheduling order). */
  readonly popDue: (
    now: number,
  ) => ReadonlyArray<{ readonly key: string | undefined; readonly deadline: number; readonly value: A }>
  /** Number of live timers. */
  readonly size: () => number
  /** Number of entries in the buckets (tests: a cancelled timer leaves its bucket at once, so this is `size()`). */
  readonly held: () => number
}

const earlier = <A>(a: Entry<A>, b: Entry<A>): boolean =>
  a.deadline < b.deadline || (a.deadline === b.deadline && a.order < b.order)

/** Whether `entries` are earliest first already (buckets mostly come up so: no sort, and no copy made by one). */
const inOrder = <A>(entries: ReadonlyArray<Entry<A>>): boolean => {
  for (let i = 1; i < entries.length; i++) if (earlier(entries[i]!, entries[i - 1]!)) return false
  return true
}

/** The live entry of `entries` that fires first, or undefined when none is live. */
const firstLive = <A>(entries: ReadonlyArray<Entry<A>>): Entry<A> | undefined => {
  let first: Entry<A> | undefined
  // indexed loops here and in popDue: the array iterator's result objects showed in allocation profiles
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!
    if (e.live && (first === undefined || earlier(e, first))) first = e
  }
  return first
}

/** `width`: the span of one bucket in ms (any positive number; the deadlines themselves stay exact). */
export const makeTimerHeap = <A>(width = 10): TimerHeap<A> => {
  const live = new Map<string, Entry<A>>()
  const buckets = new Map<number, Bucket<A>>()
  /** A binary min-heap of the bucket numbers in `buckets`. */
  const slots: Array<number> = []
  let order = 0
  /** Live timers set by `add` (they are not in `live`). */
  let unkeyed = 0

  const pushSlot = (s: number): void => {
    let i = slots.length
    slots.push(s)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (slots[parent]! <= s) break
      slots[i] = slots[parent]!
      i = parent
    }
    slots[i] = s
  }

  const popSlot = (): void => {
    const last = slots.pop()!
    if (slots.length === 0) return
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      if (l >= slots.length) break
      const c = l + 1 < slots.length && slots[l + 1]! < slots[l]! ? l + 1 : l
      if (slots[c]! >= last) break
      slots[i] = slots[c]!
      i = c
    }
    slots[i] = last
  }

  const retire = (key: string): boolean => {
    const e = live.get(key)
    if (e === undefined) return false
    live.delete(key)
    e.live = false
    e.value = undefined
    e.key = ""
    unbucket(e)
    return true
  }

  /** Takes a cancelled entry out of its bucket, keeping the others in order (searched from the end). */
  const unbucket = (e: Entry<A>): void => {
    const b = buckets.get(Math.floor(e.deadline / width))
    if (b === undefined) return
    const entries = b.entries
    let i = entries.length - 1
    while (i >= 0 && entries[i] !== e) i--
    if (i < 0) return
    for (; i < entries.length - 1; i++) entries[i] = entries[i + 1]!
    entries.pop()
    // an emptied bucket keeps its dead `first` until `head` drops it
    if (b.first === e && entries.length > 0) b.first = firstLive(entries) ?? e
  }

  const insert = (e: Entry<A>): void => {
    const s = Math.floor(e.deadline / width)
    const b = buckets.get(s)
    if (b === undefined) {
      buckets.set(s, { entries: [e], first: e })
      pushSlot(s)
    } else {
      b.entries.push(e)
      if (!b.first.live) b.first = firstLive(b.entries)!
      else if (earlier(e, b.first)) b.first = e
    }
  }

  /** The earliest bucket that still holds a live entry (emptied ones are dropped on the way), or undefined. */
  const head = (): Bucket<A> | undefined => {
    while (slots.length > 0) {
      const s = slots[0]!
      const b = buckets.get(s)!
      if (b.first.live) return b
      const first = firstLive(b.entries)
      if (first !== undefined) {
        b.first = first
        return b
      }
      buckets.delete(s)
      popSlot()
    }
    return undefined
  }

  return {
    schedule: (key, deadline, value) => {
      retire(key)
      const e: Entry<A> = { key, deadline, order: ++order, value, live: true }
      live.set(key, e)
      insert(e)
    },
    cancel: retire,
    add: (deadline, value) => {
      const e: Entry<A> = { key: undefined, deadline, order: ++order, value, live: true }
      unkeyed++
      insert(e)
      return e
    },
    drop: (handle) => {
      const e = handle as Entry<A>
      if (!e.live || e.key !== undefined) return false
      e.live = false
      e.value = undefined
      unkeyed--
      unbucket(e)
      return true
    },
    nextDeadline: () => head()?.first.deadline,
    popDue: (now) => {
      const due: Array<Entry<A>> = []
      const last = Math.floor(now / width)
      for (let b = head(); b !== undefined; b = head()) {
        const s = slots[0]!
        // a bucket before now's own is due as a whole; in now's own, the entries after now stay
        if (s > last || b.first.deadline > now) break
        const keep: Array<Entry<A>> = []
        const entries = b.entries
        for (let i = 0; i < entries.length; i++) {
          const e = entries[i]!
          if (e.live) (e.deadline <= now ? due : keep).push(e)
        }
        if (keep.length > 0) {
          b.entries = keep
          b.first = firstLive(keep)!
          break
        }
        buckets.delete(s)
        popSlot()
      }
      for (let i = 0; i < due.length; i++) {
        const e = due[i]!
        if (e.key === undefined) unkeyed--
        else live.delete(e.key)
        e.live = false
      }
      if (due.length > 1 && !inOrder(due)) due.sort((a, b) => (earlier(a, b) ? -1 : 1))
      return due as ReadonlyArray<{
        readonly key: string | undefined
        readonly deadline: number
        readonly value: A
      }>
    },
    size: () => live.size + unkeyed,
    held: () => {
      let n = 0
      for (const b of buckets.values()) n += b.entries.length
      return n
    },
  }
}
