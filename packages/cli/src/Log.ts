/**
 * Log — where the runtime's log lines go while a command runs (a malformed datagram dropped, a request without a
 * usable Via, a handler that failed). Effect's default logger writes them to stdout in its own format, in the middle
 * of the ladder, and in `--json` mode between the JSON lines a script reads.
 *
 * - text mode: one line on stderr, `sip: WARN malformed message from UDP 127.0.0.1:5070: empty message`, so stdout
 *   keeps the ladder;
 * - `--json`: one object on stdout like every other line, `{"type":"log","level":"Warn","message":"…"}`, with
 *   `cause` (the cause printed) when the line has one.
 *
 * A scanner or a broken peer can send thousands of bad datagrams a second, and a line each would bury the ladder
 * and cost more than answering them: at most `linesPerSecond` warnings are written in each second (by the log
 * call's own time), and the first line written after a second that held some back says how many (`logBudget`).
 * Errors are always written.
 *
 * The formatting and the budget are pure (`logLine`, `spendLog`); `cliLoggerLayer` is what a command provides.
 */
import { Cause, type Layer, Logger, type LogLevel } from "effect"

export interface LogLine {
  readonly type: "log"
  readonly level: LogLevel.LogLevel
  readonly message: string
  readonly cause?: string
}

const textOf = (part: unknown): string => {
  if (typeof part === "string") return part
  if (Cause.isCause(part)) return Cause.pretty(part)
  if (part instanceof Error) return part.message
  try {
    return JSON.stringify(part) ?? String(part)
  } catch {
    return String(part)
  }
}

/** The log line of one log call: its message parts joined by a space, its cause printed when it has a failure. */
export const logLine = (message: unknown, level: LogLevel.LogLevel, cause: Cause.Cause<unknown>): LogLine => {
  const parts = Array.isArray(message) ? message : [message]
  const text = parts.map(textOf).join(" ")
  return cause.reasons.length === 0
    ? { type: "log", level, message: text }
    : { type: "log", level, message: text, cause: Cause.pretty(cause) }
}

/** `sip: WARN …` (the cause, when there is one, on the lines after). */
export const formatLogLine = (line: LogLine): string =>
  `sip: ${line.level.toUpperCase()} ${line.message}${line.cause === undefined ? "" : `\n${line.cause}`}`

/** Warnings written in one second at most. */
export const linesPerSecond = 20

/** What the budget knows: the second it counts in (ms since the epoch, floored), lines written and held back. */
export interface LogBudget {
  readonly second: number
  readonly written: number
  readonly held: number
}

export const freshBudget: LogBudget = { second: 0, written: 0, held: 0 }

/**
 * One warning at `now` (ms): whether it is written, and how many lines the seconds before held back (to report
 * first, when it is written and that is not 0).
 */
export const spendLog = (
  budget: LogBudget,
  now: number,
  perSecond: number = linesPerSecond,
): { readonly budget: LogBudget; readonly write: boolean; readonly heldBefore: number } => {
  const second = Math.floor(now / 1000) * 1000
  const current = second === budget.second ? budget : { second, written: 0, held: budget.held }
  if (current.written >= perSecond)
    return { budget: { ...current, held: current.held + 1 }, write: false, heldBefore: 0 }
  return { budget: { second, written: current.written + 1, held: 0 }, write: true, heldBefore: current.held }
}

/** The line that says how many were held back. */
export const heldLine = (held: number, perSecond: number = linesPerSecond): LogLine => ({
  type: "log",
  level: "Warn",
  message: `${held} log line${held === 1 ? "" : "s"} not written (at most ${perSecond} a second)`,
})

export interface LogSinks {
  readonly json: boolean
  readonly write?: (text: string) => void
  readonly writeError?: (text: string) => void
}

export const cliLogger = (sinks: LogSinks): Logger.Logger<unknown, void> => {
  const write = sinks.write ?? ((text: string) => void process.stdout.write(text))
  const writeError = sinks.writeError ?? ((text: string) => void process.stderr.write(text))
  const out = (line: LogLine) =>
    sinks.json ? write(`${JSON.stringify(line)}\n`) : writeError(`${formatLogLine(line)}\n`)
  let budget = freshBudget
  return Logger.make(({ message, logLevel, cause, date }) => {
    if (logLevel !== "Error" && logLevel !== "Fatal") {
      const spent = spendLog(budget, date.getTime())
      budget = spent.budget
      if (!spent.write) return
      if (spent.heldBefore > 0) out(heldLine(spent.heldBefore))
    }
    out(logLine(message, logLevel, cause))
  })
}

/** The command's logger in place of Effect's default one. */
export const cliLoggerLayer = (sinks: LogSinks): Layer.Layer<never> => Logger.layer([cliLogger(sinks)])
