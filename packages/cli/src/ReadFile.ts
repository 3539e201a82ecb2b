/**
 * ReadFile — a file the user named (`sip parse FILE`, `--body FILE`, `--dns FILE`) read whole, or exit 66 (EX_NOINPUT)
 * with one line: `sip send: cannot read --dns lab.json: ENOENT: no such file or directory, open 'lab.json'`.
 */
import { readFile } from "node:fs/promises"
import * as Effect from "effect/Effect"
import { Exit, ExitCode } from "./ExitCode.js"

/** `command` names who reads (`sip send`), `flag` the flag that named the file, if one did. */
export const readUserFile = (command: string, file: string, flag?: string): Effect.Effect<Uint8Array, Exit> =>
  Effect.tryPromise({
    try: async () => new Uint8Array(await readFile(file)),
    catch: (cause) =>
      new Exit({
        code: ExitCode.noInput,
        message: `${command}: cannot read ${flag === undefined ? "" : `${flag} `}${file}: ${cause instanceof Error ? cause.message : String(cause)}`,
      }),
  })
