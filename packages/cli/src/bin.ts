#!/usr/bin/env node
/**
 * The `sip` binary: runs Main with the process arguments and exits with its code.
 */
import * as Effect from "effect/Effect"
import { main } from "./Main.js"

const code = await Effect.runPromise(main(process.argv.slice(2)))
process.exitCode = code
// Everything the command opened is closed by its scope; this only guards against a stray handle.
setTimeout(() => process.exit(code), 2_000).unref()
