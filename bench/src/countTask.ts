/**
 * countTask — a driver for counting the instructions of the benchmark task, which other work on the machine does
 * not disturb (wall and thread time do). It warms up on the whole mix `codec.bench.ts` runs in one process (the
 * three messages; bytes and string; in-place and typed readers; parse; serialize), so the code is as polymorphic
 * as in the benchmark — a warm-up on the INVITE alone measured ~2,800 instructions fewer per task — then runs one
 * unit N times. Count it under valgrind at two N and divide the difference, so start-up and compilation cancel:
 *
 *   valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
 *     ../node_modules/.bin/node --single-threaded src/countTask.ts 100000 invite task
 *   (again with 300000; instructions per task = (I refs₃₀₀ₖ − I refs₁₀₀ₖ) / 200000)
 *
 * `--single-threaded` compiles on the main thread: without it a concurrent compile's timing moves the count of the
 * same build by up to ~5% between runs; with it, repeated runs agree within ~0.2%.
 *
 * Usage: node src/countTask.ts N [invite|ringing|register] [task|parse]
 */
import { loadCorpus } from "./corpus.ts"
import type { Fields } from "./fields.ts"
import { loadOurs } from "./ours.ts"

const [nText = "1000", name = "invite", what = "task"] = process.argv.slice(2)
const n = Number(nText)
if (!(Number.isInteger(n) && n > 0)) throw new Error("N is a positive integer")
if (what !== "task" && what !== "parse") throw new Error("the unit is task or parse")

const corpus = loadCorpus()
const message = corpus.find((m) => m.name === name)
if (message === undefined) throw new Error("the message is invite, ringing or register")
const ours = await loadOurs()

const weigh = (r: Fields | Uint8Array | object): number =>
  r instanceof Uint8Array ? r.length : "cseq" in r ? (r as Fields).cseq : 1

let sink = 0
for (let k = 0; k < 3000; k++)
  for (const m of corpus) {
    sink += weigh(ours.extract(m.bytes)) + weigh(ours.extractTyped(m.bytes)) + weigh(ours.extract(m.text))
    sink += weigh(ours.parse(m.bytes)) + weigh(ours.serialize(ours.parse(m.bytes)))
  }
const bytes = message.bytes
if (what === "parse") for (let i = 0; i < n; i++) sink += weigh(ours.parse(bytes))
else for (let i = 0; i < n; i++) sink += weigh(ours.extract(bytes))
if (sink === 0.5) console.log(sink)
