/**
 * Parsed — the message values `parseMessage` returns: ordinary `Request`/`Response` data that also remember the
 * exact bytes they were parsed from, so `serializeMessage` of an unchanged parsed message returns those bytes
 * (no re-encoding). Every change (`setHeader`, spreading into a new object …) builds a plain object without the
 * memory, which then serializes from its fields. The memory is a private field: invisible to `toEqual`,
 * `JSON.stringify` and spreading.
 */
import type { Header, Request, Response, SipMessage } from "./Message.js"

class Sourced {
  readonly #source: Uint8Array
  constructor(source: Uint8Array) {
    this.#source = source
  }
  static sourceOf(message: object): Uint8Array | undefined {
    return #source in message ? (message as Sourced).#source : undefined
  }
}

class ParsedRequest extends Sourced implements Request {
  readonly _tag = "Request" as const
  constructor(
    readonly method: string,
    readonly uri: string,
    readonly version: string,
    readonly headers: ReadonlyArray<Header>,
    readonly body: Uint8Array,
    source: Uint8Array,
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
    source: Uint8Array,
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
  source: Uint8Array,
): Request => new ParsedRequest(method, uri, version, headers, body, source)

export const makeParsedResponse = (
  version: string,
  status: number,
  reason: string,
  headers: ReadonlyArray<Header>,
  body: Uint8Array,
  source: Uint8Array,
): Response => new ParsedResponse(version, status, reason, headers, body, source)

/** The bytes a message was parsed from, when it is an unchanged parsed message. */
export const sourceOf = (message: SipMessage): Uint8Array | undefined => Sourced.sourceOf(message)
