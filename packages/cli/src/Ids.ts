/**
 * Ids — the randomness SIP needs (§8.1.1.3 tags, §8.1.1.4 Call-IDs, §8.1.1.7 branches), drawn here in the shell
 * so the core never has to. The runtime's endpoints take transport-node's own (`cryptoIdsLayer`).
 *
 * Every id here takes fresh characters of one crypto-random pool (2 KiB, hex-encoded once per refill): as
 * unpredictable as a `randomBytes` call per id (no byte is used twice), without a call into the CSPRNG per id —
 * under load that call was measured at ~30 µs each on this machine, a sixth of the CPU a call cost `sip listen`.
 */
import { randomFillSync } from "node:crypto"

const poolBytes = Buffer.allocUnsafe(2048)
let poolText = ""
let used = 0

/** `bytes` fresh random bytes of the pool, as hex: the pool is encoded once per refill (4,096 characters), and
 * each id is a slice of it (an encode call per id cost ~1–2 µs). No character is used twice. */
const draw = (bytes: number): string => {
  const chars = bytes * 2
  if (used + chars > poolText.length) {
    randomFillSync(poolBytes)
    poolText = poolBytes.toString("hex")
    used = 0
  }
  used += chars
  return poolText.slice(used - chars, used)
}

const hex = draw

/** A branch with the RFC 3261 magic cookie (§8.1.1.7). */
export const newBranch = (): string => `z9hG4bK${hex(10)}`

/** A tag: at least 32 bits of randomness (§19.3). */
export const newTag = (): string => hex(6)

/** A Call-ID unique in space and time (§8.1.1.4), `random@host`. */
export const newCallId = (host: string): string => `${hex(12)}@${host.includes(":") ? `[${host}]` : host}`

/** A client nonce for digest (RFC 7616 §3.4). */
export const newCnonce = (): string => hex(8)
