/**
 * readers — tolerant reads of the fields the UA core routes on; a message whose fields cannot be read is
 * `undefined` here and answered (requests) or dropped (responses) by the caller.
 */
import {
  getCallId,
  getCSeq,
  getFrom,
  getTag,
  getTo,
  isErr,
  parseNameAddr,
  type SipMessage,
} from "@sipkit/codec"

export interface Routing {
  readonly callId: string
  readonly fromTag: string | undefined
  readonly toTag: string | undefined
  readonly seq: number
  readonly method: string
}

export const routingOf = (message: SipMessage): Routing | undefined => {
  const callId = getCallId(message)
  const cseq = getCSeq(message)
  const from = getFrom(message)
  const to = getTo(message)
  if (isErr(callId) || isErr(cseq) || isErr(from) || isErr(to)) return undefined
  return {
    callId: callId.value,
    fromTag: getTag(from.value),
    toTag: getTag(to.value),
    seq: cseq.value.seq,
    method: cseq.value.method,
  }
}

/** The URI inside a name-addr value, or the value itself when it does not parse as one. */
export const uriOf = (nameAddr: string): string => {
  const parsed = parseNameAddr(nameAddr)
  return isErr(parsed) ? nameAddr : parsed.value.uri
}
