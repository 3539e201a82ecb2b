/**
 * Challenges: WWW-Authenticate (401) and Proxy-Authenticate (407) values (RFC 3261 §22.1, §25.1; RFC 7616 §3.3).
 *
 *   challenge = "Digest" LWS digest-cln *(COMMA digest-cln)
 *   digest-cln = realm / domain / nonce / opaque / stale / algorithm / qop-options / charset / userhash / auth-param
 *
 * A response may carry several challenges — in one header value, in several header fields, or both (RFC 8760
 * §2.3: one per algorithm, "in the order in which it would prefer to see them used"). `parseChallenges` reads
 * them all; challenges of other schemes are returned as `OtherChallenge` so nothing is lost.
 */
import { err, ok, type Result } from "../Result.js"
import { type AuthError, makeAuthError } from "./AuthError.js"
import { type AuthItem, type AuthParam, paramValue, parseAuthItems, printAuthItem } from "./authParams.js"

export interface DigestChallenge {
  readonly _tag: "DigestChallenge"
  readonly realm: string
  readonly nonce: string
  /** As written; undefined means MD5. See `toAlgorithm`. */
  readonly algorithm: string | undefined
  /** The qop-options offered ("auth", "auth-int"); empty for the RFC 2069 form. */
  readonly qop: ReadonlyArray<string>
  readonly opaque: string | undefined
  readonly stale: boolean
  readonly domain: string | undefined
  readonly charset: string | undefined
  readonly userhash: boolean
  /** Parameters not listed above, in order. */
  readonly extra: ReadonlyArray<AuthParam>
}

/** A challenge of another scheme (Basic, Bearer, Negotiate, …), kept as read. */
export interface OtherChallenge {
  readonly _tag: "OtherChallenge"
  readonly item: AuthItem
}

export type Challenge = DigestChallenge | OtherChallenge

const KNOWN = ["realm", "nonce", "algorithm", "qop", "opaque", "stale", "domain", "charset", "userhash"]

const toDigestChallenge = (item: AuthItem): Result<DigestChallenge, AuthError> => {
  const get = (name: string) => paramValue(item.params, name)
  const realm = get("realm")
  const nonce = get("nonce")
  if (realm === undefined) return err(makeAuthError("Digest challenge without realm"))
  if (nonce === undefined) return err(makeAuthError("Digest challenge without nonce"))
  return ok({
    _tag: "DigestChallenge",
    realm,
    nonce,
    algorithm: get("algorithm"),
    qop: (get("qop") ?? "")
      .split(",")
      .map((q) => q.trim())
      .filter((q) => q !== ""),
    opaque: get("opaque"),
    stale: get("stale")?.toLowerCase() === "true",
    domain: get("domain"),
    charset: get("charset"),
    userhash: get("userhash")?.toLowerCase() === "true",
    extra: item.params.filter((p) => !KNOWN.includes(p.name.toLowerCase())),
  })
}

/**
 * Reads every challenge of one or more header values (pass all WWW-Authenticate or Proxy-Authenticate field
 * values of a response). A Digest challenge without realm or nonce, or a broken list, is an `AuthError`.
 */
export const parseChallenges = (
  values: string | ReadonlyArray<string>,
): Result<ReadonlyArray<Challenge>, AuthError> => {
  const challenges: Array<Challenge> = []
  for (const value of typeof values === "string" ? [values] : values) {
    const items = parseAuthItems(value)
    if (items._tag === "Err") return items
    for (const item of items.value) {
      if (item.scheme.toLowerCase() !== "digest") {
        challenges.push({ _tag: "OtherChallenge", item })
        continue
      }
      const digest = toDigestChallenge(item)
      if (digest._tag === "Err") return digest
      challenges.push(digest.value)
    }
  }
  return ok(challenges)
}

/** The Digest challenges among `parseChallenges`' result. */
export const digestChallenges = (challenges: ReadonlyArray<Challenge>): ReadonlyArray<DigestChallenge> =>
  challenges.flatMap((c) => (c._tag === "DigestChallenge" ? [c] : []))

const quoted = (name: string, value: string | undefined): ReadonlyArray<AuthParam> =>
  value === undefined ? [] : [{ name, value, quoted: true }]

const bare = (name: string, value: string | undefined): ReadonlyArray<AuthParam> =>
  value === undefined ? [] : [{ name, value, quoted: false }]

/** Writes one challenge as a header value: realm, domain, nonce, opaque, stale, algorithm, qop, charset, userhash. */
export const printChallenge = (challenge: Challenge): string => {
  if (challenge._tag === "OtherChallenge") return printAuthItem(challenge.item)
  const c = challenge
  const params = [
    ...quoted("realm", c.realm),
    ...quoted("domain", c.domain),
    ...quoted("nonce", c.nonce),
    ...quoted("opaque", c.opaque),
    ...bare("stale", c.stale ? "true" : undefined),
    ...bare("algorithm", c.algorithm),
    ...quoted("qop", c.qop.length === 0 ? undefined : c.qop.join(",")),
    ...bare("charset", c.charset),
    ...bare("userhash", c.userhash ? "true" : undefined),
    ...c.extra,
  ]
  return printAuthItem({ scheme: "Digest", params, token68: undefined })
}

export interface ChallengeInit {
  readonly realm: string
  /** Use `makeNonce` for a stateless one. */
  readonly nonce: string
  /** Default MD5 (written explicitly). */
  readonly algorithm?: string
  /** Default "auth"; `[]` for the RFC 2069 form without qop. */
  readonly qop?: string | ReadonlyArray<string>
  readonly opaque?: string
  /** true when the previous nonce was merely old (RFC 7616 §3.3): the client retries without asking the user. */
  readonly stale?: boolean
  readonly domain?: string
}

/** A WWW-Authenticate / Proxy-Authenticate value: `Digest realm="…", nonce="…", algorithm=MD5, qop="auth"`. */
export const makeChallenge = (init: ChallengeInit): string =>
  printChallenge({
    _tag: "DigestChallenge",
    realm: init.realm,
    nonce: init.nonce,
    algorithm: init.algorithm ?? "MD5",
    qop: typeof init.qop === "string" ? [init.qop] : (init.qop ?? ["auth"]),
    opaque: init.opaque,
    stale: init.stale ?? false,
    domain: init.domain,
    charset: undefined,
    userhash: false,
    extra: [],
  })
