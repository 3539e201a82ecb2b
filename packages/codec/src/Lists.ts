/**
 * Lists — splitting a header value on the commas of a `#element` list (RFC 3261 §7.3.1), respecting
 * quoted-strings (with quoted-pairs), `<…>` and `(…)` comments, so `"Smith, Bob" <sip:b@x>, <sip:c@x>` is two
 * elements.
 */

/** Index of the first top-level comma at or after `from`, or -1. */
export const topLevelComma = (value: string, from = 0, end: number = value.length): number => {
  let quoted = false
  let angle = false
  let comment = 0
  for (let i = from; i < end; i++) {
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

/**
 * Parses every element of the comma-separated list in `t[s, e)` with `parse` (elements trimmed, empty ones
 * skipped). Answers the elements, or the first error.
 */
export const parseListRange = <A, E>(
  t: string,
  s: number,
  e: number,
  parse: (
    t: string,
    s: number,
    e: number,
  ) => { readonly _tag: "Ok"; readonly value: A } | { readonly _tag: "Err"; readonly error: E },
): { readonly _tag: "Ok"; readonly value: A[] } | { readonly _tag: "Err"; readonly error: E } => {
  const out: A[] = []
  let start = s
  for (;;) {
    const comma = topLevelComma(t, start, e)
    const end = comma < 0 ? e : comma
    let a = start
    let b = end
    while (a < b && t.charCodeAt(a) <= 32) a++
    while (b > a && t.charCodeAt(b - 1) <= 32) b--
    if (b > a) {
      const r = parse(t, a, b)
      if (r._tag === "Err") return r
      out.push(r.value)
    }
    if (comma < 0) return { _tag: "Ok", value: out }
    start = comma + 1
  }
}
