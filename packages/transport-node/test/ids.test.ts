import { describe, expect, it } from "vitest"
import { cryptoIds } from "../src/Ids.js"

describe("cryptoIds", () => {
  // a few refills of the 4,096-character pool: every id fresh, of its length and alphabet, across the refills
  const count = 3000
  const draw = (make: () => string) => Array.from({ length: count }, make)

  it("tags carry at least 64 random bits (11 base64url characters) and never repeat", () => {
    const tags = draw(cryptoIds.tag)
    for (const t of tags) expect(t).toMatch(/^[A-Za-z0-9_-]{11}$/)
    expect(new Set(tags).size).toBe(count)
  })

  it("branches start with the magic cookie (§8.1.1.7) and never repeat", () => {
    const branches = draw(cryptoIds.branch)
    for (const b of branches) expect(b).toMatch(/^z9hG4bK[A-Za-z0-9_-]{16}$/)
    expect(new Set(branches).size).toBe(count)
  })

  it("Call-IDs carry 128 random bits (22 characters) and never repeat", () => {
    const ids = draw(cryptoIds.callId)
    expect(new Set(ids).size).toBe(count)
    for (const id of ids) expect(id).toHaveLength(22)
  })
})
