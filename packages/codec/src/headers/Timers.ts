/**
 * Timers — the headers that carry a duration (RFC 3261 §20.33; RFC 4028 §4, §5):
 *   Retry-After = delta-seconds [ comment ] *( SEMI retry-param );  retry-param = ("duration" EQUAL delta-seconds) / generic-param
 *   Session-Expires = delta-seconds *( SEMI se-params );  se-params = refresher-param / generic-param;  refresher-param = "refresher" EQUAL ("uas" / "uac")
 *   Min-SE = delta-seconds *( SEMI generic-param )
 * Examples: `Retry-After: 18000;duration=3600`, `Retry-After: 120 (I'm in a meeting)`, `x: 1800;refresher=uac`
 * delta-seconds above 2**32-1 are an error here (RFC 4475 scalarlg) — except Expires, which §20.19 caps.
 */
import { isDigit, isWs } from "../Chars.js"
import type { SipMessage } from "../Message.js"
import { getParam, type Param, parseParams, printParams } from "../Params.js"
import { type HeaderError, makeHeaderError } from "../ParseError.js"
import { err, ok, type Result } from "../Result.js"
import { optionalHeader } from "./ValueParams.js"

export interface SessionExpires {
  readonly seconds: number
  readonly params: ReadonlyArray<Param>
}

export interface RetryAfter {
  readonly seconds: number
  /** The comment's text without its parentheses, when present. */
  readonly comment: string | undefined
  readonly params: ReadonlyArray<Param>
}

/** Leading delta-seconds of `text`: [value, index after it] or an error reason. */
const deltaSeconds = (text: string): [number, number] | string => {
  let i = 0
  while (i < text.length && isWs(text.charCodeAt(i))) i++
  const s = i
  while (i < text.length && isDigit(text.charCodeAt(i))) i++
  if (i === s) return "expected delta-seconds"
  const v = Number(text.slice(s, i))
  if (i - s > 10 || v > 0xffffffff) return "delta-seconds above 2**32-1"
  return [v, i]
}

const secondsWithParams = (header: string, value: string): Result<SessionExpires, HeaderError> => {
  const d = deltaSeconds(value)
  if (typeof d === "string") return err(makeHeaderError(header, d))
  const params = parseParams(value, d[1])
  if (typeof params === "string") return err(makeHeaderError(header, params))
  return ok({ seconds: d[0], params })
}

export const parseSessionExpires = (value: string): Result<SessionExpires, HeaderError> =>
  secondsWithParams("session-expires", value)
export const printSessionExpires = (s: SessionExpires): string => `${s.seconds}${printParams(s.params)}`
/** `uac`, `uas`, or undefined. */
export const sessionRefresher = (s: SessionExpires): string | undefined => getParam(s.params, "refresher")
export const getSessionExpires = (m: SipMessage): Result<SessionExpires | undefined, HeaderError> =>
  optionalHeader(m, "session-expires", parseSessionExpires)
export const getMinSE = (m: SipMessage): Result<SessionExpires | undefined, HeaderError> =>
  optionalHeader(m, "min-se", (v) => secondsWithParams("min-se", v))

export const parseRetryAfter = (value: string): Result<RetryAfter, HeaderError> => {
  const d = deltaSeconds(value)
  if (typeof d === "string") return err(makeHeaderError("retry-after", d))
  let i = d[1]
  while (i < value.length && isWs(value.charCodeAt(i))) i++
  let comment: string | undefined
  if (value.charCodeAt(i) === 40) {
    let depth = 0
    const s = i
    for (; i < value.length; i++) {
      const c = value.charCodeAt(i)
      if (c === 92) i++
      else if (c === 40) depth++
      else if (c === 41 && --depth === 0) break
    }
    if (depth !== 0) return err(makeHeaderError("retry-after", "unterminated comment"))
    comment = value.slice(s + 1, i)
    i++
  }
  const params = parseParams(value, i)
  if (typeof params === "string") return err(makeHeaderError("retry-after", params))
  return ok({ seconds: d[0], comment, params })
}
export const printRetryAfter = (r: RetryAfter): string =>
  `${r.seconds}${r.comment === undefined ? "" : ` (${r.comment})`}${printParams(r.params)}`
export const getRetryAfter = (m: SipMessage): Result<RetryAfter | undefined, HeaderError> =>
  optionalHeader(m, "retry-after", parseRetryAfter)
