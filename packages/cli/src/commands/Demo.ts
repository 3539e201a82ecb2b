import * as Effect from "effect/Effect"
import { Exit, ExitCode } from "../ExitCode.js"

export const runDemo = (_options: { readonly json: boolean }): Effect.Effect<void, Exit> =>
  Effect.fail(new Exit({ code: ExitCode.software, message: "sip demo: not yet" }))
