/**
 * Ids — the runtime's randomness: branches (§8.1.1.7, with the magic cookie), tags (§19.3, at least 32 bits of
 * randomness) and Call-IDs (§8.1.1.4). A service, so tests can make them predictable.
 */
import { randomFillSync } from "node:crypto"
import { Context, Layer } from "effect"

export interface IdsShape {
  readonly branch: () => string
  readonly tag: () => string
  readonly callId: () => string
}

export class Ids extends Context.Service<Ids, IdsShape>()("@sipkit/transport-node/Ids") {}

/**
 * Random text cut from a pool: 3 KiB of crypto-random bytes, encoded once as 6,144 lowercase hex characters (4
 * random bits each), refilled when used up. No character is used twice, so an id is as unpredictable as its own
 * `randomBytes` call; an id costs a string slice, where an encode call per id (`toString` of a few pool bytes) cost
 * ~1–2 µs, and the UA core takes a fresh nonce on every step.
 *
 * Hex, not base64url: a token goes into Via, From, To and Call-ID, ahead of CSeq, and tools that find a header by a
 * bare substring search then read our token as the header. SIPp 3.6 takes a response's CSeq method from
 * `strstr(msg, "CSeq")`; a To tag such as `PO_2GCSeq9J` (about 1 in 2 million base64url tags) made it drop the call
 * as "unexpected message" under load. `[0-9a-f]` spells no header name longer than one letter, in any case.
 */
const poolBytes = Buffer.allocUnsafe(3072)
let poolText = ""
let used = 0

/** Text carrying at least `bytes` × 8 random bits. */
const random = (bytes: number): string => {
  const chars = bytes * 2
  if (used + chars > poolText.length) {
    randomFillSync(poolBytes)
    poolText = poolBytes.toString("hex")
    used = 0
  }
  used += chars
  return poolText.slice(used - chars, used)
}

export const cryptoIds: IdsShape = {
  branch: () => `z9hG4bK${random(12)}`,
  tag: () => random(8),
  callId: () => random(16),
}

/** Counting ids (`z9hG4bK-1`, `tag-1`, `call-1`) for reproducible tests and ladders. */
export const sequentialIds = (): IdsShape => {
  let n = 0
  return {
    branch: () => `z9hG4bK-${++n}`,
    tag: () => `tag-${++n}`,
    callId: () => `call-${++n}`,
  }
}

export const cryptoIdsLayer = Layer.succeed(Ids)(cryptoIds)
