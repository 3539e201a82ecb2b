/**
 * replaces — the UAS side of the RFC 3891 Replaces header: which of our dialogs an incoming INVITE replaces.
 *
 * RFC 3891 §3: the UAS matches the Call-ID, to-tag and from-tag of the Replaces header against its dialogs (the
 * to-tag is the receiving UA's own tag; a match in the other orientation is accepted too — tags are unique, and
 * some implementations write them the other way round). No match: 481. A match on a terminated dialog: 603. A
 * match on a confirmed dialog with `early-only`: 486. Otherwise the new call replaces it: once the new dialog is
 * confirmed the core ends the old one with a BYE.
 */
import { type Call, type CallRef, callRef } from "./Call.js"
import { isDialog } from "./ended.js"
import type { UaState } from "./UaState.js"

export interface ReplacesValue {
  readonly callId: string
  readonly toTag: string
  readonly fromTag: string
  readonly earlyOnly: boolean
}

/** `callid;to-tag=…;from-tag=…[;early-only]` (RFC 3891 §6.1); both tags are required. */
export const parseReplaces = (value: string): ReplacesValue | undefined => {
  const [callId, ...params] = value.split(";").map((p) => p.trim())
  const param = (name: string) =>
    params.find((p) => p.toLowerCase().startsWith(`${name}=`))?.slice(name.length + 1)
  const toTag = param("to-tag")
  const fromTag = param("from-tag")
  if (callId === undefined || callId === "" || toTag === undefined || fromTag === undefined) return undefined
  return { callId, toTag, fromTag, earlyOnly: params.some((p) => p.toLowerCase() === "early-only") }
}

/** The calls whose dialog the value names, in either orientation. A call is kept under `callRef(Call-ID, local
 * tag)` of its dialog (the To tag of its INVITE's responses on the UAS, its From tag on the UAC), so the two
 * orientations are two lookups, not a walk over every call held (an ended one too, ended.ts). */
const named = (state: UaState, r: ReplacesValue): ReadonlyArray<Call> => {
  const asSent = state.calls.get(callRef(r.callId, r.toTag))
  const reversed = state.calls.get(callRef(r.callId, r.fromTag))
  const found: Array<Call> = []
  if (asSent !== undefined && isDialog(asSent, r.callId, r.toTag, r.fromTag)) found.push(asSent)
  if (reversed !== undefined && reversed !== asSent && isDialog(reversed, r.callId, r.fromTag, r.toTag))
    found.push(reversed)
  return found
}

/** The call a Replaces value names, or the status to refuse the INVITE with. */
export const replacedCall = (
  state: UaState,
  value: string,
):
  | { readonly _tag: "Replaces"; readonly call: CallRef }
  | { readonly _tag: "Refuse"; readonly status: number } => {
  const parsed = parseReplaces(value)
  if (parsed === undefined) return { _tag: "Refuse", status: 400 }
  const found = named(state, parsed)
  const [call] = found
  if (call === undefined || found.length > 1) return { _tag: "Refuse", status: 481 }
  if (call.phase === "Terminated") return { _tag: "Refuse", status: 603 }
  if (parsed.earlyOnly && call.phase === "Confirmed") return { _tag: "Refuse", status: 486 }
  return { _tag: "Replaces", call: call.ref }
}
