/**
 * Parser — one datagram (or one framed stream message) → `SipMessage` (RFC 3261 §7, §18.3, §25.1).
 *
 * One pass over the text: `indexOf` finds line ends, the start line is split on single spaces, every header line
 * becomes one `Header { name, value }` record (folded continuation lines are unfolded into one value, §7.3.1).
 * Header values are not interpreted here, except Content-Length (it frames the body) — typed accessors parse a
 * header when it is first read, so a message with one malformed header still parses and can be forwarded.
 *
 * Never throws: every input gives `Ok(message)` or `Err(ParseError)` with a byte offset and a status.
 * Never copies the body: it is a view of the input, which must not be mutated afterwards.
 */

import { isSchemeChar, isTokenChar, isWs, TOKEN_TABLE } from "./Chars.js"
import { KIND_CONTENT_LENGTH, kindAt, knownKind, knownName, knownNameAt } from "./KnownNames.js"
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

const utf8 = new TextDecoder()
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
  const lim = resolveLimits(limits)
  if (typeof input === "string") return parseString(input, lim)
  const bytes = input
  let text = ""
  let aligned = true
  let bodyStart = -1
  try {
    if (bytes.length > lim.maxMessageBytes)
      return err(makeParseError(`message larger than ${lim.maxMessageBytes} bytes`, lim.maxMessageBytes, 513))
    text = utf8.decode(bytes)
    if (text.length !== bytes.length) {
      // Multi-byte UTF-8 somewhere: decode the header section on its own so body offsets stay byte offsets.
      aligned = false
      bodyStart = headerEnd(bytes)
      text = utf8.decode(bytes.subarray(0, bodyStart))
    }
    return ok(parseText(text, bytes, bodyStart, lim))
  } catch (e) {
    if (e instanceof ParseFailure) {
      const f = e.fail
      const offset = aligned ? f.offset : byteOffset(bytes, f.offset)
      return err(makeParseError(f.reason, offset, f.status))
    }
    return err(makeParseError(`internal parser fault: ${String(e)}`, 0, 400))
  }
}

/** A message given as text: parsed without encoding its header section; the body is encoded to bytes. */
const parseString = (text: string, lim: Limits): Result<SipMessage, ParseError> => {
  try {
    // Every UTF-16 code unit takes at least one UTF-8 byte: a text longer than the limit is too large.
    if (text.length > lim.maxMessageBytes)
      return err(makeParseError(`message larger than ${lim.maxMessageBytes} bytes`, lim.maxMessageBytes, 513))
    return ok(parseText(text, undefined, -1, lim))
  } catch (e) {
    if (e instanceof ParseFailure) {
      const f = e.fail
      return err(makeParseError(f.reason, encoder.encode(text.slice(0, f.offset)).length, f.status))
    }
    return err(makeParseError(`internal parser fault: ${String(e)}`, 0, 400))
  }
}

/** Body and source of a message given as text, whose body is `text[pos…]`. */
const textBody = (
  text: string,
  start: number,
  pos: number,
  contentLength: number,
  lim: Limits,
): { body: Uint8Array; source: Uint8Array | string } => {
  const rest = text.slice(pos)
  const all = rest.length === 0 ? EMPTY : encoder.encode(rest)
  if (contentLength > all.length)
    fail(`Content-Length ${contentLength} exceeds the ${all.length} body bytes`, text.length)
  const body = contentLength < 0 || contentLength === all.length ? all : all.subarray(0, contentLength)
  if (pos - start + body.length > lim.maxMessageBytes)
    fail(`message larger than ${lim.maxMessageBytes} bytes`, start, 513)
  if (body === all) return { body, source: start === 0 ? text : text.slice(start) }
  if (all.length === rest.length) return { body, source: text.slice(start, pos + body.length) }
  const head = encoder.encode(text.slice(start, pos))
  const source = new Uint8Array(head.length + body.length)
  source.set(head, 0)
  source.set(body, head.length)
  return { body, source }
}

/**
 * The byte offset of UTF-16 offset `chars` in the UTF-8 decoding of `bytes` (a maximal invalid subpart decodes to
 * one U+FFFD, a 4-byte sequence to two code units). Only computed for error reports.
 */
const byteOffset = (bytes: Uint8Array, chars: number): number => {
  let i = 0
  let c = 0
  while (i < bytes.length && c < chars) {
    const b = bytes[i]!
    const need = b < 0x80 ? 0 : b >= 0xf0 && b <= 0xf4 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 && b < 0xe0 ? 1 : -1
    let j = i + 1
    if (need > 0) while (j < bytes.length && j - i <= need && (bytes[j]! & 0xc0) === 0x80) j++
    const complete = need >= 0 && j - i === need + 1
    c += complete && need === 3 ? 2 : 1
    i = need <= 0 ? i + 1 : j
  }
  return Math.min(i, bytes.length)
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

/** `knownBodyStart` is -1 when text offsets are byte offsets (ASCII), else the byte offset of the body. */
const parseText = (
  text: string,
  bytes: Uint8Array | undefined,
  knownBodyStart: number,
  lim: Limits,
): SipMessage => {
  const len = text.length
  let pos = 0
  // §7.5: CRLFs before the start line are ignored.
  while (pos < len) {
    const c = text.charCodeAt(pos)
    if (c !== 13 && c !== 10) break
    pos++
  }
  const start = pos
  if (pos >= len) fail("empty message", pos)
  const eol = text.indexOf("\n", pos)
  if (eol < 0) fail("start line not terminated by CRLF", len)
  const lineEnd = eol > pos && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol
  if (lineEnd - pos > lim.maxLineLength) fail("start line too long", pos, 513)
  pos = eol + 1

  const headers: Header[] = []
  const starts: number[] = []
  let contentLength = -1
  let vias = 0
  let via = -1
  let from = -1
  let to = -1
  let callId = -1
  let cseq = -1
  for (;;) {
    if (pos >= len) fail("header section not terminated by an empty line", len)
    const c = text.charCodeAt(pos)
    if (c === 13 && text.charCodeAt(pos + 1) === 10) {
      pos += 2
      break
    }
    if (c === 10) {
      pos += 1
      break
    }
    if (c === 32 || c === 9) fail("continuation line without a header field", pos)
    // field-name: token, then optional SP/HTAB, then ":" (HCOLON)
    let i = pos
    while (TOKEN_TABLE[text.charCodeAt(i)] === 1) i++
    const nameEnd = i
    if (nameEnd === pos) fail("invalid header name", pos)
    while (isWs(text.charCodeAt(i))) i++
    if (text.charCodeAt(i) !== 58) fail("invalid character in header name or missing colon", i)
    i++
    while (isWs(text.charCodeAt(i))) i++
    const vs = i
    let e = text.indexOf("\n", vs)
    if (e < 0) fail("header line not terminated by CRLF", len)
    let folded = false
    for (;;) {
      const next = text.charCodeAt(e + 1)
      if (next !== 32 && next !== 9) break
      folded = true
      const e2 = text.indexOf("\n", e + 1)
      if (e2 < 0) fail("header line not terminated by CRLF", len)
      e = e2
    }
    if (e - pos > lim.maxLineLength) fail("header line too long", pos, 513)
    let ve = e
    while (ve > vs && text.charCodeAt(ve - 1) <= 32) ve--
    const nl = nameEnd - pos
    const known = knownNameAt(text, pos, nl)
    const name = known >= 0 ? knownName(known) : text.slice(pos, nameEnd)
    const value = folded ? unfold(text.slice(vs, ve)) : text.slice(vs, ve)
    const index = headers.length
    if (index >= lim.maxHeaderCount) fail(`more than ${lim.maxHeaderCount} header fields`, pos, 513)
    headers.push({ name, value })
    starts.push(folded ? -1 : vs)
    // Only Content-Length (it frames the body) and the number of Vias (a limit) are looked at while parsing; the
    // first field of each header a transaction reads is noted.
    switch (known >= 0 ? knownKind(known) : kindAt(text, pos, nl)) {
      case SLOT_VIA:
        if (++vias > lim.maxVias) fail(`more than ${lim.maxVias} Via header fields`, pos, 513)
        if (via < 0) via = index
        break
      case SLOT_FROM:
        if (from < 0) from = index
        break
      case SLOT_TO:
        if (to < 0) to = index
        break
      case SLOT_CALL_ID:
        if (callId < 0) callId = index
        break
      case SLOT_CSEQ:
        if (cseq < 0) cseq = index
        break
      case KIND_CONTENT_LENGTH:
        contentLength = contentLengthOf(value, contentLength, vs)
        break
    }
    pos = e + 1
  }

  if (bytes === undefined) {
    const t = textBody(text, start, pos, contentLength, lim)
    return startLine(text, start, lineEnd, headers, t.body, {
      source: t.source,
      text,
      starts,
      bytes: undefined,
      via,
      from,
      to,
      callId,
      cseq,
      cache: undefined,
    })
  }
  const bodyStart = knownBodyStart < 0 ? pos : knownBodyStart
  const available = bytes.length - bodyStart
  let bodyEnd = bytes.length
  if (contentLength >= 0) {
    if (contentLength > available)
      fail(`Content-Length ${contentLength} exceeds the ${available} body bytes`, len)
    bodyEnd = bodyStart + contentLength
  }
  const body = bodyEnd === bodyStart ? EMPTY : view(bytes, bodyStart, bodyEnd)
  const source = start === 0 && bodyEnd === bytes.length ? bytes : view(bytes, start, bodyEnd)
  return startLine(text, start, lineEnd, headers, body, {
    source,
    text,
    starts,
    bytes: knownBodyStart < 0 ? bytes : undefined,
    via,
    from,
    to,
    callId,
    cseq,
    cache: undefined,
  })
}

/** `bytes.subarray(s, e)` without the species lookup `subarray` makes (a plain view of the same buffer). */
const view = (bytes: Uint8Array, s: number, e: number): Uint8Array =>
  new Uint8Array(bytes.buffer, bytes.byteOffset + s, e - s)

const unfold = (value: string): string => value.replace(/[ \t]*\r?\n[ \t]+/g, " ").trim()

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

const startLine = (
  text: string,
  s: number,
  e: number,
  headers: Header[],
  body: Uint8Array,
  state: ParsedState,
): SipMessage => {
  if (isSipVersionPrefix(text, s)) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF
    const sp = text.indexOf(" ", s)
    if (sp < 0 || sp > e) fail("status line without a status code", e)
    const version = checkVersion(text, s, sp)
    let status = 0
    for (let i = sp + 1; i < sp + 4; i++) {
      const c = text.charCodeAt(i)
      if (i >= e || c < 48 || c > 57) fail("status code is not three digits", i)
      status = status * 10 + (c - 48)
    }
    if (status < 100) fail("status code below 100", sp + 1)
    let reason = ""
    if (sp + 4 < e) {
      if (text.charCodeAt(sp + 4) !== 32) fail("status code is not three digits", sp + 4)
      reason = text.slice(sp + 5, e)
    }
    return makeParsedResponse(version, status, reason, headers, body, state)
  }
  // Request-Line = Method SP Request-URI SP SIP-Version CRLF
  const sp1 = text.indexOf(" ", s)
  if (sp1 < 0 || sp1 >= e) fail("request line without a Request-URI", e)
  for (let i = s; i < sp1; i++) if (!isTokenChar(text.charCodeAt(i))) fail("invalid character in method", i)
  if (sp1 === s) fail("empty method", s)
  const sp2 = text.indexOf(" ", sp1 + 1)
  if (sp2 < 0 || sp2 >= e) fail("request line without a SIP-Version", e)
  if (sp2 === sp1 + 1) fail("more than one SP before the Request-URI", sp2)
  const uriStart = sp1 + 1
  if (!isSchemeStart(text, uriStart, sp2)) fail("Request-URI is not an absolute URI", uriStart)
  for (let i = uriStart; i < sp2; i++)
    if (text.charCodeAt(i) <= 32) fail("control character in Request-URI", i)
  const version = checkVersion(text, sp2 + 1, e)
  return makeParsedRequest(text.slice(s, sp1), text.slice(uriStart, sp2), version, headers, body, state)
}

const isSipVersionPrefix = (text: string, s: number): boolean =>
  (text.charCodeAt(s) | 0x20) === 115 &&
  (text.charCodeAt(s + 1) | 0x20) === 105 &&
  (text.charCodeAt(s + 2) | 0x20) === 112 &&
  text.charCodeAt(s + 3) === 47

/** `SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT`; any version but 2.0 is a 505. */
const checkVersion = (text: string, s: number, e: number): string => {
  if (e - s === 7 && text.startsWith("SIP/2.0", s)) return "SIP/2.0"
  if (e - s === 7 && isSipVersionPrefix(text, s) && text.startsWith("2.0", s + 4)) return text.slice(s, e)
  if (!isSipVersionPrefix(text, s)) fail("invalid SIP-Version", s)
  let i = s + 4
  const d1 = i
  while (i < e && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++
  if (i === d1 || text.charCodeAt(i) !== 46) fail("invalid SIP-Version", i)
  const d2 = ++i
  while (i < e && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++
  if (i === d2 || i !== e) fail("invalid SIP-Version", i)
  return fail(`SIP-Version ${text.slice(s, e)} not supported`, s, 505)
}

/** `scheme ":"` with scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). */
const isSchemeStart = (text: string, s: number, e: number): boolean => {
  const first = text.charCodeAt(s)
  if (!((first >= 65 && first <= 90) || (first >= 97 && first <= 122))) return false
  for (let i = s + 1; i < e; i++) {
    const c = text.charCodeAt(i)
    if (c === 58) return i + 1 < e
    if (!isSchemeChar(c)) return false
  }
  return false
}
