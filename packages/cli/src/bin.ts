#!/usr/bin/env node
/**
 * The `sip` binary: runs Main with the process arguments and exits with its code.
 * Node's on-disk compile cache is switched on first (Main and effect are loaded after it): about a third off the
 * start-up time of every run after the first (measured on this 2-core machine).
 */
import * as NodeModule from "node:module"

// Node ≥ 22.1; the project pins Node 24, an older node simply runs without the cache.
;(NodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.()
// `sip … | head`: once the reader is gone a write fails with EPIPE, emitted on the stream; stop at once and
// silently, as a tool killed by SIGPIPE does, rather than die on an unhandled 'error' with a stack trace
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (cause: NodeJS.ErrnoException) => {
    if (cause.code !== "EPIPE") throw cause
    process.exit(141) // ExitCode.brokenPipe (not imported: this runs before Main is loaded)
  })
const [{ main }, Effect] = await Promise.all([import("./Main.js"), import("effect/Effect")])
const code = await Effect.runPromise(main(process.argv.slice(2)))
process.exitCode = code
// Everything the command opened is closed by its scope; this only guards against a stray handle.
setTimeout(() => process.exit(code), 2_000).unref()
