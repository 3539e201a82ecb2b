/**
 * The generator of docs/transactions/*.md: one page per machine, drawn from its `spec` (the table the reducer is
 * tested against row by row). `docs.test.ts` checks the committed pages equal this output; run it with
 * `WRITE_DOCS=1` to rewrite them.
 */
import {
  defaultTimerConfig,
  InviteClientTransaction,
  InviteServerTransaction,
  type MachineSpec,
  NonInviteClientTransaction,
  NonInviteServerTransaction,
  type TimerName,
  timerDuration,
  toMermaid,
} from "../../../src/transaction/index.js"

export interface Page {
  /** Path from the repository root. */
  readonly path: string
  readonly source: string
  readonly spec: MachineSpec<string, string>
}

export const pages: ReadonlyArray<Page> = [
  {
    path: "docs/transactions/invite-client.md",
    source: "InviteClientTransaction.ts",
    spec: InviteClientTransaction.spec,
  },
  {
    path: "docs/transactions/non-invite-client.md",
    source: "NonInviteClientTransaction.ts",
    spec: NonInviteClientTransaction.spec,
  },
  {
    path: "docs/transactions/invite-server.md",
    source: "InviteServerTransaction.ts",
    spec: InviteServerTransaction.spec,
  },
  {
    path: "docs/transactions/non-invite-server.md",
    source: "NonInviteServerTransaction.ts",
    spec: NonInviteServerTransaction.spec,
  },
]

const ms = (value: number | undefined): string =>
  value === undefined ? "not used" : value === 0 ? "0 (skipped)" : `${value / 1000} s`

export const renderPage = (page: Page): string => {
  const { spec } = page
  const acting = spec.transitions.filter((t) => t.does !== undefined)
  const ignored = spec.states.map((s) => ({
    state: s,
    events: spec.transitions.filter((t) => t.from === s && t.does === undefined).map((t) => t.on),
  }))
  // states a reliable transport never holds: every arc into them (from elsewhere) goes on to reliableTo
  const transient = spec.states.filter((s) => {
    const into = spec.transitions.filter((t) => t.to === s && t.from !== s && t.does !== undefined)
    return s !== spec.entry.to && into.length > 0 && into.every((t) => t.reliableTo !== undefined)
  })
  const reliableNext = (t: (typeof acting)[number]): string => {
    const unused =
      t.on.startsWith("Timer ") &&
      timerDuration(t.on.slice(6) as TimerName, defaultTimerConfig, true) === undefined
    return transient.includes(t.from) || unused ? "—" : (t.reliableTo ?? t.to)
  }
  const timers = spec.events.filter((e) => e.startsWith("Timer ")).map((e) => e.slice(6) as TimerName)
  const lines = [
    `<!-- GENERATED from packages/fsm/src/transaction/${page.source} (\`spec\`) by`,
    "     packages/fsm/test/transaction/support/diagramPages.ts. Do not edit: change the spec, then run",
    "     `WRITE_DOCS=1 npx vitest run test/transaction/docs.test.ts` in packages/fsm. -->",
    "",
    `# ${spec.name}`,
    "",
    `Set beside ${spec.figure}. The diagram and the table below are drawn from the \`spec\` the reducer is`,
    "tested against row by row (`test/transaction/transitions.test.ts`); arcs into Terminated end the",
    "transaction, which is destroyed at once.",
    "",
    "```mermaid",
    toMermaid(spec).trimEnd(),
    "```",
    "",
    "## Transitions",
    "",
    "| State | Event | Next (UDP) | Next (reliable) | Action |",
    "|---|---|---|---|---|",
    `| (none) | ${spec.entry.on} | ${spec.entry.to} | ${spec.entry.to} | ${spec.entry.does} |`,
    ...acting.map((t) => `| ${t.from} | ${t.on} | ${t.to} | ${reliableNext(t)} | ${t.does} |`),
    "",
    "A dash in the reliable column marks a row that cannot happen there: its state is never held (a zero",
    "timer skips it) or its timer is never armed.",
    "",
    "## Ignored events",
    "",
    "Every other (state, event) pair changes nothing and outputs nothing: the event is absorbed, or cannot",
    "happen in that state (a timer that is not armed there is a stale firing).",
    "",
    ...ignored.filter((i) => i.events.length > 0).map((i) => `- **${i.state}**: ${i.events.join(", ")}`),
    "",
    "## Timers",
    "",
    "| Timer | UDP (defaults) | Reliable transport |",
    "|---|---|---|",
    ...timers.map(
      (t) =>
        `| ${t} | ${ms(timerDuration(t, defaultTimerConfig, false))} | ${ms(timerDuration(t, defaultTimerConfig, true))} |`,
    ),
    "",
  ]
  return lines.join("\n")
}
