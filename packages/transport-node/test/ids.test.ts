import { describe, expect, it } from "vitest"
import { cryptoIds } from "../src/Ids.js"

describe("cryptoIds", () => {
  // a few refills of the 6,144-character pool: every id fresh, of its length and alphabet, across the refills.
  // The alphabet is lowercase hex so that no id spells a header name: SIPp reads a response's CSeq method at the
  // first "CSeq" anywhere in the message, and a To tag such as `PO_2GCSeq9J` made it abort the call.
  const count = 3000
  const draw = (make: () => string) => Array.from({ length: count }, make)

  it("tags carry 64 random bits (16 hex characters) and never repeat", () => {
    const tags = draw(cryptoIds.tag)
    for (const t of tags) expect(t).toMatch(/^[0-9a-f]{16}$/)
    expect(new Set(tags).size).toBe(count)
  })

  it("branches start with the magic cookie (§8.1.1.7) and never repeat", () => {
    const branches = draw(cryptoIds.branch)
    for (const b of branches) expect(b).toMatch(/^z9hG4bK[0-9a-f]{24}$/)
    expect(new Set(branches).size).toBe(count)
  })

  it("Call-IDs carry 128 random bits (32 hex characters) and never repeat", () => {
    const ids = draw(cryptoIds.callId)
    expect(new Set(ids).size).toBe(count)
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/)
  })
})
