/**
 * report — the results as a plain-text table (terminal) or a Markdown section (docs/benchmarks.md).
 */
import { cpus, loadavg, release, totalmem } from "node:os"

export interface Row {
  readonly label: string
  /** Shown after the table. */
  readonly note: string
  /** Messages per second by corpus message name: the median round. */
  readonly perSecond: Readonly<Record<string, number>>
  /** The ratio to the fastest peer by message, taken round by round; absent for a diagnostic row. */
  readonly ratios?: Readonly<Record<string, Paired>>
}

/** A contender's rate over the fastest peer's in the same round: the median round, and the spread of the rounds. */
export interface Paired {
  readonly median: number
  readonly low: number
  readonly high: number
}

export interface Report {
  readonly messages: ReadonlyArray<string>
  readonly rows: ReadonlyArray<Row>
  readonly verdicts: ReadonlyArray<string>
  readonly settings: string
}

export const machine = (): string => {
  const cpu = cpus()
  return [
    `CPU: ${cpu[0]?.model ?? "unknown"} × ${cpu.length}`,
    `memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `Linux ${release()}`,
    `Node ${process.version} (V8 ${process.versions.v8})`,
  ].join(", ")
}

/** The 1-minute load average when the run began: above ~0.5 per core, other work shared the CPU. */
export const loadAtStart = `load average ${loadavg()[0]!.toFixed(2)} at start`

const rate = (n: number | undefined): string =>
  n === undefined ? "—" : Math.round(n).toLocaleString("en-US")

const times = (r: number): string =>
  `${r >= 10 ? r.toFixed(0) : r >= 0.95 ? r.toFixed(1) : r.toPrecision(2)}×`

const cells = (report: Report, row: Row): ReadonlyArray<string> =>
  report.messages.map((m) => {
    const n = row.perSecond[m]
    const paired = row.ratios?.[m]
    return paired === undefined ? rate(n) : `${rate(n)} (${times(paired.median)})`
  })

export const toText = (report: Report): string => {
  const header = ["parser", ...report.messages.map((m) => `${m} msg/s (× fastest peer)`)]
  const body = report.rows.map((r) => [r.label, ...cells(report, r)])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)))
  const line = (cols: ReadonlyArray<string>): string => cols.map((c, i) => c.padEnd(widths[i]!)).join("  ")
  return [
    machine(),
    report.settings,
    "",
    line(header),
    ...body.map(line),
    "",
    ...report.rows.filter((r) => r.note !== "").map((r) => `${r.label}: ${r.note}`),
    "",
    ...report.verdicts,
  ].join("\n")
}

export const toMarkdown = (report: Report): string => {
  const header = `| parser | ${report.messages.map((m) => `${m} msg/s (× fastest peer)`).join(" | ")} |`
  const rule = `|---|${report.messages.map(() => "---:").join("|")}|`
  const body = report.rows.map((r) => `| ${r.label} | ${cells(report, r).join(" | ")} |`)
  return [
    `Machine: ${machine()}.`,
    "",
    `Settings: ${report.settings}.`,
    "",
    header,
    rule,
    ...body,
    "",
    ...report.rows.filter((r) => r.note !== "").map((r) => `- **${r.label}**: ${r.note}`),
    "",
    ...report.verdicts.map((v) => `- ${v}`),
  ].join("\n")
}
