/**
 * Warning (RFC 3261 §20.43):
 *   Warning = warning-value *(COMMA warning-value);  warning-value = warn-code SP warn-agent SP warn-text
 *   warn-code = 3DIGIT;  warn-agent = hostport / pseudonym;  warn-text = quoted-string
 * Example: `Warning: 307 isi.edu "Session parameter 'foo' not understood"`
 */
import { findHeaders } from "../Headers.js"
import { splitList } from "../Lists.js"
import type { SipMessage } from "../Message.js"
import { quote, quotedEnd, unquote } from "../Params.js"
import { type HeaderError, makeHeaderError } from "../ParseError.js"
import { err, ok, type Result } from "../Result.js"

export interface Warning {
  /** 300–399 (§21 warn-codes). */
  readonly code: number
  readonly agent: string
  /** The warn-text's content, quoted-pairs resolved. */
  readonly text: string
}

const fault = (reason: string) => err(makeHeaderError("warning", reason))

/** Parses one warning-value. */
export const parseWarning = (value: string): Result<Warning, HeaderError> => {
  const v = value.trim()
  const m = /^([0-9]{3}) +([^ ]+) +(?=")/.exec(v)
  if (m === null) return fault("expected warn-code SP warn-agent SP warn-text")
  const start = m[0].length
  const end = quotedEnd(v, start)
  if (end !== v.length) return fault("warn-text is not one quoted-string")
  return ok({ code: Number(m[1]), agent: m[2]!, text: unquote(v.slice(start, end)) })
}

export const printWarning = (w: Warning): string => `${w.code} ${w.agent} ${quote(w.text)}`

/** Every warning-value, in order. */
export const getWarnings = (message: SipMessage): Result<ReadonlyArray<Warning>, HeaderError> => {
  const out: Warning[] = []
  for (const h of findHeaders(message.headers, "warning", undefined))
    for (const item of splitList(h.value)) {
      const r = parseWarning(item)
      if (r._tag === "Err") return r
      out.push(r.value)
    }
  return ok(out)
}
