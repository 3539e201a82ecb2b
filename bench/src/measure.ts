/**
 * measure — a hand-rolled timing loop: calibrate a batch, warm up, then timed rounds; the figure is the median
 * of the rounds' messages per second.
 *
 * Rounds are interleaved across all cases (round 1 of every case, then round 2 …), so a burst of load from
 * other processes on the machine spreads over every parser instead of landing on one.
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

/** One round of at least `ms` milliseconds of wall time. */
const timeRound = (c: Case, batch: number, ms: number): Round => {
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

const median = (xs: ReadonlyArray<number>): number => {
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
    timeRound(c, batch, options.warmupMs)
    return batch
  })
  const rounds: Array<Array<Round>> = cases.map(() => [])
  for (let r = 0; r < options.rounds; r++) {
    onProgress(`round ${r + 1}/${options.rounds}`)
    cases.forEach((c, i) => {
      rounds[i]!.push(timeRound(c, batches[i]!, options.roundMs))
    })
  }
  return cases.map((c, i) => {
    const rs = rounds[i]!
    const rates = rs.map((r) => r.ops / (options.clock === "wall" ? r.wallSeconds : r.cpuSeconds))
    const share = rs.reduce((a, r) => a + r.cpuSeconds, 0) / rs.reduce((a, r) => a + r.wallSeconds, 0)
    return { id: c.id, perSecond: median(rates), rounds: rates, cpuShare: share }
  })
}
