/**
 * options — the bench's flags. Given after `--` (`npm run bench -- --markdown`) they reach this process either
 * as arguments (workspace script) or, through the root script's nested `npm run`, as `npm_config_*` variables.
 */
export interface BenchOptions {
  readonly markdown: boolean
  readonly peersOnly: boolean
  readonly warmupMs: number
  readonly rounds: number
  readonly roundMs: number
  readonly sliceMs: number
  readonly clock: "wall" | "thread"
}

const flag = (argv: ReadonlyArray<string>, name: string): string | undefined => {
  const hit = argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`))
  if (hit !== undefined) return hit.includes("=") ? hit.slice(hit.indexOf("=") + 1) : "true"
  return process.env[`npm_config_${name.replaceAll("-", "_")}`]
}

const count = (text: string | undefined, fallback: number, min: number, max: number): number => {
  const n = text === undefined ? fallback : Number(text)
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`expected an integer in ${min}..${max}, got ${text}`)
  return n
}

export const parseOptions = (argv: ReadonlyArray<string>): BenchOptions => {
  const quick = flag(argv, "quick") === "true"
  const clock = flag(argv, "clock") ?? "wall"
  if (clock !== "wall" && clock !== "thread") throw new Error(`--clock is wall or thread, got ${clock}`)
  return {
    clock,
    markdown: flag(argv, "markdown") === "true",
    peersOnly: flag(argv, "peers-only") === "true",
    warmupMs: quick ? 100 : 500,
    rounds: count(flag(argv, "rounds"), quick ? 3 : 5, 1, 50),
    roundMs: count(flag(argv, "round-ms"), quick ? 200 : 500, 50, 10_000),
    sliceMs: count(flag(argv, "slice-ms"), 20, 5, 10_000),
  }
}
