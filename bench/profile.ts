/**
 * profile — where @sipkit/codec spends the benchmark task: runs it in a tight loop under V8's sampling profiler
 * (the inspector's Profiler domain, in-process) and prints the hottest functions by self time and the task's
 * top-level calls by inclusive time.
 *
 * Usage: node profile.ts [--what=task|parse|string] [--message=invite|ringing|register] [--seconds=5]
 * (npm run profile -- --what=parse); without --message the three messages take turns.
 * `task` is the benchmark's headline (bytes, then the five accessors); `parse` is parseMessage alone;
 * `string` is the task on a string. `--lines=N` also prints the N hottest source lines of the built code (by V8's
 * position ticks: self time attributed to a line of `dist/`).
 */
import { Session } from "node:inspector/promises"
import { loadCorpus } from "./src/corpus.ts"
import { loadOurs } from "./src/ours.ts"

interface Node {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
  readonly children?: ReadonlyArray<number>
  readonly positionTicks?: ReadonlyArray<{ readonly line: number; readonly ticks: number }>
}
interface Profile {
  readonly nodes: ReadonlyArray<Node>
  readonly samples: ReadonlyArray<number>
}

const arg = (name: string, fallback: string): string => {
  const hit = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))
  return hit?.slice(name.length + 3) ?? process.env[`npm_config_${name}`] ?? fallback
}
const what = arg("what", "task")
const seconds = Number(arg("seconds", "5"))
if (!["task", "parse", "string"].includes(what)) throw new Error("--what is task, parse or string")
if (!(seconds > 0 && seconds <= 60)) throw new Error("--seconds is in (0, 60]")

const only = arg("message", "")
const corpus = loadCorpus().filter((m) => only === "" || m.name === only)
if (corpus.length === 0) throw new Error("--message is invite, ringing or register")
const ours = await loadOurs()
const unit: (i: number) => unknown =
  what === "parse"
    ? (i) => ours.parse(corpus[i]!.bytes)
    : what === "string"
      ? (i) => ours.extract(corpus[i]!.text)
      : (i) => ours.extract(corpus[i]!.bytes)

const run = (ms: number): number => {
  const end = performance.now() + ms
  let n = 0
  while (performance.now() < end) for (let k = 0; k < 300; k++, n++) unit(n % corpus.length)
  return n
}

run(500)
const session = new Session()
session.connect()
await session.post("Profiler.enable")
await session.post("Profiler.setSamplingInterval", { interval: 100 })
await session.post("Profiler.start")
const n = run(seconds * 1000)
const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: Profile }
session.disconnect()

const label = (node: Node): string => {
  const f = node.callFrame
  const file = f.url.split("/").slice(-2).join("/")
  return `${f.functionName || "(anonymous)"} ${file}${f.url === "" ? "" : `:${f.lineNumber + 1}`}`
}
const byId = new Map(profile.nodes.map((node) => [node.id, node]))
const parent = new Map<number, number>()
for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id)
const hits = new Map<number, number>()
for (const s of profile.samples) hits.set(s, (hits.get(s) ?? 0) + 1)
const self = new Map<string, number>()
const inclusive = new Map<string, number>()
for (const [id, count] of hits) {
  const own = label(byId.get(id)!)
  self.set(own, (self.get(own) ?? 0) + count)
  const seen = new Set<string>()
  for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) {
    const name = label(byId.get(x)!)
    if (!seen.has(name)) inclusive.set(name, (inclusive.get(name) ?? 0) + count)
    seen.add(name)
  }
}
const total = profile.samples.length
const pct = (v: number): string => `${((100 * v) / total).toFixed(1).padStart(5)}%`
const top = (m: Map<string, number>, keep: (name: string) => boolean, count: number): ReadonlyArray<string> =>
  [...m]
    .filter(([name]) => keep(name))
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, v]) => `${pct(v)}  ${name}`)

const topLevel =
  /^(parseMessage|getTopVia|getTopViaBranch|getFrom|getFromTag|getTo|getToTag|getCSeq|getCallId|viaBranch|getTag|\(garbage collector\)) /
console.log(
  `${what}: ${Math.round(n / seconds).toLocaleString("en-US")} messages/s under the profiler, ${total} samples`,
)
console.log("\nby self time:")
console.log(top(self, (name) => !name.startsWith("(idle)") && !name.startsWith("(program)"), 25).join("\n"))
console.log("\ninclusive, the task's top-level calls:")
console.log(top(inclusive, (name) => topLevel.test(name), 12).join("\n"))

const lineCount = Number(arg("lines", "0"))
if (lineCount > 0) {
  const lines = new Map<string, number>()
  for (const node of profile.nodes) {
    const file = node.callFrame.url.split("/").slice(-2).join("/")
    for (const { line, ticks } of node.positionTicks ?? []) {
      const key = `${file}:${line} (${node.callFrame.functionName || "(anonymous)"})`
      lines.set(key, (lines.get(key) ?? 0) + ticks)
    }
  }
  console.log("\nhottest lines (self):")
  console.log(top(lines, () => true, lineCount).join("\n"))
}
