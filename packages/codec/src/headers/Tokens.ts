/**
 * Tokens — the headers whose value is a comma-separated list of tokens (RFC 3261 §20.5, §20.37, §20.32, §20.29,
 * §20.40; RFC 6665 Allow-Events):
 *   Allow = [Method *(COMMA Method)]                    e.g. `Allow: INVITE, ACK, CANCEL, BYE`
 *   Supported / Require / Proxy-Require / Unsupported = option-tag *(COMMA option-tag)   e.g. `k: 100rel, timer`
 *   Allow-Events = event-type *(COMMA event-type)       e.g. `u: presence, dialog`
 * Values are kept as written; every field of the header contributes, in order.
 */
import { isToken } from "../Chars.js"
import { compactOf } from "../HeaderNames.js"
import { findHeaders } from "../Headers.js"
import { splitList } from "../Lists.js"
import type { SipMessage } from "../Message.js"
import { type HeaderError, makeHeaderError } from "../ParseError.js"
import { err, ok, type Result } from "../Result.js"

/** Parses `token *(COMMA token)` (an empty value is an empty list). */
export const parseTokenList = (
  value: string,
  header = "tokens",
): Result<ReadonlyArray<string>, HeaderError> => {
  const items = splitList(value)
  for (const item of items)
    if (!isToken(item)) return err(makeHeaderError(header, `not a token: ${JSON.stringify(item)}`))
  return ok(items)
}

export const printTokenList = (tokens: ReadonlyArray<string>): string => tokens.join(", ")

const tokensOf = (message: SipMessage, key: string): Result<ReadonlyArray<string>, HeaderError> => {
  const out: string[] = []
  for (const h of findHeaders(message.headers, key, compactOf(key))) {
    const r = parseTokenList(h.value, key)
    if (r._tag === "Err") return r
    out.push(...r.value)
  }
  return ok(out)
}

export const getAllow = (m: SipMessage): Result<ReadonlyArray<string>, HeaderError> => tokensOf(m, "allow")
export const getSupported = (m: SipMessage): Result<ReadonlyArray<string>, HeaderError> =>
  tokensOf(m, "supported")
export const getRequire = (m: SipMessage): Result<ReadonlyArray<string>, HeaderError> =>
  tokensOf(m, "require")
export const getProxyRequire = (m: SipMessage): Result<ReadonlyArray<string>, HeaderError> =>
  tokensOf(m, "proxy-require")
export const getUnsupported = (m: SipMessage): Result<ReadonlyArray<string>, HeaderError> =>
  tokensOf(m, "unsupported")
export const getAllowEvents = (m: SipMessage): Result<ReadonlyArray<string>, HeaderError> =>
  tokensOf(m, "allow-events")
