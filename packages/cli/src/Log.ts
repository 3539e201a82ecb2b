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
 * The formatting is pure (`logLine`); `cliLoggerLayer` is what a command provides.
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

export interface LogSinks {
  readonly json: boolean
  readonly write?: (text: string) => void
  readonly writeError?: (text: string) => void
}

export const cliLogger = (sinks: LogSinks): Logger.Logger<unknown, void> => {
  const write = sinks.write ?? ((text: string) => void process.stdout.write(text))
  const writeError = sinks.writeError ?? ((text: string) => void process.stderr.write(text))
  return Logger.make(({ message, logLevel, cause }) => {
    const line = logLine(message, logLevel, cause)
    if (sinks.json) write(`${JSON.stringify(line)}\n`)
    else writeError(`${formatLogLine(line)}\n`)
  })
}

/** The command's logger in place of Effect's default one. */
export const cliLoggerLayer = (sinks: LogSinks): Layer.Layer<never> => Logger.layer([cliLogger(sinks)])
