/**
 * countMix — countTask with the warm-up chosen on the command line, to find which part of the benchmark's warm-up
 * mix makes the measured task slower (bisecting it under valgrind, as countTask's header describes). The warm-up
 * is `messages:parts`: messages `one` (the measured message only) or `all` (the three); parts, any of
 * `b` (the in-place task on bytes), `s` (the same on the string), `t` (the typed accessors on bytes),
 * `p` (parse alone), `z` (serialize). countTask's warm-up is `all:btspz`.
 *
 * Usage: node src/countMix.ts N [invite|ringing|register] [task|parse] [warm-up] [rounds (3000)]
 */
import { loadCorpus } from "./corpus.ts"
import type { Fields } from "./fields.ts"
import { loadOurs } from "./ours.ts"

const [nText = "1000", name = "invite", what = "task", mix = "all:btspz", roundsText = "3000"] =
  process.argv.slice(2)
const n = Number(nText)
if (!(Number.isInteger(n) && n > 0)) throw new Error("N is a positive integer")
if (what !== "task" && what !== "parse") throw new Error("the unit is task or parse")
const [which = "all", parts = ""] = mix.split(":")
if (which !== "all" && which !== "one") throw new Error("the warm-up messages are all or one")

const corpus = loadCorpus()
const message = corpus.find((m) => m.name === name)
if (message === undefined) throw new Error("the message is invite, ringing or register")
const ours = await loadOurs()

const weigh = (r: Fields | Uint8Array | object): number =>
  r instanceof Uint8Array ? r.length : "cseq" in r ? (r as Fields).cseq : 1

const warm = which === "all" ? corpus : [message]
const b = parts.includes("b")
const s = parts.includes("s")
const t = parts.includes("t")
const p = parts.includes("p")
const z = parts.includes("z")
let sink = 0
const rounds = Number(roundsText)
for (let k = 0; k < rounds; k++)
  for (const m of warm) {
    if (b) sink += weigh(ours.extract(m.bytes))
    if (t) sink += weigh(ours.extractTyped(m.bytes))
    if (s) sink += weigh(ours.extract(m.text))
    if (p) sink += weigh(ours.parse(m.bytes))
    if (z) sink += weigh(ours.serialize(ours.parse(m.bytes)))
  }
// A marker between the warm-up and the measured loop, for --trace-opt/--trace-deopt logs.
const { COUNT_MARK } = process.env
if (COUNT_MARK !== undefined) console.log("--- warm-up done")
const bytes = message.bytes
if (what === "parse") for (let i = 0; i < n; i++) sink += weigh(ours.parse(bytes))
else for (let i = 0; i < n; i++) sink += weigh(ours.extract(bytes))
if (sink === 0.5) console.log(sink)
