/**
 * Params — `;name=value` and `;name` parameters of header values (RFC 3261 §25.1 `generic-param`):
 * `generic-param = token [ EQUAL gen-value ]`, `gen-value = token / host / quoted-string`, with LWS allowed
 * around `;` and `=`. Names keep their spelling and compare case-insensitively; values are kept as written
 * (a quoted value keeps its quotes), so printing gives the same parameters back.
 */
import { eqLower, isWs, TOKEN_TABLE, VALUE_TABLE } from "./Chars.js"

export interface Param {
  readonly name: string
  /** The value as written (quotes kept), or undefined for a valueless `;name`. */
  readonly value: string | undefined
}

const isLowerAscii = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 65 && c <= 90) return false
  }
  return true
}

/** The value of the first parameter named `name` (case-insensitive): "" when valueless, undefined when absent. */
export const getParam = (params: ReadonlyArray<Param>, name: string): string | undefined => {
  const key = isLowerAscii(name) ? name : name.toLowerCase()
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!
    if (p.name === key) return p.value ?? ""
  }
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!
    if (eqLower(p.name, key)) return p.value ?? ""
  }
  return undefined
}

export const hasParam = (params: ReadonlyArray<Param>, name: string): boolean =>
  getParam(params, name) !== undefined

/** Prints parameters as `;name=value;flag` (no LWS). */
export const printParams = (params: ReadonlyArray<Param>): string => {
  let out = ""
  for (const p of params) out += p.value === undefined ? `;${p.name}` : `;${p.name}=${p.value}`
  return out
}

/** A quoted-string's content with its quoted-pairs resolved: `"a\"b"` → `a"b`. Unquoted text is returned as is. */
export const unquote = (value: string): string => {
  if (value.length < 2 || value.charCodeAt(0) !== 34 || value.charCodeAt(value.length - 1) !== 34)
    return value
  const inner = value.slice(1, -1)
  return inner.includes("\\") ? inner.replace(/\\([\s\S])/g, "$1") : inner
}

/** Quotes text as a quoted-string, escaping `"` and `\`. */
export const quote = (text: string): string => `"${text.replace(/(["\\])/g, "\\$1")}"`

/**
 * End index of the quoted-string starting at `i` (the index after its closing quote), or -1 when unterminated.
 */
export const quotedEnd = (text: string, i: number): number => {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j)
    if (c === 92) j++
    else if (c === 34) return j + 1
  }
  return -1
}

/**
 * Parses `*( SEMI generic-param )` from `text[i…]` to the end. Returns the params, or a reason string on error.
 */
export const parseParams = (text: string, i: number, n: number = text.length): Param[] | string => {
  const params: Param[] = []
  for (;;) {
    while (i < n && isWs(text.charCodeAt(i))) i++
    if (i >= n) return params
    if (text.charCodeAt(i) !== 59) return `expected ";" at ${i}`
    i++
    while (i < n && isWs(text.charCodeAt(i))) i++
    const ns = i
    while (i < n && TOKEN_TABLE[text.charCodeAt(i)] === 1) i++
    if (i === ns) return `empty parameter name at ${i}`
    const name = commonName(text, ns, i) ?? text.slice(ns, i)
    while (i < n && isWs(text.charCodeAt(i))) i++
    if (i < n && text.charCodeAt(i) === 61) {
      i++
      while (i < n && isWs(text.charCodeAt(i))) i++
      const vs = i
      if (text.charCodeAt(i) === 34) {
        i = quotedEnd(text, i)
        if (i < 0) return "unterminated quoted parameter value"
      } else {
        while (i < n && VALUE_TABLE[text.charCodeAt(i)] === 1) i++
        if (i === vs) return `empty value of parameter ${name}`
      }
      params.push({ name, value: text.slice(vs, i) })
    } else params.push({ name, value: undefined })
  }
}

/** The parameter names met on every message, shared instead of copied out of each message. */
const COMMON = [
  "tag",
  "branch",
  "rport",
  "received",
  "lr",
  "transport",
  "maddr",
  "ttl",
  "expires",
  "q",
  "user",
]

const commonName = (t: string, s: number, e: number): string | undefined => {
  const n = e - s
  for (let k = 0; k < COMMON.length; k++) {
    const c = COMMON[k]!
    if (c.length === n && t.startsWith(c, s)) return c
  }
  return undefined
}
