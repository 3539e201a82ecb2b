/**
 * Parser — one datagram (or one framed stream message) → `SipMessage` (RFC 3261 §7, §18.3, §25.1).
 *
 * One pass over the bytes (a string is encoded first): the structure — names, colons, the start line's single
 * spaces — is read off the bytes, one typed-array load per character (V8 reads a byte about twice as fast as a
 * `charCodeAt`); line ends are found by the text's native `indexOf`; every header line becomes one
 * `Header { name, value }` record sliced from the decoded text (folded continuation lines are unfolded into one
 * value, §7.3.1; the name of a usual header spelled as RFC 3261 spells it is a shared string, not a slice). When the header section holds multi-byte characters, byte and text offsets part: each name and
 * value is then decoded on its own. Offsets are byte offsets throughout.
 * Header values are not interpreted here, except Content-Length (it frames the body) — typed accessors parse a
 * header when it is first read, so a message with one malformed header still parses and can be forwarded.
 *
 * Never throws: every input gives `Ok(message)` or `Err(ParseError)` with a byte offset and a status.
 * Never copies the body: it is a view of the input, which must not be mutated afterwards.
 */

import { isSchemeChar, TOKEN_TABLE } from "./Chars.js"
import { KIND_CONTENT_LENGTH, KNOWN_KINDS, KNOWN_NAMES, kindAt } from "./FieldKind.js"
import { type Limits, resolveLimits } from "./Limits.js"
import type { Header, SipMessage } from "./Message.js"
import {
  makeParsedRequest,
  makeParsedResponse,
  type ParsedState,
  SLOT_CALL_ID,
  SLOT_CSEQ,
  SLOT_FROM,
  SLOT_TO,
  SLOT_VIA,
} from "./Parsed.js"
import { makeParseError, type ParseError } from "./ParseError.js"
import { err, ok, type Result } from "./Result.js"

// What every parse reads (the scan on every line), bound in this module: V8 (13.6) compiles an immutable module-local binding to
// its value, while an imported binding is live, so each use re-reads and checks it.
const TOKENS = TOKEN_TABLE
const VIA = SLOT_VIA
const FROM = SLOT_FROM
const TO = SLOT_TO
const CALL_ID = SLOT_CALL_ID
const CSEQ = SLOT_CSEQ
const CONTENT_LENGTH = KIND_CONTENT_LENGTH
const kindOfName = kindAt
const KNOWN = KNOWN_NAMES
const KNOWN_KIND = KNOWN_KINDS
const makeRequest = makeParsedRequest
const makeResponse = makeParsedResponse
const okValue = ok
const limitsOf = resolveLimits

const utf8 = new TextDecoder()
/** For pieces of a message: a value may start with U+FEFF (RFC 4475 intmeth), which must stay. */
const utf8Piece = new TextDecoder("utf-8", { ignoreBOM: true })
/** The body of every message without one (shared: a zero-length view cannot be written). */
const EMPTY = new Uint8Array(0)
const encoder = new TextEncoder()

interface Fail {
  readonly reason: string
  readonly offset: number
  readonly status: number
}

class ParseFailure {
  constructor(readonly fail: Fail) {}
}

const fail = (reason: string, offset: number, status = 400): never => {
  throw new ParseFailure({ reason, offset, status })
}

/**
 * Parses one whole SIP message. A string is taken as the message text (encoded as UTF-8 first).
 * Without Content-Length the body is the rest of the datagram (§18.3); extra bytes after Content-Length bytes
 * are discarded; fewer bytes than Content-Length is a 400.
 */
export const parseMessage = (
  input: Uint8Array | string,
  limits?: Partial<Limits>,
): Result<SipMessage, ParseError> => {
  const lim = limitsOf(limits)
  // Every UTF-16 code unit takes at least one UTF-8 byte: a text longer than the limit is too large.
  if (input.length > lim.maxMessageBytes)
    return err(makeParseError(`message larger than ${lim.maxMessageBytes} bytes`, lim.maxMessageBytes, 513))
  let bytes: Uint8Array
  let text: string | undefined
  if (typeof input === "string") {
    bytes = encoder.encode(input)
    if (bytes.length > lim.maxMessageBytes)
      return err(makeParseError(`message larger than ${lim.maxMessageBytes} bytes`, lim.maxMessageBytes, 513))
    text = bytes.length === input.length ? input : alignedText(bytes)
  } else {
    bytes = input
    text = alignedText(bytes)
  }
  try {
    return okValue(scan(bytes, text, lim))
  } catch (e) {
    if (e instanceof ParseFailure) return err(makeParseError(e.fail.reason, e.fail.offset, e.fail.status))
    return err(makeParseError(`internal parser fault: ${String(e)}`, 0, 400))
  }
}

/**
 * The text of `bytes` whose character offsets are their byte offsets at least over the header section (every
 * byte there decodes to one UTF-16 code unit: ASCII, or a lone invalid byte read as U+FFFD), or undefined when a
 * multi-byte character sits in the header section.
 */
const alignedText = (bytes: Uint8Array): string | undefined => {
  const all = utf8.decode(bytes)
  if (all.length === bytes.length) return all
  const end = headerEnd(bytes)
  const head = utf8.decode(view(bytes, 0, end))
  return head.length === end ? head : undefined
}

/** Byte index just after the empty line ending the header section (or the input length). */
const headerEnd = (bytes: Uint8Array): number => {
  const n = bytes.length
  let i = 0
  while (i < n && (bytes[i] === 13 || bytes[i] === 10)) i++
  for (; i < n; i++) {
    if (bytes[i] !== 10) continue
    if (bytes[i + 1] === 10) return i + 2
    if (bytes[i + 1] === 13 && bytes[i + 2] === 10) return i + 3
  }
  return n
}

/**
 * The text of `bytes[s, e)`: a slice of the aligned `text`, else decoded on its own (a header section with
 * multi-byte characters, where the two offsets part).
 */
const piece = (bytes: Uint8Array, text: string | undefined, s: number, e: number): string =>
  text !== undefined ? text.slice(s, e) : utf8Piece.decode(view(bytes, s, e))

/** The index of the next LF at or after `i`, or -1. */
const lineFeed = (bytes: Uint8Array, text: string | undefined, i: number): number =>
  text !== undefined ? text.indexOf("\n", i) : bytes.indexOf(10, i)

/**
 * The scan: structure is read off the bytes (one load per character, no decoding), field names and values are
 * sliced from the text. Offsets are byte offsets throughout.
 */
const scan = (bytes: Uint8Array, text: string | undefined, lim: Limits): SipMessage => {
  const len = bytes.length
  let pos = 0
  // §7.5: CRLFs before the start line are ignored.
  while (pos < len && (bytes[pos] === 13 || bytes[pos] === 10)) pos++
  const start = pos
  if (pos >= len) fail("empty message", pos)
  const eol = lineFeed(bytes, text, pos)
  if (eol < 0) fail("start line not terminated by CRLF", len)
  const lineEnd = eol > pos && bytes[eol - 1] === 13 ? eol - 1 : eol
  if (lineEnd - pos > lim.maxLineLength) fail("start line too long", pos, 513)
  pos = eol + 1

  const headers: Header[] = []
  let contentLength = -1
  let vias = 0
  let via = -1
  let from = -1
  let to = -1
  let callId = -1
  let cseq = -1
  let viaAt = -1
  let fromAt = -1
  let toAt = -1
  let cseqAt = -1
  for (;;) {
    if (pos >= len) fail("header section not terminated by an empty line", len)
    const c = bytes[pos]
    if (c === 13 && bytes[pos + 1] === 10) {
      pos += 2
      break
    }
    if (c === 10) {
      pos += 1
      break
    }
    if (c === 32 || c === 9) fail("continuation line without a header field", pos)
    // field-name: token, then optional SP/HTAB, then ":" (HCOLON). Each byte is loaded once (`b`; V8 does not
    // reuse a typed-array load) and the loops have no end test: past the end `b` is undefined, which stops them.
    // A usual name spelled as RFC 3261 spells it (`KNOWN_NAMES`) is recognised by a trie of byte compares, one a
    // character, and must end there; any other is scanned through the token table. The trie is written out here:
    // as a function V8 (13.6) does not inline it (too large), and the call cost ~100 instructions a line more.
    let known = -1
    switch (c) {
      case 86: // V
        if (bytes[pos + 1] === 105 && bytes[pos + 2] === 97) known = 0 // Via
        break
      case 70: // F
        if (bytes[pos + 1] === 114 && bytes[pos + 2] === 111 && bytes[pos + 3] === 109) known = 1 // From
        break
      case 84: // T
        if (bytes[pos + 1] === 111) known = 2 // To
        break
      case 67: // C
        switch (bytes[pos + 1]) {
          case 97: // a
            if (
              bytes[pos + 2] === 108 &&
              bytes[pos + 3] === 108 &&
              bytes[pos + 4] === 45 &&
              bytes[pos + 5] === 73 &&
              bytes[pos + 6] === 68
            )
              known = 3 // Call-ID
            break
          case 83: // S
            if (bytes[pos + 2] === 101 && bytes[pos + 3] === 113) known = 4 // CSeq
            break
          case 111: // o
            if (bytes[pos + 2] === 110 && bytes[pos + 3] === 116) {
              switch (bytes[pos + 4]) {
                case 101: // e
                  if (bytes[pos + 5] === 110 && bytes[pos + 6] === 116 && bytes[pos + 7] === 45) {
                    switch (bytes[pos + 8]) {
                      case 76: // L
                        if (
                          bytes[pos + 9] === 101 &&
                          bytes[pos + 10] === 110 &&
                          bytes[pos + 11] === 103 &&
                          bytes[pos + 12] === 116 &&
                          bytes[pos + 13] === 104
                        )
                          known = 5 // Content-Length
                        break
                      case 84: // T
                        if (bytes[pos + 9] === 121 && bytes[pos + 10] === 112 && bytes[pos + 11] === 101)
                          known = 8 // Content-Type
                        break
                    }
                  }
                  break
                case 97: // a
                  if (bytes[pos + 5] === 99 && bytes[pos + 6] === 116) known = 7 // Contact
                  break
              }
            }
            break
        }
        break
      case 77: // M
        if (
          bytes[pos + 1] === 97 &&
          bytes[pos + 2] === 120 &&
          bytes[pos + 3] === 45 &&
          bytes[pos + 4] === 70 &&
          bytes[pos + 5] === 111 &&
          bytes[pos + 6] === 114 &&
          bytes[pos + 7] === 119 &&
          bytes[pos + 8] === 97 &&
          bytes[pos + 9] === 114 &&
          bytes[pos + 10] === 100 &&
          bytes[pos + 11] === 115
        )
          known = 6 // Max-Forwards
        break
      case 65: // A
        switch (bytes[pos + 1]) {
          case 108: // l
            if (bytes[pos + 2] === 108 && bytes[pos + 3] === 111 && bytes[pos + 4] === 119) known = 9 // Allow
            break
          case 117: // u
            if (
              bytes[pos + 2] === 116 &&
              bytes[pos + 3] === 104 &&
              bytes[pos + 4] === 111 &&
              bytes[pos + 5] === 114 &&
              bytes[pos + 6] === 105 &&
              bytes[pos + 7] === 122 &&
              bytes[pos + 8] === 97 &&
              bytes[pos + 9] === 116 &&
              bytes[pos + 10] === 105 &&
              bytes[pos + 11] === 111 &&
              bytes[pos + 12] === 110
            )
              known = 15 // Authorization
            break
        }
        break
      case 83: // S
        if (
          bytes[pos + 1] === 117 &&
          bytes[pos + 2] === 112 &&
          bytes[pos + 3] === 112 &&
          bytes[pos + 4] === 111 &&
          bytes[pos + 5] === 114 &&
          bytes[pos + 6] === 116 &&
          bytes[pos + 7] === 101 &&
          bytes[pos + 8] === 100
        )
          known = 10 // Supported
        break
      case 85: // U
        if (
          bytes[pos + 1] === 115 &&
          bytes[pos + 2] === 101 &&
          bytes[pos + 3] === 114 &&
          bytes[pos + 4] === 45 &&
          bytes[pos + 5] === 65 &&
          bytes[pos + 6] === 103 &&
          bytes[pos + 7] === 101 &&
          bytes[pos + 8] === 110 &&
          bytes[pos + 9] === 116
        )
          known = 11 // User-Agent
        break
      case 82: // R
        switch (bytes[pos + 1]) {
          case 101: // e
            if (
              bytes[pos + 2] === 99 &&
              bytes[pos + 3] === 111 &&
              bytes[pos + 4] === 114 &&
              bytes[pos + 5] === 100 &&
              bytes[pos + 6] === 45 &&
              bytes[pos + 7] === 82 &&
              bytes[pos + 8] === 111 &&
              bytes[pos + 9] === 117 &&
              bytes[pos + 10] === 116 &&
              bytes[pos + 11] === 101
            )
              known = 12 // Record-Route
            break
          case 111: // o
            if (bytes[pos + 2] === 117 && bytes[pos + 3] === 116 && bytes[pos + 4] === 101) known = 13 // Route
            break
        }
        break
      case 69: // E
        if (
          bytes[pos + 1] === 120 &&
          bytes[pos + 2] === 112 &&
          bytes[pos + 3] === 105 &&
          bytes[pos + 4] === 114 &&
          bytes[pos + 5] === 101 &&
          bytes[pos + 6] === 115
        )
          known = 14 // Expires
        break
    }
    let i = pos
    let b = c
    if (known >= 0) {
      i += KNOWN[known]!.length
      b = bytes[i]
      if (TOKENS[b!] === 1) known = -1
    }
    if (known < 0) {
      i = pos
      b = c
      while (TOKENS[b!] === 1) b = bytes[++i]
    }
    const nameEnd = i
    if (nameEnd === pos) fail("invalid header name", pos)
    while (b === 32 || b === 9) b = bytes[++i]
    if (b !== 58) fail("invalid character in header name or missing colon", i)
    b = bytes[++i]
    while (b === 32 || b === 9) b = bytes[++i]
    const vs = i
    let e = text !== undefined ? text.indexOf("\n", vs) : bytes.indexOf(10, vs)
    if (e < 0) fail("header line not terminated by CRLF", len)
    let folded = false
    for (;;) {
      const next = bytes[e + 1]
      if (next !== 32 && next !== 9) break
      folded = true
      const e2 = lineFeed(bytes, text, e + 1)
      if (e2 < 0) fail("header line not terminated by CRLF", len)
      e = e2
    }
    if (e - pos > lim.maxLineLength) fail("header line too long", pos, 513)
    let ve = e
    while (ve > vs && bytes[ve - 1]! <= 32) ve--
    // A usual header written as RFC 3261 spells it shares that string: no slice, no allocation.
    let name: string
    let kind: number
    if (known >= 0) {
      name = KNOWN[known]!
      kind = KNOWN_KIND[known]!
    } else {
      name = piece(bytes, text, pos, nameEnd)
      kind = kindOfName(bytes, pos, nameEnd - pos)
    }
    const value = folded ? unfold(piece(bytes, text, vs, ve)) : piece(bytes, text, vs, ve)
    const index = headers.length
    if (index >= lim.maxHeaderCount) fail(`more than ${lim.maxHeaderCount} header fields`, pos, 513)
    headers.push({ name, value })
    // Where the first Via, From and To values start, for the in-place readers (-1: no offset into the text).
    const at = folded || text === undefined ? -1 : vs
    // Only Content-Length (it frames the body) and the number of Vias (a limit) are looked at while parsing; the
    // first field of each header a transaction reads is noted.
    if (kind >= 0)
      switch (kind) {
        case VIA:
          if (++vias > lim.maxVias) fail(`more than ${lim.maxVias} Via header fields`, pos, 513)
          if (via < 0) {
            via = index
            viaAt = at
          }
          break
        case FROM:
          if (from < 0) {
            from = index
            fromAt = at
          }
          break
        case TO:
          if (to < 0) {
            to = index
            toAt = at
          }
          break
        case CALL_ID:
          if (callId < 0) callId = index
          break
        case CSEQ:
          if (cseq < 0) {
            cseq = index
            cseqAt = at
          }
          break
        case CONTENT_LENGTH:
          contentLength = contentLengthOf(value, contentLength, vs)
          break
      }
    pos = e + 1
  }

  const available = len - pos
  let bodyEnd = len
  if (contentLength >= 0) {
    if (contentLength > available)
      fail(`Content-Length ${contentLength} exceeds the ${available} body bytes`, len)
    bodyEnd = pos + contentLength
  }
  const body = bodyEnd === pos ? EMPTY : view(bytes, pos, bodyEnd)
  const source = start === 0 && bodyEnd === len ? bytes : view(bytes, start, bodyEnd)
  return startLine(bytes, text, start, lineEnd, headers, body, {
    source,
    text: text ?? "",
    bytes: text !== undefined ? bytes : undefined,
    via,
    from,
    to,
    callId,
    cseq,
    viaAt,
    fromAt,
    toAt,
    cseqAt,
    cache: undefined,
    fromTag: undefined,
    toTag: undefined,
    callIdRead: undefined,
    cseqRead: undefined,
  })
}

/** `bytes.subarray(s, e)` without the species lookup `subarray` makes (a plain view of the same buffer). */
const view = (bytes: Uint8Array, s: number, e: number): Uint8Array =>
  new Uint8Array(bytes.buffer, bytes.byteOffset + s, e - s)

const unfold = (value: string): string => value.replace(/[ \t]*\r?\n[ \t]+/g, " ").trim()

/** Content-Length = 1*DIGIT (at most 10 digits, below 2**32); every field must give the same value. */
const contentLengthOf = (value: string, previous: number, offset: number): number => {
  const n = value.length
  if (n === 0 || n > 10) fail("invalid Content-Length", offset)
  let v = 0
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i)
    if (c < 48 || c > 57) fail("invalid Content-Length", offset + i)
    v = v * 10 + (c - 48)
  }
  if (v > 0xffffffff) fail("Content-Length out of range", offset)
  if (previous >= 0 && previous !== v) fail("conflicting Content-Length header fields", offset)
  return v
}

/** The start line in `bytes[s, e)`: a Status-Line or a Request-Line (§7.1, §7.2). */
const startLine = (
  bytes: Uint8Array,
  text: string | undefined,
  s: number,
  e: number,
  headers: Header[],
  body: Uint8Array,
  state: ParsedState,
): SipMessage => {
  if (isSipVersionPrefix(bytes, s)) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF
    const sp = space(bytes, s, e)
    if (sp < 0) fail("status line without a status code", e)
    const version = checkVersion(bytes, text, s, sp)
    let status = 0
    for (let i = sp + 1; i < sp + 4; i++) {
      const c = bytes[i]!
      if (i >= e || c < 48 || c > 57) fail("status code is not three digits", i)
      status = status * 10 + (c - 48)
    }
    if (status < 100) fail("status code below 100", sp + 1)
    let reason = ""
    if (sp + 4 < e) {
      if (bytes[sp + 4] !== 32) fail("status code is not three digits", sp + 4)
      reason = piece(bytes, text, sp + 5, e)
    }
    return makeResponse(version, status, reason, headers, body, state)
  }
  // Request-Line = Method SP Request-URI SP SIP-Version CRLF
  // The usual line: the method's token characters end at a SP (one loop finds and checks the method). The loops
  // need no end test: `bytes[e]` is the line's CR or LF, which stops them.
  let sp1 = s
  while (TOKENS[bytes[sp1]!] === 1) sp1++
  if (sp1 === s || sp1 >= e || bytes[sp1] !== 32) {
    sp1 = space(bytes, s, e)
    if (sp1 < 0) fail("request line without a Request-URI", e)
    for (let i = s; i < sp1; i++) if (TOKEN_TABLE[bytes[i]!] !== 1) fail("invalid character in method", i)
    if (sp1 === s) fail("empty method", s)
  }
  const uriStart = sp1 + 1
  // The usual line: the URI's first byte ≤ SP is the SP after it (then it holds no control character).
  let sp2 = uriStart
  while (bytes[sp2]! > 32) sp2++
  const clean = sp2 > uriStart && sp2 < e && bytes[sp2] === 32
  if (!clean) sp2 = space(bytes, uriStart, e)
  if (sp2 < 0) fail("request line without a SIP-Version", e)
  if (sp2 === uriStart) fail("more than one SP before the Request-URI", sp2)
  if (!isSchemeStart(bytes, uriStart, sp2)) fail("Request-URI is not an absolute URI", uriStart)
  if (!clean)
    for (let i = uriStart; i < sp2; i++) if (bytes[i]! <= 32) fail("control character in Request-URI", i)
  const version = checkVersion(bytes, text, sp2 + 1, e)
  return makeRequest(
    piece(bytes, text, s, sp1),
    piece(bytes, text, uriStart, sp2),
    version,
    headers,
    body,
    state,
  )
}

/** The index of the first SP in `bytes[i, e)`, or -1. */
const space = (bytes: Uint8Array, i: number, e: number): number => {
  while (i < e && bytes[i] !== 32) i++
  return i < e ? i : -1
}

const isSipVersionPrefix = (bytes: Uint8Array, s: number): boolean =>
  (bytes[s]! | 0x20) === 115 &&
  (bytes[s + 1]! | 0x20) === 105 &&
  (bytes[s + 2]! | 0x20) === 112 &&
  bytes[s + 3] === 47

/** `SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT`; any version but 2.0 is a 505. */
const checkVersion = (bytes: Uint8Array, text: string | undefined, s: number, e: number): string => {
  if (e - s === 7 && isSipVersionPrefix(bytes, s) && bytes[s + 4] === 50 && bytes[s + 5] === 46)
    if (bytes[s + 6] === 48)
      return bytes[s] === 83 && bytes[s + 1] === 73 && bytes[s + 2] === 80
        ? "SIP/2.0"
        : piece(bytes, text, s, e)
  if (!isSipVersionPrefix(bytes, s)) fail("invalid SIP-Version", s)
  let i = s + 4
  const d1 = i
  while (i < e && bytes[i]! >= 48 && bytes[i]! <= 57) i++
  if (i === d1 || bytes[i] !== 46) fail("invalid SIP-Version", i)
  const d2 = ++i
  while (i < e && bytes[i]! >= 48 && bytes[i]! <= 57) i++
  if (i === d2 || i !== e) fail("invalid SIP-Version", i)
  return fail(`SIP-Version ${piece(bytes, text, s, e)} not supported`, s, 505)
}

/** `scheme ":"` with scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). */
const isSchemeStart = (bytes: Uint8Array, s: number, e: number): boolean => {
  const first = bytes[s]!
  if (!((first >= 65 && first <= 90) || (first >= 97 && first <= 122))) return false
  for (let i = s + 1; i < e; i++) {
    const c = bytes[i]!
    if (c === 58) return i + 1 < e
    if (!isSchemeChar(c)) return false
  }
  return false
}
