/**
 * Digest algorithms (RFC 7616 §3.2, RFC 8760 for SIP): MD5, SHA-256, SHA-512-256 and their "-sess" variants.
 * Hashes come from @noble/hashes (audited, pure JavaScript, runs in every runtime); nothing is hand-written.
 */
import { md5 } from "@noble/hashes/legacy.js"
import { sha256, sha512_256 } from "@noble/hashes/sha2.js"
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js"

export type DigestAlgorithm =
  | "MD5"
  | "MD5-sess"
  | "SHA-256"
  | "SHA-256-sess"
  | "SHA-512-256"
  | "SHA-512-256-sess"

export const ALGORITHMS: ReadonlyArray<DigestAlgorithm> = [
  "MD5",
  "MD5-sess",
  "SHA-256",
  "SHA-256-sess",
  "SHA-512-256",
  "SHA-512-256-sess",
]

/** The algorithm an `algorithm=` value names (case-insensitive); absent means MD5 (RFC 7616 §3.3). */
export const toAlgorithm = (value: string | undefined): DigestAlgorithm | undefined =>
  value === undefined ? "MD5" : ALGORITHMS.find((a) => a.toLowerCase() === value.toLowerCase())

export const isSession = (algorithm: DigestAlgorithm): boolean => algorithm.endsWith("-sess")

/** Strength order for a client choosing among challenges (RFC 8760 §2.4): SHA-512-256 > SHA-256 > MD5. */
export const strength = (algorithm: DigestAlgorithm): number =>
  algorithm.startsWith("SHA-512-256") ? 3 : algorithm.startsWith("SHA-256") ? 2 : 1

const hashFunction = (algorithm: DigestAlgorithm) =>
  algorithm.startsWith("SHA-512-256") ? sha512_256 : algorithm.startsWith("SHA-256") ? sha256 : md5

const toBytes = (data: string | Uint8Array): Uint8Array =>
  typeof data === "string" ? utf8ToBytes(data) : data

/** H(data) as lower-case hex, in the hash of `algorithm`. Strings are hashed as UTF-8. */
export const hashHex = (algorithm: DigestAlgorithm, data: string | Uint8Array): string =>
  bytesToHex(hashFunction(algorithm)(toBytes(data)))
