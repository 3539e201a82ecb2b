/**
 * A simulated network in virtual time, for reducer tests (reusable: transactions, dialogs, UA cores, proxies).
 *
 * - `makeRng(seed)`: a small deterministic PRNG (mulberry32); fast-check picks the seed, so a failing run shrinks
 *   and replays.
 * - `Agenda<T>`: the virtual clock — a priority queue of timed items (ties keep insertion order).
 * - `Link`: one direction of a lossy, duplicating, delaying (hence reordering) channel. `transmit` schedules
 *   0, 1 or 2 arrivals of a payload into an agenda and records which messages got at least one copy through.
 *
 * No sockets, no sleeps, no Math.random: time only moves when `Agenda.next` pops the next item.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  readonly next: () => number
  /** Uniform integer in [lo, hi]. */
  readonly int: (lo: number, hi: number) => number
  /** True with probability p. */
  readonly chance: (p: number) => boolean
}

export const makeRng = (seed: number): Rng => {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
  }
}

/** The virtual clock: items come out in time order; equal times in the order they were scheduled. */
export class Agenda<T> {
  now = 0
  private seq = 0
  private heap: Array<{ readonly at: number; readonly seq: number; readonly item: T }> = []

  get size(): number {
    return this.heap.length
  }

  schedule(at: number, item: T): void {
    this.heap.push({ at: Math.max(at, this.now), seq: this.seq++, item })
    this.up(this.heap.length - 1)
  }

  /** Pop the earliest item and move the clock to its time. */
  next(): { readonly at: number; readonly item: T } | undefined {
    const top = this.heap[0]
    if (top === undefined) return undefined
    const last = this.heap.pop()
    if (last !== undefined && this.heap.length > 0) {
      this.heap[0] = last
      this.down(0)
    }
    this.now = top.at
    return { at: top.at, item: top.item }
  }

  private less(i: number, j: number): boolean {
    const a = this.heap[i]
    const b = this.heap[j]
    return a !== undefined && b !== undefined && (a.at < b.at || (a.at === b.at && a.seq < b.seq))
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i]
    const b = this.heap[j]
    if (a === undefined || b === undefined) return
    this.heap[i] = b
    this.heap[j] = a
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.less(i, parent)) return
      this.swap(i, parent)
      i = parent
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let smallest = i
      if (l < this.heap.length && this.less(l, smallest)) smallest = l
      if (r < this.heap.length && this.less(r, smallest)) smallest = r
      if (smallest === i) return
      this.swap(i, smallest)
      i = smallest
    }
  }
}

export interface LinkConfig {
  /** Probability that a copy is lost. */
  readonly loss: number
  /** Probability that a transmission is duplicated (two copies, each with its own delay and loss). */
  readonly duplicate: number
  /** One-way delay bounds in ms; copies draw independently, so they reorder when the bounds differ. */
  readonly minDelay: number
  readonly maxDelay: number
}

/** No loss, no duplication, a fixed 10 ms. */
export const perfect: LinkConfig = { loss: 0, duplicate: 0, minDelay: 10, maxDelay: 10 }

export interface LinkStats {
  transmissions: number
  copies: number
  lost: number
  duplicated: number
}

/** One direction of a channel. `label` names a message so tests can ask whether any copy of it arrived. */
export class Link {
  readonly stats: LinkStats = { transmissions: 0, copies: 0, lost: 0, duplicated: 0 }
  /** label → earliest arrival time of any copy. */
  private readonly arrivals = new Map<string, number>()

  constructor(
    private readonly rng: Rng,
    private readonly config: LinkConfig,
  ) {}

  /** Schedule the copies of one transmission at `now`; returns their arrival times (empty when all are lost). */
  transmit<T>(agenda: Agenda<T>, now: number, item: T, label: string): ReadonlyArray<number> {
    this.stats.transmissions++
    const copies = this.rng.chance(this.config.duplicate) ? 2 : 1
    if (copies === 2) this.stats.duplicated++
    const times: Array<number> = []
    for (let c = 0; c < copies; c++) {
      if (this.rng.chance(this.config.loss)) {
        this.stats.lost++
        continue
      }
      const at = now + this.rng.int(this.config.minDelay, this.config.maxDelay)
      this.stats.copies++
      times.push(at)
      agenda.schedule(at, item)
      const seen = this.arrivals.get(label)
      if (seen === undefined || at < seen) this.arrivals.set(label, at)
    }
    return times
  }

  /** The earliest time any copy of `label` arrived (or will arrive), if one got through. */
  firstArrival(label: string): number | undefined {
    return this.arrivals.get(label)
  }
}
