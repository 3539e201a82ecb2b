import { Effect } from "effect"
import { Exit, ExitCode } from "../ExitCode.js"
import type { SendOptions } from "../options/SendOptions.js"

export const runSend = (_options: SendOptions): Effect.Effect<void, Exit> =>
  Effect.fail(new Exit({ code: ExitCode.software, message: "sip send: not yet" }))
