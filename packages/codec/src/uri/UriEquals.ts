/**
 * UriEquals — URI comparison (RFC 3261 §19.1.4; RFC 3966 §4 for tel).
 *
 * SIP/SIPS: same scheme; user and password compared case-sensitively after unescaping; host case-insensitively;
 * ports equal (an absent port does not equal 5060); the `user`, `ttl`, `method`, `maddr` and `transport`
 * parameters must be in both or neither and match; any other parameter present in both must match (names and
 * values case-insensitive); URI headers must all be in both and match. Never resolves host names.
 */
import { eqLower } from "../Chars.js"
import type { Param } from "../Params.js"
import { unescapeText } from "./Escapes.js"
import type { SipUri, TelUri, Uri } from "./Uri.js"

const STRICT_PARAMS = ["user", "ttl", "method", "maddr", "transport"]

const findParam = (params: ReadonlyArray<Param>, lowerName: string): Param | undefined => {
  for (const p of params) if (eqLower(unescapeText(p.name), lowerName)) return p
  return undefined
}

const paramValue = (p: Param): string => unescapeText(p.value ?? "").toLowerCase()

const sameParams = (a: ReadonlyArray<Param>, b: ReadonlyArray<Param>): boolean => {
  for (const name of STRICT_PARAMS) {
    const pa = findParam(a, name)
    const pb = findParam(b, name)
    if ((pa === undefined) !== (pb === undefined)) return false
    if (pa !== undefined && pb !== undefined && paramValue(pa) !== paramValue(pb)) return false
  }
  // A name given twice counts by its first occurrence, on both sides (so the relation stays symmetric).
  for (const pa of a) {
    const name = unescapeText(pa.name).toLowerCase()
    if (findParam(a, name) !== pa) continue
    const pb = findParam(b, name)
    if (pb !== undefined && paramValue(pa) !== paramValue(pb)) return false
  }
  return true
}

const headerSet = (headers: ReadonlyArray<Param>): Map<string, string> => {
  const out = new Map<string, string>()
  for (const h of headers) out.set(unescapeText(h.name).toLowerCase(), unescapeText(h.value ?? ""))
  return out
}

const sameHeaders = (a: ReadonlyArray<Param>, b: ReadonlyArray<Param>): boolean => {
  const ha = headerSet(a)
  const hb = headerSet(b)
  if (ha.size !== hb.size) return false
  for (const [k, v] of ha) if (hb.get(k) !== v) return false
  return true
}

const opt = (text: string | undefined): string | undefined =>
  text === undefined ? undefined : unescapeText(text)

const sipEquals = (a: SipUri, b: SipUri): boolean =>
  a.scheme === b.scheme &&
  opt(a.user) === opt(b.user) &&
  opt(a.password) === opt(b.password) &&
  a.host.toLowerCase() === b.host.toLowerCase() &&
  a.port === b.port &&
  sameParams(a.params, b.params) &&
  sameHeaders(a.headers, b.headers)

/** RFC 3966 §4: visual separators ignored, hex digits case-insensitive, all parameters present in both. */
const telEquals = (a: TelUri, b: TelUri): boolean => {
  const norm = (n: string): string => n.replace(/[-.()]/g, "").toLowerCase()
  if (norm(a.number) !== norm(b.number)) return false
  if (a.params.length !== b.params.length) return false
  for (const pa of a.params) {
    const name = unescapeText(pa.name).toLowerCase()
    const pb = findParam(b.params, name)
    if (pb === undefined || paramValue(findParam(a.params, name) ?? pa) !== paramValue(pb)) return false
  }
  for (const pb of b.params)
    if (findParam(a.params, unescapeText(pb.name).toLowerCase()) === undefined) return false
  return true
}

export const uriEquals = (a: Uri, b: Uri): boolean => {
  switch (a._tag) {
    case "SipUri":
      return b._tag === "SipUri" && sipEquals(a, b)
    case "TelUri":
      return b._tag === "TelUri" && telEquals(a, b)
    case "AbsoluteUri":
      return (
        b._tag === "AbsoluteUri" &&
        a.scheme === b.scheme &&
        a.text.slice(a.scheme.length) === b.text.slice(b.scheme.length)
      )
  }
}
