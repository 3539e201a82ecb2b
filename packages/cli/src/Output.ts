/**
 * Output — where a command's ladder, notes and summary go: text (a ladder, colour only when stdout is a TTY and
 * NO_COLOR is unset) or `--json` (one object per line). Errors go to stderr, one line each.
 *
 * The shell side of Ladder.ts: it owns the writes to stdout/stderr and nothing else.
 */
import {
  formatLadderEvent,
  formatLadderHeader,
  type LadderEvent,
  type LadderOptions,
  type Lane,
  ladderEventJson,
} from "./Ladder.js"

export interface Output {
  readonly json: boolean
  /** Prints the lane titles once (text mode only). */
  readonly header: () => void
  /** One message that crossed the wire. */
  readonly event: (event: LadderEvent) => void
  /** A line of text for people (text mode) or an object (json mode: `{ type, …fields }`). */
  readonly note: <F extends { readonly type: string }>(text: string, fields: F) => void
  /** One line on stderr (both modes). */
  readonly error: (text: string) => void
}

/** Colour when stdout is a terminal and NO_COLOR is not set; FORCE_COLOR forces it. */
export const wantsColor = (stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean => {
  const { NO_COLOR: noColor, FORCE_COLOR: forceColor } = env
  if (forceColor !== undefined && forceColor !== "0") return true
  return noColor === undefined && stream.isTTY === true
}

export interface OutputConfig {
  readonly json: boolean
  readonly quiet?: boolean
  readonly lanes: ReadonlyArray<Lane>
  readonly color?: boolean
  readonly laneWidth?: number
  readonly write?: (text: string) => void
  readonly writeError?: (text: string) => void
}

export const makeOutput = (config: OutputConfig): Output => {
  const write = config.write ?? ((text: string) => void process.stdout.write(text))
  const writeError = config.writeError ?? ((text: string) => void process.stderr.write(text))
  const options: LadderOptions = {
    lanes: config.lanes,
    ...(config.laneWidth === undefined ? {} : { laneWidth: config.laneWidth }),
    color: config.color ?? (config.json ? false : wantsColor(process.stdout, process.env)),
  }
  const quiet = config.quiet === true
  return {
    json: config.json,
    header: () => {
      if (!config.json && !quiet) write(`${formatLadderHeader(options)}\n`)
    },
    event: (event) => {
      if (quiet) return
      write(
        config.json
          ? `${JSON.stringify(ladderEventJson(event))}\n`
          : `${formatLadderEvent(event, options)}\n`,
      )
    },
    note: (text, fields) => write(config.json ? `${JSON.stringify(fields)}\n` : `${text}\n`),
    error: (text) => writeError(`${text}\n`),
  }
}
