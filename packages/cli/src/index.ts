/**
 * @sipkit/cli — the `sip` command (bin.ts) and the pure pieces it prints with, for embedding and tests.
 */
export const packageName = "@sipkit/cli"

export { describeMessage, headerViews, messageJson } from "./Describe.js"
export { Exit, ExitCode } from "./ExitCode.js"
export { decodeInput } from "./Input.js"
export {
  bodySummary,
  detailLines,
  firstLine,
  formatLadderEvent,
  formatLadderHeader,
  headersThatMatter,
  type LadderEvent,
  type LadderJson,
  type LadderOptions,
  type Lane,
  ladderEventJson,
  localLanes,
} from "./Ladder.js"
export { main, root, version } from "./Main.js"
export { checkListenFlags, type ListenFlags, type ListenOptions } from "./options/ListenOptions.js"
export { checkSendFlags, type SendFlags, type SendOptions } from "./options/SendOptions.js"
