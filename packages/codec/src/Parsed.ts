/**
 * Parsed — the message values `parseMessage` returns: ordinary `Request`/`Response` data that also remember the
 * exact bytes they were parsed from, so `serializeMessage` of an unchanged parsed message returns those bytes
 * (no re-encoding). Every change (`setHeader`, spreading into a new object …) builds a plain object without the
 * memory, which then serializes from its fields. The memory is a private field: invisible to `toEqual`,
 * `JSON.stringify` and spreading.
 *
 * A parsed message also keeps where the first Via, From, To, Call-ID and CSeq fields are (and where the first three
 * values sit in its bytes, for the in-place readers), and the typed form of a header
 * once a typed accessor has read it (lazy typed access: a proxy that forwards a message pays only for the headers
 * it reads; a header read twice is parsed once). Header records stay plain `{ name, value }` objects. The
 * message is immutable, so the memory never goes stale.
 */
import { findHeaderIndex } from "./Headers.js"
import type { CSeq } from "./headers/CSeq.js"
import type { Header, Request, Response, SipMessage } from "./Message.js"
import type { HeaderError } from "./ParseError.js"
import type { Result } from "./Result.js"

/**
 * The headers every transaction and dialog reads: where their first fields are is noted by the parser's scan
 * (`ParsedState.via` …), so reading one of them never searches the header list.
 */
export const SLOT_VIA = 0
export const SLOT_FROM = 1
export const SLOT_TO = 2
export const SLOT_CALL_ID = 3
export const SLOT_CSEQ = 4
// The slots bound in this module too: V8 (13.6) compiles an immutable module-local binding to its value, while an
// exported or imported binding is live, so each use re-reads and checks it (`slotIndex` runs on every read).
const VIA = SLOT_VIA
const FROM = SLOT_FROM
const TO = SLOT_TO
const CALL_ID = SLOT_CALL_ID
/** The canonical key and compact form of each slot, for messages that were not parsed. */
const SLOT_KEYS = ["via", "from", "to", "call-id", "cseq"] as const
const SLOT_COMPACT = ["v", "f", "t", "i", undefined] as const

/** What a parsed message remembers besides its fields. */
export interface ParsedState {
  /** The input bytes (a text input is encoded by the parser). */
  source: Uint8Array | string
  /** The flat text the header values were sliced from ("" when they were decoded one by one). */
  readonly text: string
  /** The input bytes when offsets in `text` are offsets in them (an ASCII header section), else undefined. */
  readonly bytes: Uint8Array | undefined
  /** Index of the first field of each slot's header (`SLOT_VIA` …), -1 when absent: found by the parser's scan. */
  readonly via: number
  readonly from: number
  readonly to: number
  readonly callId: number
  readonly cseq: number
  /** Where the first Via, From and To values start in `text` and `bytes`; -1 when folded or not aligned. */
  readonly viaAt: number
  readonly fromAt: number
  readonly toAt: number
  /** Where the first CSeq value starts in `text` and `bytes`; -1 when folded or not aligned. */
  readonly cseqAt: number
  /** Typed values read so far: `[index₀, kind₀, value₀, index₁, …]` (allocated on the first read, a few long). */
  cache: unknown[] | undefined
  /**
   * The answers of the readers a transaction and dialog layer call many times per message (`getFromTag`,
   * `getToTag`, `getCallId`, `getCSeq`), each kept from its first read when it is good (undefined until then). A runtime reads the
   * same few fields of one request a dozen times over (routing, dialog lookup, transaction key, the UA core), and
   * each read made a new result and a new slice. The message is immutable, so an answer never goes stale.
   */
  fromTag: Result<string | undefined, HeaderError> | undefined
  toTag: Result<string | undefined, HeaderError> | undefined
  callIdRead: Result<string, HeaderError> | undefined
  cseqRead: Result<CSeq, HeaderError> | undefined
}

// Flat classes (no `extends`, no emitted field initialisers): constructing one costs what an object literal does.
class ParsedRequest implements Request {
  declare readonly _tag: "Request"
  declare readonly method: string
  declare readonly uri: string
  declare readonly version: string
  declare readonly headers: ReadonlyArray<Header>
  declare readonly body: Uint8Array
  readonly #p: ParsedState
  constructor(
    method: string,
    uri: string,
    version: string,
    headers: ReadonlyArray<Header>,
    body: Uint8Array,
    p: ParsedState,
  ) {
    ;(this as { _tag: string })._tag = "Request"
    ;(this as { method: string }).method = method
    ;(this as { uri: string }).uri = uri
    ;(this as { version: string }).version = version
    ;(this as { headers: ReadonlyArray<Header> }).headers = headers
    ;(this as { body: Uint8Array }).body = body
    this.#p = p
  }
  static state(o: object): ParsedState | undefined {
    return #p in o ? (o as ParsedRequest).#p : undefined
  }
}

class ParsedResponse implements Response {
  declare readonly _tag: "Response"
  declare readonly version: string
  declare readonly status: number
  declare readonly reason: string
  declare readonly headers: ReadonlyArray<Header>
  declare readonly body: Uint8Array
  readonly #p: ParsedState
  constructor(
    version: string,
    status: number,
    reason: string,
    headers: ReadonlyArray<Header>,
    body: Uint8Array,
    p: ParsedState,
  ) {
    ;(this as { _tag: string })._tag = "Response"
    ;(this as { version: string }).version = version
    ;(this as { status: number }).status = status
    ;(this as { reason: string }).reason = reason
    ;(this as { headers: ReadonlyArray<Header> }).headers = headers
    ;(this as { body: Uint8Array }).body = body
    this.#p = p
  }
  static state(o: object): ParsedState | undefined {
    return #p in o ? (o as ParsedResponse).#p : undefined
  }
}

/**
 * What a message remembers of its parse, or undefined for a message that was not parsed. Dispatched on the class,
 * not on `_tag`: where this is inlined after seeing requests and responses, V8 (13.6) compiled the `_tag` form's
 * `#p in o` and `o.#p` into generic keyed-IC calls (~140 instructions per read, five reads per transaction key);
 * after `instanceof` they are a map check and a field load.
 */
export const stateOf = (message: SipMessage): ParsedState | undefined =>
  message instanceof REQUEST ? REQUEST.state(message) : RESPONSE.state(message)
// A class declaration's binding is mutable: immutable copies compile to the classes themselves.
const REQUEST = ParsedRequest
const RESPONSE = ParsedResponse

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export const makeParsedRequest = (
  method: string,
  uri: string,
  version: string,
  headers: ReadonlyArray<Header>,
  body: Uint8Array,
  state: ParsedState,
): Request => new REQUEST(method, uri, version, headers, body, state)

export const makeParsedResponse = (
  version: string,
  status: number,
  reason: string,
  headers: ReadonlyArray<Header>,
  body: Uint8Array,
  state: ParsedState,
): Response => new RESPONSE(version, status, reason, headers, body, state)

/** The first field of a slot's header in a parsed message (-1 when absent). */
export const slotIndex = (p: ParsedState, slot: number): number =>
  slot === VIA ? p.via : slot === FROM ? p.from : slot === TO ? p.to : slot === CALL_ID ? p.callId : p.cseq

/**
 * Index of the first field of a slot's header (`SLOT_VIA` …), -1 when absent: read off the parse for a parsed
 * message, found by scanning the names for any other.
 */
export const firstIndex = (message: SipMessage, slot: number): number => {
  const p = stateOf(message)
  if (p !== undefined) return slotIndex(p, slot)
  return findHeaderIndex(message.headers, SLOT_KEYS[slot]!, SLOT_COMPACT[slot])
}

/**
 * Finds the first field of a slot's header and where its value can be scanned without a copy, for the accessors
 * that read one piece of a value (a parameter) without building its typed form. Answers its index (-1 when
 * absent) and sets `located`: `text`/`start`/`end` (the message text of a parsed message when the value lies in it
 * — the first Via, From or To field, not folded, ASCII header section — else the value itself) and `known`, the typed value already remembered under `kind`, if any. A reused record, read right after
 * the call (the codec is single-threaded and nothing is called out in between).
 */
export const located: { text: string; start: number; end: number; known: unknown } = {
  text: "",
  start: 0,
  end: 0,
  known: undefined,
}
export const locateFirst = (message: SipMessage, slot: number, kind: string): number => {
  const p = stateOf(message)
  const i =
    p !== undefined
      ? slotIndex(p, slot)
      : findHeaderIndex(message.headers, SLOT_KEYS[slot]!, SLOT_COMPACT[slot])
  if (i < 0) return i
  const value = message.headers[i]!.value
  if (p !== undefined) {
    const s = slot === SLOT_VIA ? p.viaAt : slot === SLOT_FROM ? p.fromAt : slot === SLOT_TO ? p.toAt : -1
    const known = p.cache === undefined ? undefined : cached(p.cache, i, kind)
    if (known !== undefined) located.known = known
    else if (s >= 0) {
      located.known = undefined
      located.text = p.text
      located.start = s
      located.end = s + value.length
      return i
    } else located.known = undefined
  } else located.known = recordKnown(message.headers[i]!, kind)
  located.text = value
  located.start = 0
  located.end = value.length
  return i
}

/**
 * The typed form of header `i` of `message`: `parse(value, 0, value.length)`, remembered under `kind` on a message
 * that came from `parseMessage` (`parse` must be pure, and the same for the same `kind`) and by header record on
 * any other (`recordField`).
 */
export const typedField = <T>(
  message: SipMessage,
  i: number,
  kind: string,
  parse: (text: string, start: number, end: number) => T,
): T => {
  const h = message.headers[i]!
  const p = stateOf(message)
  if (p === undefined) return recordField(h, kind, parse)
  const cache = p.cache
  const known = cache === undefined ? undefined : cached(cache, i, kind)
  if (known !== undefined) return known as T
  const value = h.value
  const t = parse(value, 0, value.length)
  if (cache === undefined) p.cache = [i, kind, t]
  else cache.push(i, kind, t)
  return t
}

/** The typed value of header `i` under `kind` in a parsed message's cache, or undefined. */
const cached = (cache: unknown[], i: number, kind: string): unknown => {
  for (let k = 0; k < cache.length; k += 3) if (cache[k] === i && cache[k + 1] === kind) return cache[k + 2]
  return undefined
}

/**
 * Typed values of the header records of messages that were not parsed (built, or derived from a parsed message by
 * `setHeader`, `prependHeader`, a spread …), by record: `[kind₀, value₀, kind₁, value₁, …]`. A derived message
 * shares the records it did not change with the message it came from, so a proxy that reads the To of the copy it
 * forwards parses it once, not on every read. Keyed on the immutable record itself (never on its text), held
 * weakly: it goes with the record.
 */
const byRecord = new WeakMap<Header, unknown[]>()

const recordField = <T>(
  h: Header,
  kind: string,
  parse: (text: string, start: number, end: number) => T,
): T => {
  let cache = byRecord.get(h)
  if (cache === undefined) byRecord.set(h, (cache = []))
  else for (let k = 0; k < cache.length; k += 2) if (cache[k] === kind) return cache[k + 1] as T
  const t = parse(h.value, 0, h.value.length)
  cache.push(kind, t)
  return t
}

const recordKnown = (h: Header, kind: string): unknown => {
  const cache = byRecord.get(h)
  if (cache !== undefined)
    for (let k = 0; k < cache.length; k += 2) if (cache[k] === kind) return cache[k + 1]
  return undefined
}

/** The bytes a message was parsed from, when it is an unchanged parsed message. */
export const sourceOf = (message: SipMessage): Uint8Array | undefined => {
  const p = stateOf(message)
  if (p === undefined) return undefined
  const s = p.source
  if (typeof s !== "string") return s
  const bytes = encoder.encode(s)
  p.source = bytes
  return bytes
}

/** The text of an unchanged parsed message (decoded when it was parsed from bytes). */
export const sourceTextOf = (message: SipMessage): string | undefined => {
  const p = stateOf(message)
  if (p === undefined) return undefined
  return typeof p.source === "string" ? p.source : decoder.decode(p.source)
}
