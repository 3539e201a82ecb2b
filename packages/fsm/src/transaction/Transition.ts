/**
 * Transition — a machine's state table written down as data, and the Mermaid diagram drawn from it.
 *
 * Each transaction module exports `transitions`: one row per (state, event class) pair, saying where the machine
 * goes and what it does, in the words of the RFC figure. The reducer is the implementation; the table is the
 * specification the tests walk row by row (`test/transaction/transitions.test.ts` drives the reducer into every
 * `from` state, applies the event class, and checks `to` and the outputs), and `docs/transactions/*.md` are
 * generated from it. A row with `does: undefined` is an event the state ignores (absorbed or not applicable);
 * those rows keep the table complete but are left out of the diagram.
 */

export interface Transition<S extends string, E extends string> {
  readonly from: S
  readonly on: E
  /** The next state on an unreliable transport (UDP). */
  readonly to: S
  /** The next state on a reliable transport, when different (a zero timer skips a waiting state). */
  readonly reliableTo?: S
  /** The figure's action text ("ACK sent, resp. to TU"); `undefined` for an ignored event. */
  readonly does: string | undefined
}

/** How a machine is entered: the figure's arc into its first state. */
export interface Entry<S extends string> {
  readonly on: string
  readonly to: S
  readonly does: string
}

/** A machine's specification: its states, the event classes, the entry arc and the full transition table. */
export interface MachineSpec<S extends string, E extends string> {
  readonly name: string
  readonly figure: string
  readonly states: ReadonlyArray<S>
  readonly events: ReadonlyArray<E>
  readonly entry: Entry<S>
  readonly transitions: ReadonlyArray<Transition<S, E>>
}

export const row = <S extends string, E extends string>(
  from: S,
  on: E,
  to: S,
  does: string,
  reliableTo?: S,
): Transition<S, E> =>
  reliableTo === undefined ? { from, on, to, does } : { from, on, to, does, reliableTo }

export const ignore = <S extends string, E extends string>(from: S, on: E): Transition<S, E> => ({
  from,
  on,
  to: from,
  does: undefined,
})

const quote = (text: string): string => text.replace(/"/g, "'").replace(/:/g, "")

/**
 * The Mermaid `stateDiagram-v2` of a machine: the entry arc, then every row that does something, in table order.
 * Arcs that differ on reliable transports are drawn to the unreliable target and labelled with the reliable one.
 */
export const toMermaid = <S extends string, E extends string>(spec: MachineSpec<S, E>): string => {
  const lines = [
    "stateDiagram-v2",
    `  [*] --> ${spec.entry.to}: ${quote(`${spec.entry.on} / ${spec.entry.does}`)}`,
  ]
  for (const t of spec.transitions) {
    if (t.does === undefined) continue
    const reliable = t.reliableTo === undefined ? "" : ` (reliable → ${t.reliableTo})`
    lines.push(`  ${t.from} --> ${t.to}: ${quote(`${t.on} / ${t.does}${reliable}`)}`)
  }
  lines.push("  Terminated --> [*]")
  return `${lines.join("\n")}\n`
}
