/**
 * Escapes — `%HH` escaping in URI components (RFC 3261 §19.1.2, §25.1 `escaped`), and the character sets in
 * which a component may hold an escape.
 */
import { isHostChar } from "../Chars.js"

const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)

/** unreserved = alphanum / mark; mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")" */
const UNRESERVED = "-_.!~*'()"
/** user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/" */
export const USER_EXTRA = "&=+$,;?/"
/** password: "&" / "=" / "+" / "$" / "," */
export const PASSWORD_EXTRA = "&=+$,"
/** param-unreserved = "[" / "]" / "/" / ":" / "&" / "+" / "$" */
export const PARAM_EXTRA = "[]/:&+$"
/** hnv-unreserved = "[" / "]" / "/" / "?" / ":" / "+" / "$" */
export const HEADER_EXTRA = "[]/?:+$"

const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122)

/** True when `text` is made of alphanum, mark, `extra` and well-formed `%HH` escapes (`allowEmpty` or not). */
export const isEscapedText = (text: string, extra: string, allowEmpty = false): boolean => {
  if (text.length === 0) return allowEmpty
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 37) {
      if (!isHex(text.charCodeAt(i + 1)) || !isHex(text.charCodeAt(i + 2))) return false
      i += 2
    } else if (!isAlnum(c) && !UNRESERVED.includes(text[i]!) && !extra.includes(text[i]!)) return false
  }
  return true
}

/** Resolves `%HH` escapes (to the byte value as a char); text without `%` is returned as is. */
export const unescapeText = (text: string): string =>
  text.includes("%")
    ? text.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
    : text

/** host = hostname / IPv4address / IPv6reference (escapes never allowed). */
export const isHost = (host: string): boolean => {
  if (host.length === 0) return false
  if (host.charCodeAt(0) === 91) {
    if (host.charCodeAt(host.length - 1) !== 93 || host.length < 4) return false
    for (let i = 1; i < host.length - 1; i++) {
      const c = host.charCodeAt(i)
      if (!isHex(c) && c !== 58 && c !== 46) return false
    }
    return true
  }
  for (let i = 0; i < host.length; i++) if (!isHostChar(host.charCodeAt(i))) return false
  return true
}
