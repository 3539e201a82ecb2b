/**
 * Hash — a small deterministic string hash (two FNV-1a 32-bit lanes, 16 hex digits).
 *
 * Used where RFC 3261 asks for a value that is the same for the same request and different otherwise: the loop
 * detection part of the branch (§16.6 step 8) and the branch of a statelessly forwarded request (§16.11). It is not
 * a cryptographic hash; nothing here needs one.
 */
export const hashText = (text: string): string => lane(text, 0x811c9dc5) + lane(text, 0x050c5d1f)

const lane = (text: string, seed: number): string => {
  let hash = seed >>> 0
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash.toString(16).padStart(8, "0")
}
