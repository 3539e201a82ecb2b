import { Effect } from "effect"
import { Exit, ExitCode } from "../ExitCode.js"
import type { ListenOptions } from "../options/ListenOptions.js"

export const runListen = (_options: ListenOptions): Effect.Effect<void, Exit> =>
  Effect.fail(new Exit({ code: ExitCode.software, message: "sip listen: not yet" }))
