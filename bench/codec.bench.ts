/**
 * codec.bench — @sipkit/codec against the JavaScript SIP parsers people use today (npm `sip`, `drachtio-sip`,
 * `jssip`, `sip.js`), in one process and one run, on the three datagrams of `shared/bench-corpus`.
 *
 * The task per message: parse one datagram and read the top Via branch, From tag, To tag, CSeq number and method,
 * and Call-ID. Before any timing every parser's answers are checked against the values written down in
 * `src/fields.ts`; a parser that reads a field wrong stops the run. Then warm-up and interleaved timed rounds;
 * the figure is the median round, in messages per second; the ratio to the fastest peer is taken round by round
 * (each round times every parser on one message back to back) and its median over the rounds is reported.
 *
 * Flags (after `--`): --markdown (print the docs section), --quick, --rounds=N, --round-ms=N, --slice-ms=N,
 * --peers-only, --clock=wall|thread.
 */

import { loadCorpus } from "./src/corpus.ts"
import { expected, type Fields, fieldsKey } from "./src/fields.ts"
import { type Case, measureAll, median, sinkValue } from "./src/measure.ts"
import { parseOptions } from "./src/options.ts"
import { loadOurs, type Ours } from "./src/ours.ts"
import { loadPeers } from "./src/peers.ts"
import { loadAtStart, type Paired, type Report, type Row, toMarkdown, toText } from "./src/report.ts"

const options = parseOptions(process.argv.slice(2))
const log = (text: string): void => {
  process.stderr.write(`${text}\n`)
}

const corpus = loadCorpus()
const peers = loadPeers()
const ours: Ours | undefined = options.peersOnly ? undefined : await loadOurs()

interface Contender {
  readonly label: string
  readonly note: string
  readonly ratio: boolean
  readonly role: "headline" | "typed" | "string" | "peer" | "parse" | "serialize"
  /** The unit of work on one corpus message, prepared outside the timed loop. */
  readonly prepare: (message: (typeof corpus)[number]) => () => Fields | Uint8Array | object
}

const oursContenders = (o: Ours): ReadonlyArray<Contender> => [
  {
    label: `sipkit ${o.version} (bytes)`,
    note: "`parseMessage(Uint8Array)`, the datagram as a UDP socket delivers it, then what the transaction layer calls: `getTopViaBranch`, `getFromTag`, `getToTag` (one parameter read in place, the header validated as the typed accessor would), `getCSeq`, `getCallId` — the headline row.",
    ratio: true,
    role: "headline",
    prepare: (m) => () => o.extract(m.bytes),
  },
  {
    label: `sipkit ${o.version} (bytes, typed accessors)`,
    note: "`parseMessage(Uint8Array)`, then `viaBranch(getTopVia(m))`, `getTag(getFrom(m))`, `getTag(getTo(m))`, `getCSeq`, `getCallId`: the typed Via and name-addr values are built, then read.",
    ratio: true,
    role: "typed",
    prepare: (m) => () => o.extractTyped(m.bytes),
  },
  {
    label: `sipkit ${o.version} (string)`,
    note: "the same as the headline row on the datagram already decoded to a string, as the peers are fed.",
    ratio: true,
    role: "string",
    prepare: (m) => () => o.extract(m.text),
  },
]

const peerContenders: ReadonlyArray<Contender> = peers.map((p) => ({
  label: `${p.name} ${p.version}`,
  note: "",
  ratio: true,
  role: "peer",
  prepare: (m) => () => p.extract(m.text),
}))

const diagnostics = (o: Ours): ReadonlyArray<Contender> => [
  {
    label: "sipkit parse only (bytes)",
    note: "diagnostic: `parseMessage` alone, no header read.",
    ratio: false,
    role: "parse",
    prepare: (m) => () => o.parse(m.bytes),
  },
  {
    label: "sipkit serialize (unchanged)",
    note: "`serializeMessage` of a message parsed once from bytes and left unchanged.",
    ratio: false,
    role: "serialize",
    prepare: (m) => {
      const parsed = o.parse(m.bytes)
      return () => o.serialize(parsed)
    },
  },
]

/** Every contender must read exactly the hand-checked values; the codec must also give the bytes back. */
const verify = (contenders: ReadonlyArray<Contender>): void => {
  for (const m of corpus) {
    const want = expected[m.name]
    if (want === undefined) throw new Error(`no expected fields for ${m.name}`)
    for (const c of contenders.filter((c) => c.ratio)) {
      const got = fieldsKey(c.prepare(m)() as Fields)
      if (got !== fieldsKey(want))
        throw new Error(`${c.label} on ${m.name}: got ${got}, want ${fieldsKey(want)}`)
    }
    if (ours !== undefined) {
      for (const input of [m.bytes, m.text]) {
        const back = ours.serialize(ours.parse(input))
        if (Buffer.compare(Buffer.from(back), Buffer.from(m.bytes)) !== 0)
          throw new Error(`sipkit: serialize(parse(${m.name} as ${typeof input})) is not the original bytes`)
      }
    }
  }
  log(`verified: ${contenders.filter((c) => c.ratio).length} parsers agree on ${corpus.length} messages`)
}

/** Folds a result into a number, touching it, so the sink keeps it alive. */
const weigh = (r: Fields | Uint8Array | object): number =>
  r instanceof Uint8Array ? r.length : "cseq" in r ? (r as Fields).cseq : 1

const contenders = [
  ...(ours === undefined ? [] : oursContenders(ours)),
  ...peerContenders,
  ...(ours === undefined ? [] : diagnostics(ours)),
]
verify(contenders)

// Grouped by message, so that within a round every parser's turn on one message comes right after the others':
// the ratio to the fastest peer is then taken between neighbours in time (see `pairedRatio`).
const cases: Array<Case & { readonly contender: Contender; readonly message: string }> = corpus.flatMap((m) =>
  contenders.map((c) => {
    const unit = c.prepare(m)
    return { id: `${c.label} / ${m.name}`, contender: c, message: m.name, run: () => weigh(unit()) }
  }),
)
const clockText = options.clock === "wall" ? "wall-clock time" : "main-thread CPU time"
const settings = `warm-up ${options.warmupMs} ms, then ${options.rounds} interleaved rounds of ${options.roundMs} ms per case, median round, per second of ${clockText}; × is the median over the rounds of the ratio to the fastest peer in the same round; ${loadAtStart}`
log(`measuring ${cases.length} cases (${settings}) …`)
const results = measureAll(cases, options, log)

/** The rounds of one contender on one message. */
const roundsOf = (c: Contender, message: string): ReadonlyArray<number> => {
  const i = cases.findIndex((k) => k.contender === c && k.message === message)
  return results[i]!.rounds
}
const peerContendersOnly = contenders.filter((c) => c.role === "peer")
const messages = corpus.map((m) => m.name)

/**
 * The fastest peer's rate in each round on `message`. A round times every parser on one message back to back, so
 * a contender's ratio to this, round by round, compares two figures taken under the same conditions; the
 * machine's drift between rounds (clock boost, other processes, the GC's heap) moves both sides of each ratio.
 */
const fastestPeerRounds = (message: string): ReadonlyArray<number> => {
  const each = peerContendersOnly.map((p) => roundsOf(p, message))
  return each[0]!.map((_, r) => Math.max(...each.map((rounds) => rounds[r]!)))
}
const fastestRounds = Object.fromEntries(messages.map((m) => [m, fastestPeerRounds(m)]))

/** Median, lowest and highest over the rounds of a contender's rate divided by the fastest peer's in that round. */
const pairedRatio = (c: Contender, message: string): Paired => {
  const fastest = fastestRounds[message]!
  const ratios = roundsOf(c, message).map((n, r) => n / fastest[r]!)
  return { median: median(ratios), low: Math.min(...ratios), high: Math.max(...ratios) }
}

const rows: ReadonlyArray<Row & { readonly role: Contender["role"] }> = contenders.map((c) => ({
  role: c.role,
  label: c.label,
  note: c.note,
  perSecond: Object.fromEntries(
    results.flatMap((r, i) => (cases[i]!.contender === c ? [[cases[i]!.message, r.perSecond]] : [])),
  ),
  ...(c.ratio && peerContendersOnly.length > 0
    ? { ratios: Object.fromEntries(messages.map((m) => [m, pairedRatio(c, m)])) }
    : {}),
}))

const verdicts = (): ReadonlyArray<string> => {
  const [parseOnly, serialize] = (["parse", "serialize"] as const).map((role) =>
    rows.find((r) => r.role === role),
  )
  if (ours === undefined || parseOnly === undefined || serialize === undefined) return []
  const mark = (ok: boolean): string => (ok ? "met" : "NOT met")
  const speedups = rows
    .filter((r) => r.role === "headline" || r.role === "typed")
    .map((r) => {
      const speedup = messages.map((m) => r.ratios?.[m] ?? { median: 0, low: 0, high: 0 })
      return `Goal ≥ 5× the fastest peer on every message (${r.label}): ${mark(speedup.every((s) => s.median >= 5))} — ${messages.map((m, i) => `${m} ${speedup[i]!.median.toFixed(1)}× (rounds ${speedup[i]!.low.toFixed(1)}–${speedup[i]!.high.toFixed(1)}×)`).join(", ")}.`
    })
  const serialRatio = messages.map((m) => (serialize.perSecond[m] ?? 0) / (parseOnly.perSecond[m] ?? 1))
  return [
    ...speedups,
    `Goal serialize ≥ parse (serialize vs. parse only): ${mark(serialRatio.every((s) => s >= 1))} — ${messages.map((m, i) => `${m} ${serialRatio[i]!.toFixed(2)}×`).join(", ")}.`,
  ]
}

/** How much of the wall time the main thread actually ran: other processes on the cores make it drop. */
const cpuShare = Math.min(...results.map((r) => r.cpuShare))
const contention =
  cpuShare < 0.9
    ? [
        options.clock === "wall"
          ? `Warning: the main thread ran only ${(cpuShare * 100).toFixed(0)}% of the wall time in some case: other processes shared the CPU, so wall-clock figures are low and noisy. Re-run on a quiet machine or with --clock=thread.`
          : `Warning: the main thread ran only ${(cpuShare * 100).toFixed(0)}% of the wall time in some case: other processes shared the CPU; per-CPU-second figures discount that, but caches shared with them still lower every figure. Re-run on a quiet machine.`,
      ]
    : []
const report: Report = { messages, rows, verdicts: [...verdicts(), ...contention], settings }
process.stdout.write(`${options.markdown ? toMarkdown(report) : toText(report)}\n`)
log(`(sink ${sinkValue()})`)
