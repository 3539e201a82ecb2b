/**
 * Params — `;name=value` and `;name` parameters of header values (RFC 3261 §25.1 `generic-param`):
 * `generic-param = token [ EQUAL gen-value ]`, `gen-value = token / host / quoted-string`, with LWS allowed
 * around `;` and `=`. Names keep their spelling and compare case-insensitively; values are kept as written
 * (a quoted value keeps its quotes), so printing gives the same parameters back.
 */
import { eqLower, isWs, LOWER_TOKEN_TABLE, TOKEN_TABLE, VALUE_TABLE } from "./Chars.js"

// Bound in this module for `findPlainParam`: V8 (13.6) compiles an immutable module-local binding to its value,
// while an imported binding is live, so each use re-reads and checks it (see Parser.ts).
const LOWER_TOKENS = LOWER_TOKEN_TABLE
const VALUES = VALUE_TABLE

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
 * End index of the quoted-string starting at `i` (the index after its closing quote), or -1 when it is not
 * terminated before `end`.
 */
export const quotedEnd = (text: string, i: number, end: number = text.length): number => {
  for (let j = i + 1; j < end; j++) {
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
        i = quotedEnd(text, i, n)
        if (i < 0) return "unterminated quoted parameter value"
      } else {
        while (i < n && VALUE_TABLE[text.charCodeAt(i)] === 1) i++
        if (i === vs) return `empty value of parameter ${name}`
      }
      params.push({ name, value: text.slice(vs, i) })
    } else params.push({ name, value: undefined })
  }
}

/** The parameter names met on every message, shared instead of copied out of each message (by length). */
const COMMON: ReadonlyArray<ReadonlyArray<string>> = [
  [],
  ["q"],
  ["lr"],
  ["tag", "ttl"],
  ["user"],
  ["rport", "maddr"],
  ["branch"],
  ["expires"],
  ["received"],
  ["transport"],
]

const commonName = (t: string, s: number, e: number): string | undefined => {
  const n = e - s
  if (n >= COMMON.length) return undefined
  const names = COMMON[n]!
  const c0 = t.charCodeAt(s)
  for (let k = 0; k < names.length; k++) {
    const c = names[k]!
    if (c.charCodeAt(0) !== c0) continue
    let i = 1
    while (i < n && t.charCodeAt(s + i) === c.charCodeAt(i)) i++
    if (i === n) return c
  }
  return undefined
}

/** 2 when `t[s, e)` is the lower-case `key` as is, 1 when it equals it ignoring ASCII case, 0 otherwise. */
const matchKey = (t: string, s: number, e: number, key: string): number => {
  if (e - s !== key.length) return 0
  let exact = 2
  for (let i = s; i < e; i++) {
    let c = t.charCodeAt(i)
    if (c >= 65 && c <= 90) {
      c += 32
      exact = 1
    }
    if (c !== key.charCodeAt(i - s)) return 0
  }
  return exact
}

/**
 * The value `getParam(parseParams(text, i, n), key)` gives, without building the parameters: the parameter named
 * `key` (lower-case; a name written in lower case first, else the first equal ignoring case) — its value as
 * written, `""` when valueless, undefined when absent — or `null` when `parseParams` fails. Reads every
 * parameter, so it accepts exactly what `parseParams` accepts.
 */
export const findParam = (text: string, i: number, n: number, key: string): string | undefined | null => {
  let exact: string | undefined
  let loose: string | undefined
  for (;;) {
    while (i < n && isWs(text.charCodeAt(i))) i++
    if (i >= n) return exact ?? loose
    if (text.charCodeAt(i) !== 59) return null
    i++
    while (i < n && isWs(text.charCodeAt(i))) i++
    const ns = i
    while (i < n && TOKEN_TABLE[text.charCodeAt(i)] === 1) i++
    if (i === ns) return null
    const ne = i
    while (i < n && isWs(text.charCodeAt(i))) i++
    let vs = -1
    if (i < n && text.charCodeAt(i) === 61) {
      i++
      while (i < n && isWs(text.charCodeAt(i))) i++
      vs = i
      if (text.charCodeAt(i) === 34) {
        i = quotedEnd(text, i, n)
        if (i < 0) return null
      } else {
        while (i < n && VALUE_TABLE[text.charCodeAt(i)] === 1) i++
        if (i === vs) return null
      }
    }
    if (exact === undefined) {
      const m = matchKey(text, ns, ne, key)
      if (m !== 0) {
        const v = vs < 0 ? "" : text.slice(vs, i)
        if (m === 2) exact = v
        else if (loose === undefined) loose = v
      }
    }
  }
}

/**
 * `findParam(text, i, n, key)` on the plainest parameters only, scanning `bytes` — the message's ASCII bytes, at
 * the same offsets as `text` — in one pass: `*( ";" name [ "=" value ] )` up to `n` with no LWS, no quoted value,
 * names without upper-case letters (so a name equal to `key` is equal as written, and the first one is the one
 * `findParam` answers). Answers the value (`""` when valueless, undefined when absent), or `null` for anything
 * else — then `findParam` decides. Whatever it answers, `findParam` would. `key` is `plainKey(name)`.
 *
 * `bytes[n]` must exist and be SP or a control character — it is after a value the parser trimmed (a header line
 * ends in LF) — so the name and value loops stop there without testing `n` on every byte.
 */
export const findPlainParam = (
  bytes: Uint8Array,
  text: string,
  i: number,
  n: number,
  key: Uint8Array,
): string | undefined | null => {
  let found: string | undefined
  const kn = key.length
  while (i < n) {
    if (bytes[i] !== 59) return null
    const ns = ++i
    while (LOWER_TOKENS[bytes[i]!] === 1) i++
    if (i === ns) return null
    const ne = i
    let vs = -1
    if (bytes[i] === 61) {
      vs = ++i
      while (VALUES[bytes[i]!] === 1) i++
      if (i === vs) return null
    }
    if (found === undefined && ne - ns === kn && sameAt(bytes, ns, key))
      found = vs < 0 ? "" : text.slice(vs, i)
  }
  return found
}

/** `bytes[s, s + key.length)` is `key`. */
const sameAt = (bytes: Uint8Array, s: number, key: Uint8Array): boolean => {
  for (let k = 0; k < key.length; k++) if (bytes[s + k] !== key[k]) return false
  return true
}

const encoder = new TextEncoder()

/**
 * A lower-case parameter name as the key `findPlainParam` takes: its bytes (the name is compared with the message's
 * bytes, one typed-array load a side — a string argument's characters cost a representation check each).
 */
export const plainKey = (name: string): Uint8Array => encoder.encode(name)
