/**
 * `sip listen` — a SIP element on @sipkit/transport-node's endpoint (runtime/RuntimeListen.ts), for every set of
 * transports and with `--registrar` / `--proxy`. Prints one start line (`listening on udp HOST:PORT`, or a
 * `{"type":"listening"}` object — the port is the real one when `--port 0`), the ladder of every message unless
 * `--quiet`, and on SIGINT/SIGTERM a summary; then exits 0. The runtime's log lines (a malformed datagram dropped …)
 * go to stderr, or in `--json` mode are `{"type":"log"}` objects (Log.ts).
 */
import * as Effect from "effect/Effect"
import type { Exit } from "../ExitCode.js"
import { cliLoggerLayer } from "../Log.js"
import type { ListenOptions } from "../options/ListenOptions.js"
import { runRuntimeListen } from "../runtime/RuntimeListen.js"

export const runListen = (options: ListenOptions): Effect.Effect<void, Exit> =>
  runRuntimeListen(options).pipe(Effect.provide(cliLoggerLayer({ json: options.json })))
