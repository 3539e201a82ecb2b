/**
 * phases — the life of a call (RFC 3261 §13–§15) as data: every arc between `Phase`s, with the event that takes
 * it and the section that asks for it. The tests drive the reducer through each row (test/ua/phases.test.ts) and
 * the diagram of docs/ua.md is generated from these rows, so neither can drift from the code.
 */
import type { Phase } from "./Call.js"

export interface PhaseArc {
  readonly from: Phase | "Start"
  readonly to: Phase
  readonly side: "UAC" | "UAS" | "both"
  readonly on: string
  readonly rfc: string
}

export const phaseArcs: ReadonlyArray<PhaseArc> = [
  { from: "Start", to: "Calling", side: "UAC", on: "Invite", rfc: "§13.2.1" },
  {
    from: "Calling",
    to: "Proceeding",
    side: "UAC",
    on: "1xx (a pending CANCEL goes now)",
    rfc: "§9.1, §13.2.2.1",
  },
  {
    from: "Calling",
    to: "Calling",
    side: "UAC",
    on: "401/407 retried, 3xx followed",
    rfc: "§22.2, §8.1.3.4",
  },
  { from: "Calling", to: "Confirmed", side: "UAC", on: "2xx (ACK sent)", rfc: "§13.2.2.4" },
  { from: "Calling", to: "Terminated", side: "UAC", on: "≥300, Timer B", rfc: "§13.2.2.3, §8.1.3.1" },
  { from: "Proceeding", to: "Confirmed", side: "UAC", on: "2xx (ACK sent)", rfc: "§13.2.2.4" },
  {
    from: "Proceeding",
    to: "Terminated",
    side: "UAC",
    on: "≥300 (487 after CANCEL)",
    rfc: "§13.2.2.3, §9.1",
  },
  { from: "Start", to: "Proceeding", side: "UAS", on: "INVITE", rfc: "§13.3.1" },
  { from: "Proceeding", to: "Accepted", side: "UAS", on: "Answer (2xx sent)", rfc: "§13.3.1.4" },
  { from: "Proceeding", to: "Terminated", side: "UAS", on: "Reject, CANCEL (487)", rfc: "§13.3.1.3, §9.2" },
  { from: "Accepted", to: "Confirmed", side: "UAS", on: "ACK", rfc: "§13.3.1.4" },
  { from: "Accepted", to: "Terminated", side: "UAS", on: "64·T1 without ACK (BYE, 408)", rfc: "§13.3.1.4" },
  { from: "Confirmed", to: "Terminated", side: "both", on: "BYE either way, 481/408", rfc: "§15, §12.2.1.2" },
]

/** The arcs as a Mermaid state diagram. */
export const phaseDiagram = (): string =>
  [
    "stateDiagram-v2",
    ...phaseArcs.map((a) => `  ${a.from === "Start" ? "[*]" : a.from} --> ${a.to}: ${a.side} ${a.on}`),
  ].join("\n")
