/**
 * UaState — the whole state of one UA core: its configuration and its calls, and the small helpers every
 * handler shares.
 *
 * The calls live in a persistent map (../persistent/RerootingMap.ts): a step updates one entry in O(1), not a copy of
 * every call in progress, so a step costs about the same with ten calls or thirty thousand. UAS calls are also
 * indexed by the INVITE they answer (Call-ID, From tag, CSeq number), so a CANCEL (§9.2) and a merged request
 * (§8.2.2.2) find theirs without a scan.
 */

import { getCallId, getCSeq, getFromTag, getToTag, isErr } from "@sipkit/codec"
import { join3 } from "../flatJoin.js"
import type { PersistentMap } from "../persistent/PersistentMap.js"
import { emptyRerootingMap } from "../persistent/RerootingMap.js"
import type { Call, CallRef } from "./Call.js"
import { endedCall, isEnded, isSettled } from "./ended.js"
import type { Routing, routingOf } from "./readers.js"
import type { UaConfig } from "./UaConfig.js"
import type { UaOutput } from "./UaOutput.js"

export interface UaState {
  readonly config: UaConfig
  readonly calls: PersistentMap<Call>
  /** UAS calls by `inviteKey` of their INVITE. */
  readonly invites: PersistentMap<CallRef>
}

/** What one step returns: the next state and the outputs, in the order the runtime must act on them. */
export interface UaStep {
  readonly state: UaState
  readonly outputs: ReadonlyArray<UaOutput>
}

export const makeUa = (config: UaConfig): UaState => ({
  config,
  calls: emptyRerootingMap(),
  invites: emptyRerootingMap(),
})

/** Call-ID, From tag and CSeq number: what an INVITE, its CANCEL and a merged copy of it share (§9.2, §8.2.2.2).
 * Read without the To tag `routingOf` reads too. */
export const inviteKey = (request: Parameters<typeof routingOf>[0]): string | undefined => {
  const callId = getCallId(request)
  const cseq = getCSeq(request)
  const fromTag = getFromTag(request)
  if (isErr(callId) || isErr(cseq) || isErr(fromTag) || isErr(getToTag(request))) return undefined
  return join3(" ", callId.value, fromTag.value ?? "", cseq.value.seq)
}

/** One flat string (`join`, see `callRef`): it is held as long as the call. */
export const inviteKeyOf = (routing: Routing): string =>
  join3(" ", routing.callId, routing.fromTag ?? "", routing.seq)

/** The state with a new call in it; a UAS call is indexed by its INVITE too. */
export const addCall = (state: UaState, call: Call): UaState => {
  const indexed = call.role === "UAS" ? (call.inviteKey ?? inviteKey(call.invite)) : undefined
  return {
    config: state.config,
    calls: state.calls.set(call.ref, call),
    invites: indexed === undefined ? state.invites : state.invites.set(indexed, call.ref),
  }
}

/** The state with `call` (already in it) updated. A UAS call that has settled (ended with nothing pending) is kept
 * as `endedCall` makes it (ended.ts), once. */
export const putCall = (state: UaState, call: Call): UaState => ({
  config: state.config,
  calls: state.calls.set(call.ref, isSettled(call) && !isEnded(call) ? endedCall(call) : call),
  invites: state.invites,
})

/** The state without `ref` (and its index entry). */
export const removeCall = (state: UaState, ref: CallRef): UaState => {
  const call = state.calls.get(ref)
  if (call === undefined) return state
  const key = call.role === "UAS" ? (call.inviteKey ?? inviteKey(call.invite)) : undefined
  return {
    config: state.config,
    calls: state.calls.delete(ref),
    invites: key === undefined ? state.invites : state.invites.deleteIf(key, ref),
  }
}

/** The UAS call whose INVITE has this Call-ID, From tag and CSeq number. */
export const callForInvite = (
  state: UaState,
  request: Parameters<typeof routingOf>[0],
  routing?: Routing,
): Call | undefined => {
  const key = routing === undefined ? inviteKey(request) : inviteKeyOf(routing)
  const ref = key === undefined ? undefined : state.invites.get(key)
  return ref === undefined ? undefined : state.calls.get(ref)
}

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
