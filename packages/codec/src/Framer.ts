/**
 * Framer — a byte stream (TCP, TLS) → SIP messages (RFC 3261 §18.3), as a pure value: `pushBytes(state, chunk)`
 * returns the next state and the messages completed by the chunk.
 *
 * - CRLFs between messages are skipped; each CRLFCRLF is counted as an RFC 5626 §4.4.1 keep-alive ping (the
 *   runtime answers a single CRLF pong).
 * - Content-Length is required on a stream (§18.3, §20.14): a message without it is a framing error (400).
 * - Limits: header section above `maxHeaderBytes` or message above `maxMessageBytes` → 513; a Content-Length
 *   above `maxBodyBytes` → 413.
 * - After any error the state stays failed and every later push answers the same error: the runtime closes the
 *   connection.
 * Never throws, never reads a clock.
 */
import { eqLower } from "./Chars.js"
import { type Limits, resolveLimits } from "./Limits.js"
import type { SipMessage } from "./Message.js"
import { makeParseError, type ParseError } from "./ParseError.js"
import { parseMessage } from "./Parser.js"

export interface FramerState {
  readonly _tag: "FramerState"
  readonly limits: Limits
  /** Bytes received and not yet part of a message. */
  readonly buffer: Uint8Array
  /** Stream offset of `buffer[0]`. */
  readonly offset: number
  /** Consecutive CR/LF bytes skipped since the last message or ping. */
  readonly crlfRun: number
  readonly failed: ParseError | undefined
}

export interface PushResult {
  readonly state: FramerState
  readonly messages: ReadonlyArray<SipMessage>
  readonly error?: ParseError
  /** RFC 5626 keep-alive pings (CRLFCRLF) seen in this chunk. */
  readonly pings: number
}

export const makeFramer = (limits?: Partial<Limits>): FramerState => ({
  _tag: "FramerState",
  limits: resolveLimits(limits),
  buffer: new Uint8Array(0),
  offset: 0,
  crlfRun: 0,
  failed: undefined,
})

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  if (a.length === 0) return b
  if (b.length === 0) return a
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

/** Index just after the empty line ending the header section, or -1 when not yet received. */
const headerEnd = (buf: Uint8Array): number => {
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) {
    if (buf[i + 1] === 10) return i + 2
    if (buf[i + 1] === 13 && buf[i + 2] === 10) return i + 3
  }
  return -1
}

const latin1 = new TextDecoder("latin1")

/** The Content-Length of a header section: a number, undefined when absent, or a reason string when invalid. */
const contentLength = (head: Uint8Array): number | undefined | string => {
  const text = latin1.decode(head)
  let found: number | undefined
  for (const rawLine of text.split("\n")) {
    const first = rawLine.charCodeAt(0)
    if (first === 32 || first === 9) continue // a folded continuation line
    const colon = rawLine.indexOf(":")
    if (colon < 0) continue
    const name = rawLine.slice(0, colon).trim()
    if (!eqLower(name, "content-length") && !eqLower(name, "l")) continue
    const value = rawLine.slice(colon + 1).trim()
    if (!/^[0-9]{1,10}$/.test(value)) return "invalid Content-Length"
    const n = Number(value)
    if (found !== undefined && found !== n) return "conflicting Content-Length header fields"
    found = n
  }
  return found
}

/** Feeds a chunk; answers the messages it completes (and an error once the stream is broken). */
export const pushBytes = (state: FramerState, chunk: Uint8Array): PushResult => {
  if (state.failed !== undefined) return { state, messages: [], error: state.failed, pings: 0 }
  const lim = state.limits
  let buf = concat(state.buffer, chunk)
  let offset = state.offset
  let run = state.crlfRun
  let pings = 0
  const messages: SipMessage[] = []
  const failWith = (error: ParseError): PushResult => ({
    state: { ...state, buffer: new Uint8Array(0), offset, crlfRun: 0, failed: error },
    messages,
    error,
    pings,
  })
  for (;;) {
    let skip = 0
    while (skip < buf.length && (buf[skip] === 13 || buf[skip] === 10)) {
      skip++
      if (++run === 4) {
        pings++
        run = 0
      }
    }
    if (skip > 0) {
      buf = buf.subarray(skip)
      offset += skip
    }
    if (buf.length === 0) break
    run = 0
    const head = headerEnd(buf)
    if (head < 0) {
      if (buf.length > lim.maxHeaderBytes)
        return failWith(makeParseError(`header section larger than ${lim.maxHeaderBytes} bytes`, offset, 513))
      break
    }
    if (head > lim.maxHeaderBytes)
      return failWith(makeParseError(`header section larger than ${lim.maxHeaderBytes} bytes`, offset, 513))
    const cl = contentLength(buf.subarray(0, head))
    if (typeof cl === "string") return failWith(makeParseError(cl, offset))
    if (cl === undefined)
      return failWith(
        makeParseError("Content-Length is required on a stream transport (RFC 3261 §18.3)", offset),
      )
    if (cl > lim.maxBodyBytes)
      return failWith(makeParseError(`body of ${cl} bytes exceeds ${lim.maxBodyBytes}`, offset, 413))
    if (head + cl > lim.maxMessageBytes)
      return failWith(makeParseError(`message larger than ${lim.maxMessageBytes} bytes`, offset, 513))
    if (buf.length < head + cl) break
    const parsed = parseMessage(buf.slice(0, head + cl), lim)
    if (parsed._tag === "Err")
      return failWith(makeParseError(parsed.error.reason, offset + parsed.error.offset, parsed.error.status))
    messages.push(parsed.value)
    buf = buf.subarray(head + cl)
    offset += head + cl
  }
  return {
    state: { ...state, buffer: buf.length === 0 ? new Uint8Array(0) : buf.slice(), offset, crlfRun: run },
    messages,
    pings,
  }
}

/** True once the stream has failed (the runtime should close the connection). */
export const isFramerFailed = (state: FramerState): boolean => state.failed !== undefined
