/**
 * HeaderNames — the one table of header names: canonical spelling, compact form (RFC 3261 §7.3.3 and the IANA
 * "Header Fields" registry), whether the value is a comma-separated list, the ABNF and an example line.
 *
 * Header names compare case-insensitively and a compact form equals its long form: `headerKey("v") === "via"`.
 * Lists are split by `getHeaderValues` (quotes and <> respected); the other headers are single values whose text
 * may contain commas (Date, WWW-Authenticate …). Unknown headers are treated as lists.
 */
import { eqLower } from "./Chars.js"

export interface HeaderName {
  /** The spelling used when the codec writes the header (`Call-ID`, `CSeq`, `WWW-Authenticate`). */
  readonly name: string
  readonly compact: string | undefined
  /** `true`: `#element` list, split on top-level commas. */
  readonly list: boolean
  readonly abnf: string
  readonly example: string
}

const row = (
  name: string,
  compact: string | undefined,
  list: boolean,
  abnf: string,
  example: string,
): HeaderName => ({
  name,
  compact,
  list,
  abnf,
  example,
})

export const headerNames: ReadonlyArray<HeaderName> = [
  row(
    "Accept",
    undefined,
    true,
    `Accept = "Accept" HCOLON [ accept-range *(COMMA accept-range) ]`,
    "Accept: application/sdp",
  ),
  row("Accept-Contact", "a", true, "Accept-Contact = ac-value *(COMMA ac-value) (RFC 3841)", "a: *;audio"),
  row(
    "Accept-Encoding",
    undefined,
    true,
    "Accept-Encoding = [ encoding *(COMMA encoding) ]",
    "Accept-Encoding: gzip",
  ),
  row(
    "Accept-Language",
    undefined,
    true,
    "Accept-Language = [ language *(COMMA language) ]",
    "Accept-Language: en",
  ),
  row(
    "Alert-Info",
    undefined,
    true,
    "Alert-Info = alert-param *(COMMA alert-param)",
    "Alert-Info: <http://x/a>",
  ),
  row("Allow", undefined, true, "Allow = [Method *(COMMA Method)]", "Allow: INVITE, ACK, BYE"),
  row("Allow-Events", "u", true, "Allow-Events = event-type *(COMMA event-type) (RFC 6665)", "u: presence"),
  row(
    "Authentication-Info",
    undefined,
    false,
    "Authentication-Info = ainfo *(COMMA ainfo)",
    'Authentication-Info: nextnonce="x"',
  ),
  row("Authorization", undefined, false, "Authorization = credentials", 'Authorization: Digest username="a"'),
  row("Call-ID", "i", false, `Call-ID = callid = word [ "@" word ]`, "i: a84b4c76e66710@pc33"),
  row(
    "Call-Info",
    undefined,
    true,
    "Call-Info = info *(COMMA info)",
    "Call-Info: <http://x/p.jpg>;purpose=icon",
  ),
  row(
    "Contact",
    "m",
    true,
    `Contact = ( STAR / (contact-param *(COMMA contact-param)))`,
    "m: <sip:bob@192.0.2.4>",
  ),
  row(
    "Content-Disposition",
    undefined,
    false,
    "Content-Disposition = disp-type *( SEMI disp-param )",
    "Content-Disposition: session",
  ),
  row("Content-Encoding", "e", true, "Content-Encoding = content-coding *(COMMA content-coding)", "e: gzip"),
  row(
    "Content-Language",
    undefined,
    true,
    "Content-Language = language-tag *(COMMA language-tag)",
    "Content-Language: fr",
  ),
  row("Content-Length", "l", false, "Content-Length = 1*DIGIT", "l: 0"),
  row("Content-Type", "c", false, "Content-Type = media-type", "c: application/sdp"),
  row("CSeq", undefined, false, "CSeq = 1*DIGIT LWS Method", "CSeq: 314159 INVITE"),
  row("Date", undefined, false, "Date = SIP-date (rfc1123-date)", "Date: Sat, 13 Nov 2010 23:29:00 GMT"),
  row(
    "Error-Info",
    undefined,
    true,
    "Error-Info = error-uri *(COMMA error-uri)",
    "Error-Info: <sip:not-in-service@x>",
  ),
  row("Event", "o", false, "Event = event-type *( SEMI event-param ) (RFC 6665)", "o: presence;id=1"),
  row("Expires", undefined, false, "Expires = delta-seconds", "Expires: 7200"),
  row("From", "f", false, "From = ( name-addr / addr-spec ) *( SEMI from-param )", "f: <sip:a@x>;tag=1"),
  row("Identity", "y", false, "Identity = signed-identity-digest (RFC 8224)", "y: abc"),
  row(
    "Identity-Info",
    "n",
    false,
    "Identity-Info = ident-info *( SEMI ident-info-params ) (RFC 4474)",
    "n: <https://x/c>",
  ),
  row("In-Reply-To", undefined, true, "In-Reply-To = callid *(COMMA callid)", "In-Reply-To: 70710@x"),
  row("Max-Forwards", undefined, false, "Max-Forwards = 1*DIGIT", "Max-Forwards: 70"),
  row("MIME-Version", undefined, false, `MIME-Version = 1*DIGIT "." 1*DIGIT`, "MIME-Version: 1.0"),
  row("Min-Expires", undefined, false, "Min-Expires = delta-seconds", "Min-Expires: 60"),
  row("Min-SE", undefined, false, "Min-SE = delta-seconds *(SEMI generic-param) (RFC 4028)", "Min-SE: 90"),
  row("Organization", undefined, false, "Organization = [TEXT-UTF8-TRIM]", "Organization: Boxes by Bob"),
  row("Path", undefined, true, "Path = path-value *( COMMA path-value ) (RFC 3327)", "Path: <sip:p.x;lr>"),
  row("Priority", undefined, false, "Priority = priority-value", "Priority: emergency"),
  row(
    "Proxy-Authenticate",
    undefined,
    false,
    "Proxy-Authenticate = challenge",
    'Proxy-Authenticate: Digest realm="x"',
  ),
  row(
    "Proxy-Authorization",
    undefined,
    false,
    "Proxy-Authorization = credentials",
    'Proxy-Authorization: Digest username="a"',
  ),
  row(
    "Proxy-Require",
    undefined,
    true,
    "Proxy-Require = option-tag *(COMMA option-tag)",
    "Proxy-Require: foo",
  ),
  row(
    "RAck",
    undefined,
    false,
    "RAck = response-num LWS CSeq-num LWS Method (RFC 3262)",
    "RAck: 776656 1 INVITE",
  ),
  row(
    "Reason",
    undefined,
    true,
    "Reason = reason-value *(COMMA reason-value) (RFC 3326)",
    "Reason: SIP;cause=200",
  ),
  row(
    "Record-Route",
    undefined,
    true,
    "Record-Route = rec-route *(COMMA rec-route)",
    "Record-Route: <sip:p.x;lr>",
  ),
  row(
    "Refer-To",
    "r",
    false,
    "Refer-To = ( name-addr / addr-spec ) *(SEMI refer-param) (RFC 3515)",
    "r: <sip:c@x>",
  ),
  row(
    "Referred-By",
    "b",
    false,
    "Referred-By = referrer-uri *( SEMI (referredby-id-param / generic-param) ) (RFC 3892)",
    "b: <sip:a@x>",
  ),
  row("Reject-Contact", "j", true, "Reject-Contact = rc-value *(COMMA rc-value) (RFC 3841)", "j: *;video"),
  row("Reply-To", undefined, false, "Reply-To = rplyto-spec", "Reply-To: Bob <sip:bob@x>"),
  row(
    "Request-Disposition",
    "d",
    true,
    "Request-Disposition = directive *(COMMA directive) (RFC 3841)",
    "d: proxy",
  ),
  row("Require", undefined, true, "Require = option-tag *(COMMA option-tag)", "Require: 100rel"),
  row(
    "Retry-After",
    undefined,
    false,
    "Retry-After = delta-seconds [ comment ] *( SEMI retry-param )",
    "Retry-After: 120",
  ),
  row("Route", undefined, true, "Route = route-param *(COMMA route-param)", "Route: <sip:p.x;lr>"),
  row("RSeq", undefined, false, "RSeq = response-num (RFC 3262)", "RSeq: 988789"),
  row(
    "Security-Client",
    undefined,
    true,
    "Security-Client = sec-mechanism *(COMMA sec-mechanism) (RFC 3329)",
    "Security-Client: tls",
  ),
  row("Server", undefined, false, "Server = server-val *(LWS server-val)", "Server: sipkit"),
  row(
    "Service-Route",
    undefined,
    true,
    "Service-Route = sr-value *( COMMA sr-value) (RFC 3608)",
    "Service-Route: <sip:p.x;lr>",
  ),
  row(
    "Session-Expires",
    "x",
    false,
    "Session-Expires = delta-seconds *(SEMI se-params) (RFC 4028)",
    "x: 1800;refresher=uac",
  ),
  row("Subject", "s", false, "Subject = [TEXT-UTF8-TRIM]", "s: lunch"),
  row(
    "Subscription-State",
    undefined,
    false,
    "Subscription-State = substate-value *( SEMI subexp-params ) (RFC 6665)",
    "Subscription-State: active;expires=600",
  ),
  row("Supported", "k", true, "Supported = [option-tag *(COMMA option-tag)]", "k: 100rel, timer"),
  row("Timestamp", undefined, false, `Timestamp = 1*(DIGIT) [ "." *(DIGIT) ] [ LWS delay ]`, "Timestamp: 54"),
  row("To", "t", false, "To = ( name-addr / addr-spec ) *( SEMI to-param )", "t: <sip:b@x>;tag=2"),
  row("Unsupported", undefined, true, "Unsupported = option-tag *(COMMA option-tag)", "Unsupported: foo"),
  row("User-Agent", undefined, false, "User-Agent = server-val *(LWS server-val)", "User-Agent: sipkit"),
  row("Via", "v", true, "Via = via-parm *(COMMA via-parm)", "v: SIP/2.0/UDP pc33.x;branch=z9hG4bK776asdhds"),
  row(
    "Warning",
    undefined,
    true,
    "Warning = warning-value *(COMMA warning-value)",
    'Warning: 370 devnull "Choose a bigger pipe"',
  ),
  row(
    "WWW-Authenticate",
    undefined,
    false,
    "WWW-Authenticate = challenge",
    'WWW-Authenticate: Digest realm="x"',
  ),
]

const byKey = new Map<string, HeaderName>()
const compactToKey = new Map<string, string>()
/** The key of each name as it is usually written (the table's spelling, its compact form in either case): most
 * peers write exactly these, and one lookup answers them without making a lower-case copy of the name. */
const keyOfSpelling = new Map<string, string>()
for (const h of headerNames) {
  const key = h.name.toLowerCase()
  byKey.set(key, h)
  keyOfSpelling.set(h.name, key)
  if (h.compact !== undefined) {
    compactToKey.set(h.compact, key)
    keyOfSpelling.set(h.compact, key)
    keyOfSpelling.set(h.compact.toUpperCase(), key)
  }
}

/** The canonical lower-case long name: `headerKey("v") === "via"`, `headerKey("CALL-ID") === "call-id"`. */
export const headerKey = (name: string): string => {
  const usual = keyOfSpelling.get(name)
  if (usual !== undefined) return usual
  const lower = name.toLowerCase()
  return lower.length === 1 ? (compactToKey.get(lower) ?? lower) : lower
}

/** The compact form of a canonical key, if it has one: `compactOf("via") === "v"`. */
export const compactOf = (key: string): string | undefined => byKey.get(key)?.compact

/** The table row of a canonical key. */
export const headerInfo = (key: string): HeaderName | undefined => byKey.get(key)

/** The spelling the codec writes for a header: `canonicalName("call-id") === "Call-ID"`. */
export const canonicalName = (name: string): string => byKey.get(headerKey(name))?.name ?? name

/** Whether a header's value is a comma-separated list (unknown headers: yes). */
export const isListHeader = (key: string): boolean => byKey.get(key)?.list ?? true

/** Does the field name `name` (any case, long or compact) denote the header with canonical key `key`? */
export const nameMatches = (name: string, key: string, compact: string | undefined): boolean => {
  if (name.length === 1) {
    if (compact === undefined) return eqLower(name, key)
    const c = name.charCodeAt(0) | 0x20
    return c === compact.charCodeAt(0)
  }
  return eqLower(name, key)
}
