/**
 * Parsed — the message values `parseMessage` returns: ordinary `Request`/`Response` data that also remember the
 * exact bytes they were parsed from, so `serializeMessage` of an unchanged parsed message returns those bytes
 * (no re-encoding). Every change (`setHeader`, spreading into a new object …) builds a plain object without the
 * memory, which then serializes from its fields. The memory is a private field: invisible to `toEqual`,
 * `JSON.stringify` and spreading.
 *
 * A parsed message also keeps where each header value sits in the message text, and the typed form of a header
 * once a typed accessor has read it (lazy typed access: a proxy that forwards a message pays only for the headers
 * it reads; a header read twice is parsed once). Header records stay plain `{ name, value }` objects. The
 * message is immutable, so the memory never goes stale.
 */
import type { Header, Request, Response, SipMessage } from "./Message.js"

class Sourced {
  /** The input: bytes, or the text it was given as (encoded on the first serialize). */
  #source: Uint8Array | string
  /** The flat text the header values were sliced from, and where each value starts in it (-1: folded). */
  readonly #text: string
  readonly #starts: ReadonlyArray<number>
  /** Typed values read so far: `[kind₀, value₀, kind₁, value₁, …]` by header index (allocated on first read). */
  #cache: unknown[] | undefined
  constructor(source: Uint8Array | string, text: string, starts: ReadonlyArray<number>) {
    this.#source = source
    this.#text = text
    this.#starts = starts
    this.#cache = undefined
  }
  static sourceOf(message: object): Uint8Array | undefined {
    if (!(#source in message)) return undefined
    const m = message as Sourced
    const s = m.#source
    if (typeof s !== "string") return s
    const bytes = encoder.encode(s)
    m.#source = bytes
    return bytes
  }
  static sourceText(message: object): string | undefined {
    if (!(#source in message)) return undefined
    const s = (message as Sourced).#source
    return typeof s === "string" ? s : decoder.decode(s)
  }
  static typed<T>(
    message: SipMessage,
    i: number,
    kind: string,
    parse: (text: string, start: number, end: number) => T,
  ): T {
    const value = message.headers[i]!.value
    if (!(#source in message)) return parse(value, 0, value.length)
    const m = message as unknown as Sourced
    let cache = m.#cache
    if (cache === undefined) m.#cache = cache = []
    if (cache[2 * i] === kind) return cache[2 * i + 1] as T
    const s = m.#starts[i] ?? -1
    const t = s < 0 ? parse(value, 0, value.length) : parse(m.#text, s, s + value.length)
    cache[2 * i] = kind
    cache[2 * i + 1] = t
    return t
  }
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

class ParsedRequest extends Sourced implements Request {
  readonly _tag = "Request" as const
  constructor(
    readonly method: string,
    readonly uri: string,
    readonly version: string,
    readonly headers: ReadonlyArray<Header>,
    readonly body: Uint8Array,
    source: Uint8Array | string,
    text: string,
    starts: ReadonlyArray<number>,
  ) {
    super(source, text, starts)
  }
}

class ParsedResponse extends Sourced implements Response {
  readonly _tag = "Response" as const
  constructor(
    readonly version: string,
    readonly status: number,
    readonly reason: string,
    readonly headers: ReadonlyArray<Header>,
    readonly body: Uint8Array,
    source: Uint8Array | string,
    text: string,
    starts: ReadonlyArray<number>,
  ) {
    super(source, text, starts)
  }
}

export const makeParsedRequest = (
  method: string,
  uri: string,
  version: string,
  headers: ReadonlyArray<Header>,
  body: Uint8Array,
  source: Uint8Array | string,
  text: string,
  starts: ReadonlyArray<number>,
): Request => new ParsedRequest(method, uri, version, headers, body, source, text, starts)

export const makeParsedResponse = (
  version: string,
  status: number,
  reason: string,
  headers: ReadonlyArray<Header>,
  body: Uint8Array,
  source: Uint8Array | string,
  text: string,
  starts: ReadonlyArray<number>,
): Response => new ParsedResponse(version, status, reason, headers, body, source, text, starts)

/**
 * The typed form of header `i` of `message`: `parse(text, start, end)` over its value — over the flat message text
 * when the message came from `parseMessage` (no copy), remembered there under `kind` (`parse` must be pure, and
 * the same for the same `kind`). Any other message is parsed each time.
 */
export const typedField = <T>(
  message: SipMessage,
  i: number,
  kind: string,
  parse: (text: string, start: number, end: number) => T,
): T => Sourced.typed(message, i, kind, parse)

/** The bytes a message was parsed from, when it is an unchanged parsed message. */
export const sourceOf = (message: SipMessage): Uint8Array | undefined => Sourced.sourceOf(message)

/** The text of an unchanged parsed message (decoded when it was parsed from bytes). */
export const sourceTextOf = (message: SipMessage): string | undefined => Sourced.sourceText(message)
