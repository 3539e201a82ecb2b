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
/** Each kind's long form as RFC 3261 §20 spells it — how nearly every message writes it. */
export const KIND_NAMES: ReadonlyArray<string> = ["Via", "From", "To", "Call-ID", "CSeq", "Content-Length"]

// The kinds bound in this module too: V8 (13.6) compiles an immutable module-local binding to its value, while an
// exported or imported binding is live, so each use re-reads and checks it (kindAt runs on every header line).
const VIA = SLOT_VIA
const FROM = SLOT_FROM
const TO = SLOT_TO
const CALL_ID = SLOT_CALL_ID
const CSEQ = SLOT_CSEQ
const CONTENT_LENGTH = KIND_CONTENT_LENGTH
const OTHER = KIND_OTHER

/** `KIND_NAMES` as bytes, one after the other, and where each starts. */
const NAME_BYTES = new TextEncoder().encode(KIND_NAMES.join(""))
const NAME_AT: ReadonlyArray<number> = KIND_NAMES.map((_, k) =>
  KIND_NAMES.slice(0, k).reduce((n, name) => n + name.length, 0),
)

/**
 * The kind of the field name `bytes[s, s + n)` (a token), in any case, long or compact form. (A name spelled
 * exactly as in `KNOWN_NAMES` never gets here: the parser's scan recognises it first.)
 */
export const kindAt = (bytes: Uint8Array, s: number, n: number): number => {
  const c = bytes[s]! | 0x20
  // The length and first letter leave at most one candidate; its other letters are then compared.
  const k =
    n === 1
      ? compactKind(c)
      : n === 3
        ? c === 118
          ? VIA
          : OTHER
        : n === 4
          ? c === 102
            ? FROM
            : c === 99
              ? CSEQ
              : OTHER
          : n === 2
            ? c === 116
              ? TO
              : OTHER
            : n === 7
              ? c === 99
                ? CALL_ID
                : OTHER
              : n === 14 && c === 99
                ? CONTENT_LENGTH
                : OTHER
  if (k < 0 || n === 1) return k
  const end = s + n
  for (let i = s + 1, w = NAME_AT[k]! + 1; i < end; i++, w++) {
    const b = bytes[i]!
    const x = NAME_BYTES[w]!
    // A name is a token: among token characters only letters pair up under `| 0x20`, so this ignores case.
    if (b !== x && (b | 0x20) !== (x | 0x20)) return OTHER
  }
  return k
}

/** The kind of a one-letter name (`c` in lower case): the compact forms of §7.3.3 the parser looks at. */
const compactKind = (c: number): number =>
  c === 118
    ? VIA
    : c === 102
      ? FROM
      : c === 116
        ? TO
        : c === 105
          ? CALL_ID
          : c === 108
            ? CONTENT_LENGTH
            : OTHER

/**
 * The usual header names as RFC 3261 §20 spells them (the first six are `KIND_NAMES`, entry = kind): a field named
 * exactly so is recognised by the parser's scan with one byte compare a character (a trie written out in its
 * loop), which then shares the string instead of scanning the name through the token table and slicing it out of
 * the message. Extending this list means extending that trie (`test/FieldKind.test.ts` checks the two agree).
 */
export const KNOWN_NAMES: ReadonlyArray<string> = [
  ...KIND_NAMES,
  "Max-Forwards",
  "Contact",
  "Content-Type",
  "Allow",
  "Supported",
  "User-Agent",
  "Record-Route",
  "Route",
  "Expires",
  "Authorization",
]
/** The kind of each `KNOWN_NAMES` entry. */
export const KNOWN_KINDS: ReadonlyArray<number> = KNOWN_NAMES.map((_, k) => (k <= CONTENT_LENGTH ? k : OTHER))
