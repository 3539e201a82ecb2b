/**
 * Ids — the randomness SIP needs (§8.1.1.3 tags, §8.1.1.4 Call-IDs, §8.1.1.7 branches), drawn here in the shell
 * so the core never has to.
 */
import { randomBytes } from "node:crypto"

const hex = (bytes: number): string => randomBytes(bytes).toString("hex")

/** A branch with the RFC 3261 magic cookie (§8.1.1.7). */
export const newBranch = (): string => `z9hG4bK${hex(10)}`

/** A tag: at least 32 bits of randomness (§19.3). */
export const newTag = (): string => hex(6)

/** A Call-ID unique in space and time (§8.1.1.4), `random@host`. */
export const newCallId = (host: string): string => `${hex(12)}@${host.includes(":") ? `[${host}]` : host}`

/** A client nonce for digest (RFC 7616 §3.4). */
export const newCnonce = (): string => hex(8)
