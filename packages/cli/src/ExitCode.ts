/**
 * ExitCode — what `sip` tells the shell (documented in docs/cli.md).
 *
 *   0  success (a 2xx final response; a clean shutdown; a message that parsed)
 *   1  the exchange completed but not as asked (a non-2xx final response; a malformed message for `sip parse`)
 *   2  a timeout or a transport error (no final response, a socket that could not bind or send)
 *  64  a usage error (EX_USAGE: unknown flag, bad value, missing argument) — one line on stderr
 *  66  the input cannot be read (EX_NOINPUT: `sip parse` of a missing file)
 *  70  an internal error (EX_SOFTWARE: a defect in sip itself)
 * 141  stdout was closed by its reader (`sip listen | head`): stopped at once, silently, as a tool killed by SIGPIPE
 *      (128 + 13) is — Node ignores SIGPIPE, so bin.ts does it on the write's EPIPE
 */
import * as Data from "effect/Data"

export const ExitCode = {
  ok: 0,
  failed: 1,
  timeout: 2,
  usage: 64,
  noInput: 66,
  software: 70,
  brokenPipe: 141,
} as const

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/** A command ends with this code after printing `message` (one line, on stderr) when it is not empty. */
export class Exit extends Data.TaggedError("Exit")<{ readonly code: ExitCode; readonly message: string }> {}

/** A usage error: one line on stderr, exit 64. */
export const usage = (message: string): Exit => new Exit({ code: ExitCode.usage, message })
