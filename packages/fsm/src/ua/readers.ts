/**
 * readers — tolerant reads of the fields the UA core routes on; a message whose fields cannot be read is
 * `undefined` here and answered (requests) or dropped (responses) by the caller.
 */
import {
  getCallId,
  getCSeq,
  getFromTag,
  getHeader,
  getHeaderValues,
  getToTag,
  isErr,
  parseNameAddr,
  type SipMessage,
} from "@sipkit/codec"
import { type CallRef, callRef } from "./Call.js"

/** The name of the call a request in a dialog is for: its Call-ID and To tag (`callRef`), given as read from it.
 * Remembered for the last request asked about: the core looks its call up when the request arrives and again when
 * the application answers it, and the runtime asks for it too; the same name (one string, hashed once) serves them
 * all. One entry, and a message never changes, so the answer never goes stale. */
let lastRequest: SipMessage | undefined
let lastRef = ""
export const dialogCallRef = (request: SipMessage, callId: string, toTag: string): CallRef => {
  if (request !== lastRequest) {
    lastRef = callRef(callId, toTag)
    lastRequest = request
  }
  return lastRef
}

/** What names the dialog of a request in one (§12.2.2): the call's name (`dialogCallRef`) and the remote tag (the
 * From tag, "" without one). */
export interface DialogName {
  readonly ref: CallRef
  readonly remoteTag: string
}

/** The dialog a request names, `undefined` when it names none (no To tag) or its Call-ID, From or To cannot be read:
 * what `incomingDialogId` answers, without its record. Remembered for the last request asked about, as
 * `dialogCallRef` is: a runtime asks for the call of a request in a dialog and of its answer several times (its own
 * lookups and the core's), and each read the three fields again. */
let lastNamed: SipMessage | undefined
let lastName: DialogName | undefined
export const dialogNameOf = (request: SipMessage): DialogName | undefined => {
  if (request !== lastNamed) {
    const callId = getCallId(request)
    const fromTag = getFromTag(request)
    const toTag = getToTag(request)
    lastName =
      isErr(callId) || isErr(fromTag) || isErr(toTag) || toTag.value === undefined
        ? undefined
        : { ref: dialogCallRef(request, callId.value, toTag.value), remoteTag: fromTag.value ?? "" }
    lastNamed = request
  }
  return lastName
}

export interface Routing {
  readonly callId: string
  readonly fromTag: string | undefined
  readonly toTag: string | undefined
  readonly seq: number
  readonly method: string
}

/** The tags are read in place (`getFromTag`, `getToTag`: the same answers and errors as `getFrom`/`getTo` and
 * `getTag`, without building the name-addrs): an ACK or BYE needs no more of its From and To. */
export const routingOf = (message: SipMessage): Routing | undefined => {
  const callId = getCallId(message)
  const cseq = getCSeq(message)
  const fromTag = getFromTag(message)
  const toTag = getToTag(message)
  if (isErr(callId) || isErr(cseq) || isErr(fromTag) || isErr(toTag)) return undefined
  return {
    callId: callId.value,
    fromTag: fromTag.value,
    toTag: toTag.value,
    seq: cseq.value.seq,
    method: cseq.value.method,
  }
}

/** The URI inside a name-addr value, or the value itself when it does not parse as one. */
export const uriOf = (nameAddr: string): string => {
  const parsed = parseNameAddr(nameAddr)
  return isErr(parsed) ? nameAddr : parsed.value.uri
}

/**
 * Whether `name` has any value in the message: `getHeaderValues(message, name).length > 0`, without splitting the
 * first field's value into a list. A field whose value holds a printable ASCII character other than a comma has one:
 * that character lies in some element of the list, which trimming cannot empty (it trims white space only). Any
 * other first value is decided by the full split.
 */
export const hasValue = (message: SipMessage, name: string): boolean => {
  const first = getHeader(message, name)
  if (first === undefined) return false
  for (let i = 0; i < first.length; i++) {
    const c = first.charCodeAt(i)
    if (c > 32 && c < 127 && c !== 44) return true
  }
  return getHeaderValues(message, name).length > 0
}

/** §25.1 token characters besides letters and digits: `-.!%*_+\`'~`, by character code. */
const TOKEN_MARKS = new Uint8Array(128)
for (const c of "-.!%*_+`'~") TOKEN_MARKS[c.charCodeAt(0)] = 1

/** §25.1 token (`1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")`), by character code. */
export const isToken = (text: string): boolean => {
  if (text.length === 0) return false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const letter = (c | 32) >= 97 && (c | 32) <= 122
    if (!letter && !(c >= 48 && c <= 57) && !(c < 128 && TOKEN_MARKS[c] === 1)) return false
  }
  return true
}
