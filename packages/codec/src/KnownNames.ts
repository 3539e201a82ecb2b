/**
 * KnownNames — what the parser needs to know about a header field name while it scans it, without copying it:
 * the header names of `HeaderNames` in their usual spelling (and the compact forms in lower case) are shared
 * strings, found by comparing the characters in place; and every name, in any case or form, gets its `kind`: one of
 * the five headers a transaction reads (`SLOT_VIA` … `SLOT_CSEQ`, whose first fields the parser remembers),
 * Content-Length (it frames the body), or none.
 *
 * A shared name is the same string the message would hold after a copy (`"Via"` is `"Via"`): header names are
 * still kept exactly as written. A name in another spelling (`VIA`, `call-id`) is copied out of the text.
 *
 * Never allocates while scanning.
 */
import { headerNames } from "./HeaderNames.js"
import { SLOT_CALL_ID, SLOT_CSEQ, SLOT_FROM, SLOT_TO, SLOT_VIA } from "./Parsed.js"

/** The `kind` of Content-Length (the slots are 0–4). */
export const KIND_CONTENT_LENGTH = 5
/** The `kind` of every other header. */
export const KIND_OTHER = -1

const KINDS_BY_KEY: ReadonlyArray<readonly [string, string | undefined, number]> = [
  ["via", "v", SLOT_VIA],
  ["from", "f", SLOT_FROM],
  ["to", "t", SLOT_TO],
  ["call-id", "i", SLOT_CALL_ID],
  ["cseq", undefined, SLOT_CSEQ],
  ["content-length", "l", KIND_CONTENT_LENGTH],
]

const kindOfKey = (key: string): number => {
  for (const [k, c, kind] of KINDS_BY_KEY) if (k === key || c === key) return kind
  return KIND_OTHER
}

/** The shared names, their kinds, and a chained hash by (length, first character). */
const NAMES: string[] = []
const KINDS: number[] = []
const NEXT: number[] = []
const MAX_LENGTH = 63
const BUCKETS = new Int16Array((MAX_LENGTH + 1) << 7).fill(-1)

const addName = (name: string, kind: number): void => {
  const b = (name.length << 7) | name.charCodeAt(0)
  NAMES.push(name)
  KINDS.push(kind)
  NEXT.push(BUCKETS[b]!)
  BUCKETS[b] = NAMES.length - 1
}
for (const h of headerNames) {
  const key = h.name.toLowerCase()
  addName(h.name, kindOfKey(key))
  if (h.compact !== undefined) addName(h.compact, kindOfKey(h.compact))
}

/** Index of the shared name spelled exactly as `t[s, s + n)`, or -1. */
export const knownNameAt = (t: string, s: number, n: number): number => {
  if (n > MAX_LENGTH) return -1
  const c0 = t.charCodeAt(s)
  if (c0 >= 128) return -1
  for (let k = BUCKETS[(n << 7) | c0]!; k >= 0; k = NEXT[k]!) {
    const name = NAMES[k]!
    let j = 1
    while (j < n && t.charCodeAt(s + j) === name.charCodeAt(j)) j++
    if (j === n) return k
  }
  return -1
}

/** The shared name at index `k` of `knownNameAt`. */
export const knownName = (k: number): string => NAMES[k]!
/** The kind of the shared name at index `k`. */
export const knownKind = (k: number): number => KINDS[k]!

/** `t[s, s + key.length)` equals the lower-case `key` ignoring ASCII case. */
const eqLowerAt = (t: string, s: number, key: string): boolean => {
  for (let i = 0; i < key.length; i++) {
    let c = t.charCodeAt(s + i)
    if (c >= 65 && c <= 90) c += 32
    if (c !== key.charCodeAt(i)) return false
  }
  return true
}

/** The kind of the field name `t[s, s + n)` in any case, long or compact form. */
export const kindAt = (t: string, s: number, n: number): number => {
  const c = t.charCodeAt(s) | 0x20
  switch (n) {
    case 1:
      return c === 118
        ? SLOT_VIA
        : c === 102
          ? SLOT_FROM
          : c === 116
            ? SLOT_TO
            : c === 105
              ? SLOT_CALL_ID
              : c === 108
                ? KIND_CONTENT_LENGTH
                : KIND_OTHER
    case 2:
      return eqLowerAt(t, s, "to") ? SLOT_TO : KIND_OTHER
    case 3:
      return eqLowerAt(t, s, "via") ? SLOT_VIA : KIND_OTHER
    case 4:
      return eqLowerAt(t, s, "from") ? SLOT_FROM : eqLowerAt(t, s, "cseq") ? SLOT_CSEQ : KIND_OTHER
    case 7:
      return eqLowerAt(t, s, "call-id") ? SLOT_CALL_ID : KIND_OTHER
    case 14:
      return eqLowerAt(t, s, "content-length") ? KIND_CONTENT_LENGTH : KIND_OTHER
    default:
      return KIND_OTHER
  }
}
