/**
 * Build — constructing messages (RFC 3261 §8.1.1 requests, §8.2.6 responses) and replacing bodies.
 *
 * The constructors take every varying value (URIs, tags, branches, Call-IDs) as input: the core never invents
 * one. They set Content-Length to the body's byte length; nothing else is added or checked.
 */
import { headerKey, nameMatches } from "./HeaderNames.js"
import { removeHeader, setHeader } from "./Headers.js"
import type { Header, Request, Response, SipMessage } from "./Message.js"
import { findParam } from "./Params.js"
import { reasonPhrase } from "./ReasonPhrase.js"

const encoder = new TextEncoder()

/** The body of every built message without one (shared: a zero-length view cannot be written). */
const NO_BODY = new Uint8Array(0)

const toBytes = (body: Uint8Array | string | undefined): Uint8Array =>
  body === undefined ? NO_BODY : typeof body === "string" ? encoder.encode(body) : body

const toHeaders = (headers: ReadonlyArray<readonly [string, string]> | ReadonlyArray<Header>): Header[] =>
  headers.map((h) => (Array.isArray(h) ? { name: h[0] as string, value: h[1] as string } : (h as Header)))

/** Replaces every Content-Length (any spelling) by one `Content-Length: n`, in place of the first, else last. */
const withContentLength = (headers: Header[], length: number): Header[] => {
  const out: Header[] = []
  let placed = false
  for (const h of headers) {
    if (!nameMatches(h.name, "content-length", "l")) out.push(h)
    else if (!placed) {
      out.push({ name: h.name, value: String(length) })
      placed = true
    }
  }
  if (!placed) out.push({ name: "Content-Length", value: String(length) })
  return out
}

export interface RequestInit {
  readonly method: string
  readonly uri: string
  readonly headers: ReadonlyArray<readonly [string, string]> | ReadonlyArray<Header>
  readonly body?: Uint8Array | string
}

/** A request with the given headers in order, and Content-Length set to the body's byte length. */
export const makeRequest = (init: RequestInit): Request => {
  const body = toBytes(init.body)
  return {
    _tag: "Request",
    method: init.method,
    uri: init.uri,
    version: "SIP/2.0",
    headers: withContentLength(toHeaders(init.headers), body.length),
    body,
  }
}

export interface ResponseOptions {
  readonly reason?: string
  /** Added as `;tag=` to To when the request's To has no tag (§8.2.6.2). */
  readonly toTag?: string
  /** Further headers, after the copied ones. */
  readonly headers?: ReadonlyArray<readonly [string, string]>
  readonly body?: Uint8Array | string
}

/** Does this To value already carry a tag parameter (outside the URI)? (`findParam` accepts what `parseParams` does.) */
const toHasTag = (value: string): boolean => {
  const gt = value.lastIndexOf(">")
  const semi = value.indexOf(";", gt < 0 ? 0 : gt)
  return semi >= 0 && typeof findParam(value, semi, value.length, "tag") === "string"
}

/** What `makeResponse` does with a request's header: copy it, copy it with the To tag, or leave it. */
const SKIP = 0
const COPY = 1
const TO = 2

/**
 * The part a request header plays in a response (§8.2.6.2). A name spelled as RFC 3261 spells it — a parsed
 * message shares those strings, so each test is an identity compare — is answered without `headerKey`'s map
 * lookup; any other spelling (compact, other case, unknown) goes through `headerKey`.
 */
const roleOf = (name: string): number => {
  if (name === "Via" || name === "From" || name === "Call-ID" || name === "CSeq") return COPY
  if (name === "To") return TO
  if (
    name === "Contact" ||
    name === "Max-Forwards" ||
    name === "Content-Type" ||
    name === "Content-Length" ||
    name === "Subject" ||
    name === "User-Agent" ||
    name === "Allow" ||
    name === "Supported"
  )
    return SKIP
  const key = headerKey(name)
  if (key === "via" || key === "from" || key === "call-id" || key === "cseq" || key === "timestamp")
    return COPY
  return key === "to" ? TO : SKIP
}

/**
 * A response to `request` (§8.2.6.2): every Via in order, From, To (plus `;tag=toTag` when To has none), Call-ID,
 * CSeq and Timestamp (§8.2.6.1) are copied as fields; then `options.headers`; then Content-Length.
 */
export const makeResponse = (request: Request, status: number, options: ResponseOptions = {}): Response => {
  const body = toBytes(options.body)
  // one array, built in one pass (a response is made for every request; the final one of a non-INVITE is held
  // for Timer J): the copied fields, the given ones, Content-Length in place of the first given one or last
  const headers: Header[] = []
  const hs = request.headers
  for (let i = 0; i < hs.length; i++) {
    const h = hs[i]!
    const role = roleOf(h.name)
    if (role === COPY) headers.push(h)
    else if (role === TO)
      headers.push(
        options.toTag !== undefined && !toHasTag(h.value)
          ? { name: h.name, value: `${h.value};tag=${options.toTag}` }
          : h,
      )
  }
  let placed = false
  const given = options.headers
  // by index, not `for (const [name, value] of …)`: destructuring each pair walks an iterator over it
  if (given !== undefined)
    for (let i = 0; i < given.length; i++) {
      const name = given[i]![0]
      const value = given[i]![1]
      if (!nameMatches(name, "content-length", "l")) headers.push({ name, value })
      else if (!placed) {
        headers.push({ name, value: String(body.length) })
        placed = true
      }
    }
  if (!placed) headers.push({ name: "Content-Length", value: String(body.length) })
  return {
    _tag: "Response",
    version: "SIP/2.0",
    status,
    reason: options.reason ?? reasonPhrase(status),
    headers,
    body,
  }
}

/** Replaces the body, fixing Content-Length, and setting Content-Type when given. */
export const withBody = <M extends SipMessage>(
  message: M,
  body: Uint8Array | string,
  contentType?: string,
): M => {
  const bytes = toBytes(body)
  let m: M = { ...message, body: bytes, headers: withContentLength([...message.headers], bytes.length) }
  if (contentType !== undefined) m = setHeader(m, "Content-Type", contentType)
  return m
}

/** Removes the body, its Content-Type and Content-Encoding; Content-Length becomes 0. */
export const withoutBody = <M extends SipMessage>(message: M): M =>
  removeHeader(removeHeader(withBody(message, new Uint8Array(0)), "Content-Type"), "Content-Encoding")
