/**
 * FieldKind — what the parser needs to know about a header field name while it scans the bytes: whether it is one
 * of the five headers a transaction reads (`SLOT_VIA` … `SLOT_CSEQ`, whose first fields the parser notes),
 * Content-Length (it frames the body), or another header. Names compare case-insensitively and a compact form
 * equals its long form (RFC 3261 §7.3.1, §7.3.3).
 *
 * Never allocates: the name is compared in place.
 */
import { SLOT_CALL_ID, SLOT_CSEQ, SLOT_FROM, SLOT_TO, SLOT_VIA } from "./Parsed.js"

/** The kind of Content-Length (the slots are 0–4). */
export const KIND_CONTENT_LENGTH = 5
/** The kind of every other header. */
export const KIND_OTHER = -1

/** `bytes[s, s + key.length)` equals the lower-case ASCII `key` ignoring ASCII case. */
const eqLowerAt = (bytes: Uint8Array, s: number, key: string): boolean => {
  for (let i = 0; i < key.length; i++) {
    let c = bytes[s + i]!
    if (c >= 65 && c <= 90) c += 32
    if (c !== key.charCodeAt(i)) return false
  }
  return true
}

/** The kind of the field name `bytes[s, s + n)` (a token), in any case, long or compact form. */
export const kindAt = (bytes: Uint8Array, s: number, n: number): number => {
  const c = bytes[s]! | 0x20
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
      return c === 116 && eqLowerAt(bytes, s, "to") ? SLOT_TO : KIND_OTHER
    case 3:
      return c === 118 && eqLowerAt(bytes, s, "via") ? SLOT_VIA : KIND_OTHER
    case 4:
      return c === 102 && eqLowerAt(bytes, s, "from")
        ? SLOT_FROM
        : c === 99 && eqLowerAt(bytes, s, "cseq")
          ? SLOT_CSEQ
          : KIND_OTHER
    case 7:
      return c === 99 && eqLowerAt(bytes, s, "call-id") ? SLOT_CALL_ID : KIND_OTHER
    case 14:
      return c === 99 && eqLowerAt(bytes, s, "content-length") ? KIND_CONTENT_LENGTH : KIND_OTHER
    default:
      return KIND_OTHER
  }
}
