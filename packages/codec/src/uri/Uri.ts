/**
 * Uri — the URI values of SIP (RFC 3261 §19.1, RFC 3966), and the dispatch from text to value and back.
 *
 * `sip:`/`sips:` become a `SipUri` (user, password, host, port, params, headers, each kept as written, escapes
 * included, so printing gives the text back); `tel:` a `TelUri`; any other `scheme:…` an opaque `AbsoluteUri`.
 * Never resolves names, never unescapes in place (comparison unescapes, §19.1.4).
 */
import { isAlpha, isSchemeChar } from "../Chars.js"
import type { Param } from "../Params.js"
import { type HeaderError, makeHeaderError } from "../ParseError.js"
import { err, ok, type Result } from "../Result.js"
import { parseSipUri, printSipUri } from "./SipUri.js"
import { parseTelUri, printTelUri } from "./TelUri.js"

export interface SipUri {
  readonly _tag: "SipUri"
  readonly scheme: "sip" | "sips"
  /** The user part as written (escapes kept). */
  readonly user?: string
  readonly password?: string
  /** Host name, IPv4 address, or IPv6 reference with its brackets, as written. */
  readonly host: string
  readonly port?: number
  /** `;name=value` URI parameters, as written. */
  readonly params: ReadonlyArray<Param>
  /** `?name=value&…` URI headers, as written (value "" when empty). */
  readonly headers: ReadonlyArray<Param>
}

export interface TelUri {
  readonly _tag: "TelUri"
  /** The telephone-subscriber number as written: `+1-201-555-0123` or a local number like `7042`. */
  readonly number: string
  readonly params: ReadonlyArray<Param>
}

export interface AbsoluteUri {
  readonly _tag: "AbsoluteUri"
  /** Lower-case scheme. */
  readonly scheme: string
  /** The whole URI as written. */
  readonly text: string
}

export type Uri = SipUri | TelUri | AbsoluteUri

export const isSipUri = (uri: Uri): uri is SipUri => uri._tag === "SipUri"

/** Index of the ':' ending a valid scheme, or -1. */
const schemeEnd = (text: string): number => {
  if (text.length === 0 || !isAlpha(text.charCodeAt(0))) return -1
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 58) return i
    if (!isSchemeChar(c)) return -1
  }
  return -1
}

/** Parses a URI (no surrounding `<>`, no LWS). */
export const parseUri = (text: string): Result<Uri, HeaderError> => {
  const colon = schemeEnd(text)
  if (colon < 0) return err(makeHeaderError("uri", `not an absolute URI: ${JSON.stringify(text)}`))
  const scheme = text.slice(0, colon).toLowerCase()
  const rest = text.slice(colon + 1)
  switch (scheme) {
    case "sip":
    case "sips":
      return parseSipUri(scheme, rest)
    case "tel":
      return parseTelUri(rest)
  }
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charCodeAt(i)
    if (c <= 32 || c === 127 || c === 60 || c === 62 || c === 34)
      return err(makeHeaderError("uri", `invalid character in ${scheme} URI`))
  }
  if (rest.length === 0) return err(makeHeaderError("uri", `empty ${scheme} URI`))
  return ok({ _tag: "AbsoluteUri", scheme, text })
}

export const printUri = (uri: Uri): string => {
  switch (uri._tag) {
    case "SipUri":
      return printSipUri(uri)
    case "TelUri":
      return printTelUri(uri)
    case "AbsoluteUri":
      return uri.text
  }
}
