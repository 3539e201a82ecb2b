/**
 * SendSummary — the closing lines of `sip send --count N`: how many, how fast, how long the final responses took,
 * and which failed. Pure.
 */

export interface SendSummary {
  readonly type: "summary"
  readonly requests: number
  readonly ok: number
  readonly elapsedMs: number
  readonly perSecond: number
  readonly p50: number | undefined
  readonly p90: number | undefined
  readonly p99: number | undefined
  readonly max: number | undefined
  /** Count per final status that was not a success, and `timeout`. */
  readonly failures: Readonly<Record<string, number>>
}

/** The nearest-rank percentile of sorted values (undefined when there are none). */
export const percentile = (sorted: ReadonlyArray<number>, p: number): number | undefined => {
  if (sorted.length === 0) return undefined
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))
  const value = sorted[rank]
  return value === undefined ? undefined : Math.round(value * 10) / 10
}

const ms = (value: number | undefined) => (value === undefined ? "—" : `${value} ms`)

export const summaryText = (summary: SendSummary, method: string): string => {
  const failures = Object.entries(summary.failures)
    .map(([status, count]) => `${status} ×${count}`)
    .join(", ")
  return [
    `${summary.requests} ${method} in ${summary.elapsedMs} ms (${summary.perSecond}/s): ${summary.ok} ok, ${summary.requests - summary.ok} failed`,
    `response time p50 ${ms(summary.p50)}  p90 ${ms(summary.p90)}  p99 ${ms(summary.p99)}  max ${ms(summary.max)}`,
    ...(failures === "" ? [] : [`failures: ${failures}`]),
  ].join("\n")
}
