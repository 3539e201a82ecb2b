/**
 * Stateless server nonces (RFC 7616 §3.3 and §5.4 "Limited-Use Nonce Values"; RFC 2617 §3.2.1 suggests
 * "time-stamp H(time-stamp ":" ETag ":" private-key)").
 *
 *   nonce = base36(timestamp-ms) "." hex(salt) "." hex(HMAC-SHA-256(secret, base36(ts) "." hex(salt) "." bind)[0..16])
 *
 * Any node holding the secret can check a nonce without shared state: the MAC proves we made it, the timestamp
 * says how old it is. An old but genuine nonce is "stale" (answer 401 with stale=true and a fresh nonce, RFC
 * 7616 §3.3); a forged or foreign one is "invalid". The clock value, the secret and the optional salt come in as
 * arguments — the core reads no clock and draws no random numbers. Replay within a nonce's life is caught by
 * the nonce-count, where the caller keeps a `NonceCounts` map.
 */
import { hmac } from "@noble/hashes/hmac.js"
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js"
import { err, ok, type Result } from "../Result.js"
import { constantTimeEqual } from "./constantTime.js"

export type NonceStatus = "fresh" | "stale" | "invalid"

export interface NonceOptions {
  /** Makes nonces issued in the same millisecond differ (e.g. a counter or random hex from the shell). */
  readonly salt?: string
  /** Ties the nonce to something the request must repeat (e.g. the client's address); checked, not stored. */
  readonly bind?: string
}

const NONCE = /^([0-9a-z]{1,11})\.([0-9a-f]*)\.([0-9a-f]{32})$/

const toKey = (secret: string | Uint8Array): Uint8Array =>
  typeof secret === "string" ? utf8ToBytes(secret) : secret

const mac = (secret: string | Uint8Array, stamp: string, salt: string, bind: string): string =>
  bytesToHex(hmac(sha256, toKey(secret), utf8ToBytes(`${stamp}.${salt}.${bind}`)).subarray(0, 16))

/** A nonce for a challenge issued at `nowMs` (milliseconds since the epoch, from the shell's clock). */
export const makeNonce = (secret: string | Uint8Array, nowMs: number, options: NonceOptions = {}): string => {
  const stamp = Math.max(0, Math.floor(nowMs)).toString(36)
  const salt = bytesToHex(utf8ToBytes(options.salt ?? ""))
  return `${stamp}.${salt}.${mac(secret, stamp, salt, options.bind ?? "")}`
}

/** When a nonce made by `makeNonce` was issued (ms), or undefined for text that is not such a nonce. */
export const nonceTimestamp = (nonce: string): number | undefined => {
  const m = NONCE.exec(nonce)
  return m === null ? undefined : Number.parseInt(m[1]!, 36)
}

/**
 * "fresh" when we issued this nonce at most `maxAgeMs` ago; "stale" when we issued it earlier; "invalid" when
 * we did not issue it (bad MAC, other secret or bind, malformed) or its timestamp is too far in the future.
 */
export const checkNonce = (
  secret: string | Uint8Array,
  nonce: string,
  nowMs: number,
  maxAgeMs: number,
  options: Pick<NonceOptions, "bind"> = {},
): NonceStatus => {
  const m = NONCE.exec(nonce)
  if (m === null) return "invalid"
  if (!constantTimeEqual(mac(secret, m[1]!, m[2]!, options.bind ?? ""), m[3]!)) return "invalid"
  const age = nowMs - Number.parseInt(m[1]!, 36)
  if (age < -maxAgeMs) return "invalid"
  return age > maxAgeMs ? "stale" : "fresh"
}

/** The highest nonce-count seen per nonce. The caller keeps it (per node, or shared). */
export type NonceCounts = ReadonlyMap<string, number>

export interface NonceReplay {
  readonly _tag: "NonceReplay"
  readonly nonce: string
  readonly nc: number
  /** The highest count already used with this nonce. */
  readonly last: number
}

/**
 * RFC 2617 §3.2.2 (and RFC 7616 §3.4): the nonce-count lets "the server to detect request replays by
 * maintaining its own copy of this count - if the same nc-value is seen twice, then the request is a replay".
 * Counts must grow: gives the updated map, or a `NonceReplay` for a count not above the last one seen.
 */
export const checkNonceCount = (
  counts: NonceCounts,
  nonce: string,
  nc: string,
): Result<NonceCounts, NonceReplay> => {
  const count = /^[0-9a-fA-F]{8}$/.test(nc) ? Number.parseInt(nc, 16) : 0
  const last = counts.get(nonce) ?? 0
  if (count <= last) return err({ _tag: "NonceReplay", nonce, nc: count, last })
  return ok(new Map(counts).set(nonce, count))
}

/** Drops the counts of nonces older than `maxAgeMs` (they are stale anyway) and of text that is not our nonce. */
export const pruneNonceCounts = (counts: NonceCounts, nowMs: number, maxAgeMs: number): NonceCounts =>
  new Map(
    [...counts].filter(([nonce]) => {
      const issued = nonceTimestamp(nonce)
      return issued !== undefined && nowMs - issued <= maxAgeMs
    }),
  )
