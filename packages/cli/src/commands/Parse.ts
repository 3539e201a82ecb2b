/**
 * `sip parse [FILE|-]` — decodes a message or a stream of them and prints its structure (Describe.ts), or with
 * `--json` one typed object per message. Exit 0 when every byte decoded, 1 at the first malformed message (with
 * the reason and the byte offset), 66 when the input cannot be read.
 */
import * as Effect from "effect/Effect"
import { describeMessage, messageJson } from "../Describe.js"
import { Exit, ExitCode } from "../ExitCode.js"
import { decodeInput } from "../Input.js"
import { readUserFile } from "../ReadFile.js"

export interface ParseFlags {
  readonly file: string | undefined
  readonly json: boolean
}

const readStdin = Effect.callback<Uint8Array, Exit>((resume) => {
  const chunks: Array<Buffer> = []
  const onData = (chunk: Buffer) => chunks.push(chunk)
  const onEnd = () => resume(Effect.succeed(new Uint8Array(Buffer.concat(chunks))))
  const onError = (cause: Error) =>
    resume(
      Effect.fail(
        new Exit({ code: ExitCode.noInput, message: `sip parse: cannot read stdin: ${cause.message}` }),
      ),
    )
  process.stdin.on("data", onData).once("end", onEnd).once("error", onError)
  return Effect.sync(() => {
    process.stdin.off("data", onData).off("end", onEnd).off("error", onError)
  })
})

const readInput = (file: string | undefined): Effect.Effect<Uint8Array, Exit> =>
  file === undefined || file === "-" ? readStdin : readUserFile("sip parse", file)

export const runParse = (flags: ParseFlags): Effect.Effect<void, Exit> =>
  Effect.gen(function* () {
    const bytes = yield* readInput(flags.file)
    const decoded = decodeInput(bytes)
    const total = decoded.messages.length
    const out: Array<string> = []
    decoded.messages.forEach((message, index) => {
      if (flags.json) out.push(JSON.stringify(messageJson(message)))
      else {
        if (total > 1 || decoded.error !== undefined)
          out.push(`── message ${index + 1}${total > 1 ? ` of ${total}` : ""}`)
        out.push(describeMessage(message))
      }
    })
    const error = decoded.error
    if (error !== undefined && flags.json)
      out.push(
        JSON.stringify({ type: "error", reason: error.reason, offset: error.offset, status: error.status }),
      )
    if (out.length > 0) yield* Effect.sync(() => process.stdout.write(`${out.join("\n")}\n`))
    if (error !== undefined) {
      const where = flags.file === undefined || flags.file === "-" ? "stdin" : flags.file
      return yield* new Exit({
        code: ExitCode.failed,
        message: `sip parse: ${where}: malformed message at offset ${error.offset}: ${error.reason} (a server answers ${error.status})`,
      })
    }
  })
