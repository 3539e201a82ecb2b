/**
 * ValueParams — the shape shared by Event, Subscription-State, Session-Expires, Min-SE, Content-Disposition and
 * Retry-After: one leading value (a token, or delta-seconds) followed by `*( SEMI generic-param )`.
 */
import { isTokenChar, isWs } from "../Chars.js"
import { compactOf } from "../HeaderNames.js"
import { findHeaderIndex } from "../Headers.js"
import type { SipMessage } from "../Message.js"
import { type Param, parseParams } from "../Params.js"
import { type HeaderError, makeHeaderError } from "../ParseError.js"
import { err, ok, type Result } from "../Result.js"

export interface ValueWithParams {
  readonly value: string
  readonly params: ReadonlyArray<Param>
}

/** `token *( SEMI generic-param )` (tokens may be dotted: `presence.winfo`). */
export const parseValueParams = (header: string, text: string): Result<ValueWithParams, HeaderError> => {
  let i = 0
  const n = text.length
  while (i < n && isWs(text.charCodeAt(i))) i++
  const s = i
  while (i < n && isTokenChar(text.charCodeAt(i))) i++
  if (i === s) return err(makeHeaderError(header, `${header} without a value`))
  const value = text.slice(s, i)
  const params = parseParams(text, i)
  if (typeof params === "string") return err(makeHeaderError(header, params))
  return ok({ value, params })
}

/** The raw value of the first field named `key`, or undefined. */
export const rawHeader = (message: SipMessage, key: string): string | undefined => {
  const i = findHeaderIndex(message.headers, key, compactOf(key))
  return i < 0 ? undefined : message.headers[i]!.value
}

/** Applies `parse` to the first field named `key`; Ok(undefined) when absent. */
export const optionalHeader = <A>(
  message: SipMessage,
  key: string,
  parse: (value: string) => Result<A, HeaderError>,
): Result<A | undefined, HeaderError> => {
  const v = rawHeader(message, key)
  return v === undefined ? ok(undefined) : parse(v)
}
