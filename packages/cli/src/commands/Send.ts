/**
 * `sip send METHOD URI` — a UAC that follows the whole exchange and prints its ladder, on @sipkit/transport-node
 * (runtime/RuntimeSend.ts) for every transport. With `--count N --rate R` it is a small load generator: a progress
 * bar on a terminal and a summary (calls per second, response-time percentiles, failures by status).
 *
 * Exit: 0 every exchange ended 2xx (and a clean BYE / an asked-for CANCEL), 1 some final response was not,
 * 2 a timeout or transport error, 64 usage (checked before this runs), 66 --body/--sdp file unreadable. The runtime's
 * log lines go to stderr, or in `--json` mode are `{"type":"log"}` objects (Log.ts).
 */
import * as Effect from "effect/Effect"
import type { Exit } from "../ExitCode.js"
import { cliLoggerLayer } from "../Log.js"
import { defaultOffer } from "../Media.js"
import type { SendOptions } from "../options/SendOptions.js"
import { readUserFile } from "../ReadFile.js"
import { runRuntimeSend } from "../runtime/RuntimeSend.js"

type Body = { readonly bytes: Uint8Array; readonly contentType: string } | undefined

const readBody = (options: SendOptions, localHost: string): Effect.Effect<Body, Exit> => {
  const body = options.body
  if (body === undefined)
    return Effect.succeed(
      options.method === "INVITE"
        ? { bytes: new TextEncoder().encode(defaultOffer(localHost)), contentType: "application/sdp" }
        : undefined,
    )
  return Effect.map(readUserFile("sip send", body.file), (bytes) => ({
    bytes,
    contentType: body.contentType,
  }))
}

export const runSend = (options: SendOptions): Effect.Effect<void, Exit> =>
  Effect.flatMap(readBody(options, options.bind.host), (body) => runRuntimeSend(options, body)).pipe(
    Effect.provide(cliLoggerLayer({ json: options.json })),
  )
