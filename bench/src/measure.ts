/**
 * measure — a hand-rolled timing loop: calibrate a batch, warm up, then timed rounds; the figure is the median
 * of the rounds' messages per second.
 *
 * The machine's speed is not steady: on this VM one parser alone, timed in rounds of 300 ms, gives rates up to
 * 1.7× apart from one round to the next, by the thread clock as much as by the wall clock (a sibling hardware
 * thread or the host taking the caches), and the peers move the same way. So a round is not one stretch per case:
 * the cases take turns in slices of `sliceMs` (every case once, then every case again …) until each has had
 * `roundMs`. Every case of a round then samples the same minutes of the machine, and a ratio between two cases
 * of one round compares like with like.
 */
export interface Case {
  readonly id: string
  /** One unit of work; returns a number folded into a sink so the work cannot be optimised away. */
  readonly run: () => number
}

export interface Options {
  readonly warmupMs: number
  readonly rounds: number
  readonly roundMs: number
  /** The turn each case takes within a round: small against the round, large against a batch (~5 ms). */
  readonly sliceMs: number
  /**
   * `wall`: operations per elapsed second. `thread`: per second of CPU time of this (the main) thread, which
   * other processes competing for the cores do not inflate; GC work on helper threads is not counted.
   */
  readonly clock: "wall" | "thread"
}

export interface Measurement {
  readonly id: string
  /** Median of the rounds, messages (operations) per second of the chosen clock. */
  readonly perSecond: number
  readonly rounds: ReadonlyArray<number>
  /** Main-thread CPU time over wall time across all rounds: well below 1 means the core was shared. */
  readonly cpuShare: number
}

let sink = 0

/** Read by the caller once at the end, so the JIT must keep every result alive. */
export const sinkValue = (): number => sink

const nowNs = (): bigint => process.hrtime.bigint()

const runBatch = (run: () => number, n: number): number => {
  let acc = 0
  for (let i = 0; i < n; i++) acc = (acc + run()) | 0
  return acc
}

/** The batch size that takes about `targetMs`, so the clock is read rarely relative to the work. */
const calibrate = (c: Case, targetMs: number): number => {
  let n = 1
  for (let step = 0; step < 40; step++) {
    const t0 = nowNs()
    sink ^= runBatch(c.run, n)
    const ms = Number(nowNs() - t0) / 1e6
    if (ms >= targetMs) return n
    n *= 2
  }
  return n
}

interface Round {
  readonly ops: number
  readonly wallSeconds: number
  readonly cpuSeconds: number
}

const threadCpuSeconds = (): number => {
  const u = process.threadCpuUsage()
  return (u.user + u.system) / 1e6
}

/** One slice of at least `ms` milliseconds of wall time, whole batches. */
const timeSlice = (c: Case, batch: number, ms: number): Round => {
  const limit = BigInt(Math.round(ms * 1e6))
  const cpu0 = threadCpuSeconds()
  const t0 = nowNs()
  let elapsed = 0n
  let ops = 0
  while (elapsed < limit) {
    sink ^= runBatch(c.run, batch)
    ops += batch
    elapsed = nowNs() - t0
  }
  return { ops, wallSeconds: Number(elapsed) / 1e9, cpuSeconds: threadCpuSeconds() - cpu0 }
}

const add = (a: Round, b: Round): Round => ({
  ops: a.ops + b.ops,
  wallSeconds: a.wallSeconds + b.wallSeconds,
  cpuSeconds: a.cpuSeconds + b.cpuSeconds,
})

/** One round: the cases take turns of `sliceMs` until each has run `roundMs` of wall time. */
const timeRound = (
  cases: ReadonlyArray<Case>,
  batches: ReadonlyArray<number>,
  options: Options,
): ReadonlyArray<Round> => {
  const totals = cases.map(() => ({ ops: 0, wallSeconds: 0, cpuSeconds: 0 }))
  const turns = Math.max(1, Math.round(options.roundMs / options.sliceMs))
  for (let t = 0; t < turns; t++)
    cases.forEach((c, i) => {
      totals[i] = add(totals[i]!, timeSlice(c, batches[i]!, options.sliceMs))
    })
  return totals
}

export const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

export const measureAll = (
  cases: ReadonlyArray<Case>,
  options: Options,
  onProgress: (text: string) => void = () => {},
): ReadonlyArray<Measurement> => {
  const batches = cases.map((c) => {
    const batch = calibrate(c, 5)
    timeSlice(c, batch, options.warmupMs)
    return batch
  })
  const rounds: Array<Array<Round>> = cases.map(() => [])
  for (let r = 0; r < options.rounds; r++) {
    onProgress(`round ${r + 1}/${options.rounds}`)
    timeRound(cases, batches, options).forEach((round, i) => {
      rounds[i]!.push(round)
    })
  }
  return cases.map((c, i) => {
    const rs = rounds[i]!
    const rates = rs.map((r) => r.ops / (options.clock === "wall" ? r.wallSeconds : r.cpuSeconds))
    const share = rs.reduce((a, r) => a + r.cpuSeconds, 0) / rs.reduce((a, r) => a + r.wallSeconds, 0)
    return { id: c.id, perSecond: median(rates), rounds: rates, cpuShare: share }
  })
}
