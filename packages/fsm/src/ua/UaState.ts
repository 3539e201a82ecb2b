/**
 * UaState — the whole state of one UA core: its configuration and its calls, and the small helpers every
 * handler shares.
 */
import type { Call, CallRef } from "./Call.js"
import type { UaConfig } from "./UaConfig.js"
import type { UaOutput } from "./UaOutput.js"

export interface UaState {
  readonly config: UaConfig
  readonly calls: ReadonlyMap<CallRef, Call>
}

/** What one step returns: the next state and the outputs, in the order the runtime must act on them. */
export interface UaStep {
  readonly state: UaState
  readonly outputs: ReadonlyArray<UaOutput>
}

export const makeUa = (config: UaConfig): UaState => ({ config, calls: new Map() })

export const putCall = (state: UaState, call: Call): UaState => ({
  ...state,
  calls: new Map(state.calls).set(call.ref, call),
})

export const stay = (state: UaState): UaStep => ({ state, outputs: [] })

export const stepWith = (state: UaState, call: Call, outputs: ReadonlyArray<UaOutput>): UaStep => ({
  state: putCall(state, call),
  outputs,
})

/** Runs two steps one after the other, keeping the outputs in order. */
export const andThen = (first: UaStep, next: (state: UaState) => UaStep): UaStep => {
  const second = next(first.state)
  return { state: second.state, outputs: [...first.outputs, ...second.outputs] }
}
