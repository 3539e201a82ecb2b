/**
 * Lists — splitting a header value on the commas of a `#element` list (RFC 3261 §7.3.1), respecting
 * quoted-strings (with quoted-pairs), `<…>` and `(…)` comments, so `"Smith, Bob" <sip:b@x>, <sip:c@x>` is two
 * elements.
 */

/** Index of the first top-level comma at or after `from`, or -1. */
export const topLevelComma = (value: string, from = 0): number => {
  let quoted = false
  let angle = false
  let comment = 0
  for (let i = from; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (quoted) {
      if (c === 92) i++
      else if (c === 34) quoted = false
    } else if (c === 34) quoted = true
    else if (angle) {
      if (c === 62) angle = false
    } else if (c === 60) angle = true
    else if (c === 40) comment++
    else if (c === 41 && comment > 0) comment--
    else if (c === 44 && comment === 0) return i
  }
  return -1
}

/** The elements of a comma-separated list, trimmed, empty elements dropped. */
export const splitList = (value: string): string[] => {
  const out: string[] = []
  let start = 0
  for (;;) {
    const comma = topLevelComma(value, start)
    const item = (comma < 0 ? value.slice(start) : value.slice(start, comma)).trim()
    if (item.length > 0) out.push(item)
    if (comma < 0) return out
    start = comma + 1
  }
}

/** The first element of a list (the whole value when it has no top-level comma). */
export const firstListItem = (value: string): string => {
  const comma = topLevelComma(value)
  return comma < 0 ? value : value.slice(0, comma).trim()
}

/** The raw text after the first element and its comma, trimmed ("" when there is one element). */
export const restOfList = (value: string): string => {
  const comma = topLevelComma(value)
  return comma < 0 ? "" : value.slice(comma + 1).trim()
}
