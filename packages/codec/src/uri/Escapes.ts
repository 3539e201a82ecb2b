/**
 * Escapes — `%HH` escaping in URI components (RFC 3261 §19.1.2, §25.1 `escaped`), and the character sets in
 * which a component may hold an escape.
 */
import { isDigit, isHostChar } from "../Chars.js"

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

/**
 * host = hostname / IPv4address / IPv6reference (§25.1; escapes never allowed):
 *   hostname = *( domainlabel "." ) toplabel [ "." ]   domainlabel = alphanum / alphanum *( alphanum / "-" ) alphanum
 *   toplabel = ALPHA / ALPHA *( alphanum / "-" ) alphanum   IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT
 * So a host whose last label starts with a digit is an IPv4address or nothing: `1`, `127.1` and `10.0.0` are no
 * hosts (a resolver's inet_aton would read them as 0.0.0.1 and 127.0.0.1). `_` is let through inside a label, as
 * names in the wild carry it.
 */
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
  const end = host.charCodeAt(host.length - 1) === 46 ? host.length - 1 : host.length // one trailing dot
  let labels = 0
  let start = 0
  let last = 0
  for (let i = 0; i <= end; i++) {
    const c = i === end ? 46 : host.charCodeAt(i)
    if (c !== 46) {
      if (!isHostChar(c)) return false
      continue
    }
    // a label ends: not empty, not starting or ending with "-"
    if (i === start || host.charCodeAt(start) === 45 || host.charCodeAt(i - 1) === 45) return false
    labels++
    last = start
    start = i + 1
  }
  if (!isDigit(host.charCodeAt(last))) return true // the toplabel starts with a letter (or "_")
  if (labels !== 4 || end !== host.length) return false
  // IPv4address: each label 1–3 digits, at most 255
  for (let i = 0, n = 0, digits = 0; i <= end; i++) {
    const c = i === end ? 46 : host.charCodeAt(i)
    if (c === 46) {
      if (n > 255) return false
      n = 0
      digits = 0
    } else if (!isDigit(c) || ++digits > 3) return false
    else n = n * 10 + (c - 48)
  }
  return true
}
