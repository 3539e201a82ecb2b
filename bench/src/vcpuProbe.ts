/**
 * vcpuProbe — how fast each of the machine's vCPUs runs right now: the control a load step is read against (issue 8).
 *
 * On this VM the host at times runs a vCPU slower (idle, this probe read both ×2 for ~6 s at a time), and a ladder
 * step that lands there can fail at a rate the same build holds otherwise. The probe says when that happened. It
 * does not see the larger part of the machine's spread, the slowdowns of memory-heavy work (SIPp's own CPU per call
 * in `fixed-rate.ts` does): a probe that walks memory reads the UAS's own cache pressure beside it as well.
 *
 * One `vcpuProbeChild.ts` per CPU, pinned with `taskset`, times ~3 ms of fixed register-only work once a second
 * (under 0.5% of a CPU each). A vCPU's slowdown over a stretch of time is the median of its samples then over its
 * reference: the lowest median of `window` consecutive samples seen so far (1.0 = as fast as it has been seen).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { availableParallelism } from "node:os"
import { join } from "node:path"
import { exited, stop } from "./proc.ts"

/** Consecutive samples whose median can be a vCPU's reference speed. */
const window = 5

export interface Probes {
  /** One per CPU, in CPU order. */
  readonly cpus: number
  /** Per vCPU: its median work time since `since` (a `Date.now()`) over its reference; undefined with fewer than 3
   * samples since then. */
  readonly slowdown: (since: number) => ReadonlyArray<number | undefined>
  readonly stop: () => Promise<void>
}

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

export interface Sample {
  /** When it arrived (`Date.now()`). */
  readonly at: number
  /** The CPU time the fixed work took (ms). */
  readonly ms: number
}

/**
 * One vCPU's slowdown since `since`: the median of its samples from then over its reference, the lowest median of
 * `window` consecutive samples in all of `samples`; undefined with fewer than 3 samples since then.
 */
export const slowdownOf = (samples: ReadonlyArray<Sample>, since: number): number | undefined => {
  let reference: number | undefined
  for (let i = 0; i + window <= samples.length; i++) {
    const m = median(samples.slice(i, i + window).map((s) => s.ms))
    if (reference === undefined || m < reference) reference = m
  }
  const recent = samples.filter((s) => s.at >= since).map((s) => s.ms)
  return recent.length < 3 || reference === undefined ? undefined : median(recent) / reference
}

/** The probes, one per CPU; undefined where `taskset` (util-linux) is not installed. */
export const startProbes = (): Probes | undefined => {
  if (spawnSync("taskset", ["-V"], { stdio: "ignore" }).status !== 0) return undefined
  const cpus = availableParallelism()
  const samples: Array<Array<Sample>> = []
  const children: Array<ChildProcess> = []
  for (let cpu = 0; cpu < cpus; cpu++) {
    const mine: Array<Sample> = []
    samples.push(mine)
    const child = spawn(
      "taskset",
      ["-c", String(cpu), process.execPath, join(import.meta.dirname, "vcpuProbeChild.ts")],
      { stdio: ["ignore", "pipe", "ignore"] },
    )
    let partial = ""
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n")
      partial = lines.pop()!
      for (const line of lines) mine.push({ at: Date.now(), ms: Number(line) })
    })
    child.on("error", () => {}) // a probe that cannot run leaves its vCPU without samples
    children.push(child)
  }
  return {
    cpus,
    slowdown: (since) => samples.map((mine) => slowdownOf(mine, since)),
    stop: async () => {
      for (const child of children) if (!exited(child)) await stop(child)
    },
  }
}

/** A vCPU this much slower than its best during a failed step makes the ladder run the step again. */
export const slowed = 1.25

/** Whether a failed step is run again: it failed, a vCPU ran ≥ `slowed` × slower during it (unknowns do not
 * count), and attempt `attempt` (0 = the first) leaves one of `retries` to use. */
export const runAgain = (
  pass: boolean,
  slowdown: ReadonlyArray<number | undefined>,
  attempt: number,
  retries: number,
): boolean => !pass && attempt < retries && slowdown.some((s) => s !== undefined && s >= slowed)

/** `×1.00/×1.62`: each vCPU's slowdown, `?` where it had too few samples. */
export const slowdownText = (slowdown: ReadonlyArray<number | undefined>): string =>
  slowdown.map((s) => (s === undefined ? "?" : `×${s.toFixed(2)}`)).join("/")
