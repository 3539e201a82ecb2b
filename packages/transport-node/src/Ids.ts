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

/** Random bytes drawn from a pool refilled 4 KiB at a time: one system call per few hundred ids, not one each. */
const pool = Buffer.allocUnsafe(4096)
let used = pool.length

const random = (bytes: number): string => {
  if (used + bytes > pool.length) {
    randomFillSync(pool)
    used = 0
  }
  const text = pool.toString("base64url", used, used + bytes)
  used += bytes
  return text
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
