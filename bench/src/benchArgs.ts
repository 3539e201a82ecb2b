/**
 * benchArgs — what the reducer benchmarks (`ua.bench.ts`, `transactions.bench.ts`) share besides their requests:
 * `--name=N` flags and a garbage collector they can call, to measure the heap held.
 */
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"

/** The positive whole number given as `--name=N`, or `fallback`. */
export const intArg = (name: string, fallback: number): number => {
  const hit = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))
  const value = Number(hit?.slice(name.length + 3) ?? fallback)
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} is a positive integer`)
  return value
}

/** A full garbage collection on demand (V8's `gc`, exposed without a command-line flag). */
export const exposedGc = (): (() => void) => {
  setFlagsFromString("--expose-gc")
  return runInNewContext("gc") as () => void
}
