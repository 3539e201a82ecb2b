/**
 * Salvage — what a server needs to answer a request that `parseMessage` refused.
 *
 * A response copies the request's Via, From, To, Call-ID and CSeq (RFC 3261 §8.2.6.2) and nothing of its start line
 * or body. So a request refused for its start line (RFC 4475 §3.1.2.7–10 ltgtruri, lwsruri, lwsstart, trws: "400";
 * §3.1.2.16 badvers: "505"), its Content-Length (§3.1.2.2 clerr, §3.1.2.3 ncl, §3.3.9 mcl01; RFC 3261 §18.3: a
 * request whose body falls short "SHOULD" get a 400) or a stray line in its header section can still be answered
 * with the status `parseMessage` named, when its header fields are readable.
 *
 * `salvageRequest(bytes)` sets the start line and the body aside and reads the header section on its own: the message
 * `METHOD sip:invalid SIP/2.0`, the header lines without Content-Length and without lines that are no header field,
 * `Content-Length: 0`. The method is the start line's first token; the request-URI is a stand-in (a response does not
 * carry it). Err when the datagram is not a request (a response, or no method token and space first: it cannot be
 * told from one), is an ACK (§17: never answered), or when even its header fields do not parse. The caller still
 * checks the Via before it answers.
 */

import { isToken } from "./Chars.js"
import { headerKey } from "./HeaderNames.js"
import type { Request } from "./Message.js"
import { makeParseError, type ParseError } from "./ParseError.js"
import { parseMessage } from "./Parser.js"
import { err, ok, type Result } from "./Result.js"

const decoder = new TextDecoder("utf-8", { ignoreBOM: true })

/** The canonical key of a header field line's name (`name:` or `name :`, §7.3.1), or undefined when it is none. */
const fieldKey = (line: string): string | undefined => {
  const colon = line.indexOf(":")
  const name = colon < 0 ? "" : line.slice(0, colon).replace(/[ \t]+$/, "")
  return isToken(name) ? headerKey(name) : undefined
}

const refused = (reason: string): ParseError => makeParseError(reason, 0, 400)

export const salvageRequest = (bytes: Uint8Array): Result<Request, ParseError> => {
  const text = decoder.decode(bytes)
  const lines = text.split(/\r?\n/)
  // §7.5: CRLFs before the start line are ignored
  let first = 0
  while (first < lines.length && lines[first] === "") first++
  const start = lines[first] ?? ""
  const space = start.indexOf(" ")
  const method = space < 0 ? "" : start.slice(0, space)
  if (!isToken(method) || method.startsWith("SIP/")) return err(refused("not a request"))
  if (method === "ACK") return err(refused("an ACK is never answered"))
  const fields: Array<string> = []
  let keep = false // whether the field a continuation line belongs to is kept
  for (let i = first + 1; i < lines.length; i++) {
    const line = lines[i] as string
    if (line === "") break // the end of the header section
    const continues = line[0] === " " || line[0] === "\t"
    if (!continues) {
      const key = fieldKey(line)
      keep = key !== undefined && key !== "content-length"
    }
    if (keep) fields.push(line)
  }
  const parsed = parseMessage(
    `${method} sip:invalid SIP/2.0\r\n${fields.join("\r\n")}\r\nContent-Length: 0\r\n\r\n`,
  )
  if (parsed._tag === "Err") return parsed
  return parsed.value._tag === "Request" ? ok(parsed.value) : err(refused("not a request"))
}
