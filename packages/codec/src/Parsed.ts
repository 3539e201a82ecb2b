/**
 * Parsed — the message values `parseMessage` returns: ordinary `Request`/`Response` data that also remember the
 * exact bytes they were parsed from, so `serializeMessage` of an unchanged parsed message returns those bytes
 * (no re-encoding). Every change (`setHeader`, spreading into a new object …) builds a plain object without the
 * memory, which then serializes from its fields. The memory is a private field: invisible to `toEqual`,
 * `JSON.stringify` and spreading.
 *
 * Header records made by the parser also keep the typed form of their value once a typed accessor has read it
 * (lazy typed access: a proxy that forwards a message pays only for the headers it reads; a header read twice
 * is parsed once). Headers are immutable, so the memory never goes stale.
 */
import type { Header, Request, Response, SipMessage } from "./Message.js"

class Sourced {
  /** The input: bytes, or the text it was given as (encoded on the first serialize). */
  #source: Uint8Array | string
  constructor(source: Uint8Array | string) {
    this.#source = source
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
  ) {
    super(source)
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
  ) {
    super(source)
  }
}

export const makeParsedRequest = (
  method: string,
  uri: string,
  version: string,
  headers: ReadonlyArray<Header>,
  body: Uint8Array,
  source: Uint8Array | string,
): Request => new ParsedRequest(method, uri, version, headers, body, source)

export const makeParsedResponse = (
  version: string,
  status: number,
  reason: string,
  headers: ReadonlyArray<Header>,
  body: Uint8Array,
  source: Uint8Array | string,
): Response => new ParsedResponse(version, status, reason, headers, body, source)

class ParsedHeader implements Header {
  #typed: unknown
  #kind: string | undefined
  /** The value is `#src[#s, #e)`: typed parsers scan the flat message text, not a sliced copy. */
  readonly #src: string
  readonly #s: number
  readonly #e: number
  constructor(
    readonly name: string,
    readonly value: string,
    src: string,
    s: number,
    e: number,
  ) {
    this.#src = src
    this.#s = s
    this.#e = e
  }
  static typed<T>(header: Header, kind: string, parse: (text: string, start: number, end: number) => T): T {
    if (!(#typed in header)) return parse(header.value, 0, header.value.length)
    const h = header as ParsedHeader
    if (h.#kind === kind) return h.#typed as T
    const t = parse(h.#src, h.#s, h.#e)
    h.#kind = kind
    h.#typed = t
    return t
  }
}

/** A header record whose value is `src[s, e)` (pass `value, 0, value.length` when it is not a slice). */
export const makeParsedHeader = (name: string, value: string, src: string, s: number, e: number): Header =>
  new ParsedHeader(name, value, src, s, e)

/**
 * The typed form of a header value: `parse(text, start, end)` over the value, remembered on parser-made headers
 * under `kind` (`parse` must be pure, and the same for the same `kind`).
 */
export const typedHeader = <T>(
  header: Header,
  kind: string,
  parse: (text: string, start: number, end: number) => T,
): T => ParsedHeader.typed(header, kind, parse)

/** The bytes a message was parsed from, when it is an unchanged parsed message. */
export const sourceOf = (message: SipMessage): Uint8Array | undefined => Sourced.sourceOf(message)

/** The text of an unchanged parsed message (decoded when it was parsed from bytes). */
export const sourceTextOf = (message: SipMessage): string | undefined => Sourced.sourceText(message)
