import { expect } from "vitest"
import type { Result } from "../src/Result.js"

/** CRLF-joined lines, ending with the empty line: `crlf("INVITE …", "Via: …")` + body. */
export const crlf = (...lines: ReadonlyArray<string>): string => `${lines.join("\r\n")}\r\n\r\n`

export const unwrap = <A, E>(r: Result<A, E>): A => {
  if (r._tag === "Err") expect.fail(`expected Ok, got ${JSON.stringify(r.error)}`)
  return r.value
}

export const unwrapErr = <A, E>(r: Result<A, E>): E => {
  if (r._tag === "Ok") expect.fail(`expected Err, got ${JSON.stringify(r.value)}`)
  return r.error
}

export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)

export const invite = crlf(
  "INVITE sip:bob@biloxi.com SIP/2.0",
  "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds;rport",
  "Max-Forwards: 70",
  'To: "Bob" <sip:bob@biloxi.com>',
  "From: Alice <sip:alice@atlanta.com>;tag=1928301774",
  "Call-ID: a84b4c76e66710@pc33.atlanta.com",
  "CSeq: 314159 INVITE",
  "Contact: <sip:alice@pc33.atlanta.com>",
  "Content-Type: application/sdp",
  "Content-Length: 4",
)
