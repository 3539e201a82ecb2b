/**
 * Chars — character classes of the RFC 3261 §25.1 grammar, as lookup tables for the hand-written scanners.
 *
 * Never allocates on the hot path: every predicate is one table read.
 */

const TOKEN = 1
const WS = 2
const DIGIT = 4
const HOST = 8
const ALPHA = 16
const SCHEME = 32

const table = new Uint8Array(128)
const mark = (chars: string, flag: number): void => {
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)]! |= flag
}
const lower = "abcdefghijklmnopqrstuvwxyz"
const upper = lower.toUpperCase()
const digits = "0123456789"
mark(`${lower + upper + digits}-.!%*_+\`'~`, TOKEN)
mark(" \t", WS)
mark(digits, DIGIT)
mark(`${lower + upper + digits}-._`, HOST)
mark(lower + upper, ALPHA)
mark(`${lower + upper + digits}+-.`, SCHEME)

const has = (code: number, flag: number): boolean => code < 128 && (table[code]! & flag) !== 0

/** 1 for a token character, 0 otherwise, for every UTF-16 code unit (one load per test on the hot path). */
export const TOKEN_TABLE = new Uint8Array(65536)
for (let c = 0; c < 128; c++) TOKEN_TABLE[c] = has(c, TOKEN) ? 1 : 0

/** 1 for a hostname/IPv4 character (`isHostChar`), for every UTF-16 code unit. */
export const HOST_TABLE = new Uint8Array(65536)
for (let c = 0; c < 128; c++) HOST_TABLE[c] = has(c, HOST) ? 1 : 0

/** 1 for a URI scheme character after the first (`isSchemeChar`), for every UTF-16 code unit. */
export const SCHEME_TABLE = new Uint8Array(65536)
for (let c = 0; c < 128; c++) SCHEME_TABLE[c] = has(c, SCHEME) ? 1 : 0

/** 1 for a generic-param value character (token / host: token plus ":" "[" "]"), 0 otherwise. */
export const VALUE_TABLE = TOKEN_TABLE.slice()
VALUE_TABLE[58] = 1
VALUE_TABLE[91] = 1
VALUE_TABLE[93] = 1

/** 1 for a token character or SP: the characters of a display name written as token words (§25.1). */
export const WORDS_TABLE = TOKEN_TABLE.slice()
WORDS_TABLE[32] = 1

/** 1 for a token character that is not an upper-case letter (the parameter names the in-place readers accept). */
export const LOWER_TOKEN_TABLE = TOKEN_TABLE.slice()
for (let c = 65; c <= 90; c++) LOWER_TOKEN_TABLE[c] = 0

/** `token` (§25.1): alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~". */
export const isTokenChar = (code: number): boolean => has(code, TOKEN)
/** SP or HTAB. */
export const isWs = (code: number): boolean => code === 32 || code === 9
export const isDigit = (code: number): boolean => code >= 48 && code <= 57
export const isAlpha = (code: number): boolean => has(code, ALPHA)
/** Characters of a hostname or IPv4 address (alphanum, ".", "-", and "_" tolerated). */
export const isHostChar = (code: number): boolean => has(code, HOST)
export const isSchemeChar = (code: number): boolean => has(code, SCHEME)

/** True when `text` is a non-empty token. */
export const isToken = (text: string): boolean => {
  if (text.length === 0) return false
  for (let i = 0; i < text.length; i++) if (!has(text.charCodeAt(i), TOKEN)) return false
  return true
}

/** Index of the first non-SP/HTAB character at or after `i` (or `end`). */
export const skipWs = (text: string, i: number, end: number = text.length): number => {
  while (i < end && isWs(text.charCodeAt(i))) i++
  return i
}

/** `text` without leading and trailing SP/HTAB/CR/LF (cheaper than String#trim for the common no-op case). */
export const trimLws = (text: string): string => {
  let s = 0
  let e = text.length
  while (s < e && text.charCodeAt(s) <= 32) s++
  while (e > s && text.charCodeAt(e - 1) <= 32) e--
  return s === 0 && e === text.length ? text : text.slice(s, e)
}

/** Case-insensitive equality of `name` with the lower-case ASCII `lowerKey`. */
export const eqLower = (name: string, lowerKey: string): boolean => {
  const n = name.length
  if (n !== lowerKey.length) return false
  for (let i = 0; i < n; i++) {
    let c = name.charCodeAt(i)
    if (c >= 65 && c <= 90) c += 32
    if (c !== lowerKey.charCodeAt(i)) return false
  }
  return true
}

/** Parses `1*DIGIT` as a non-negative integer no larger than `max`; undefined otherwise. */
export const parseDigits = (text: string, max: number): number | undefined => {
  const n = text.length
  if (n === 0 || n > 16) return undefined
  let v = 0
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) return undefined
    v = v * 10 + (c - 48)
  }
  return v <= max ? v : undefined
}
