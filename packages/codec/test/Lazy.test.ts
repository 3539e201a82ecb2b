import { describe, expect, it } from "vitest"
import { getFrom, getTopVia, getVias, parseMessage, setHeader, viaBranch } from "../src/index.js"
import { crlf, unwrap } from "./helpers.js"

const m = unwrap(
  parseMessage(
    crlf(
      "OPTIONS sip:a@b SIP/2.0",
      "Via: SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2",
      "Subject: folded",
      " on two lines",
      'From: "A" <sip:a@b>;tag=1',
    ),
  ),
)

describe("lazy typed access", () => {
  it("parses a header once, on first read", () => {
    const first = getTopVia(m)
    expect(getTopVia(m)).toBe(first)
    expect(getFrom(m)).toBe(getFrom(m))
    expect(unwrap(getVias(m)).map(viaBranch)).toEqual(["z9hG4bK1", "z9hG4bK2"])
    expect(viaBranch(unwrap(getTopVia(m)))).toBe("z9hG4bK1")
  })

  it("never answers a stale value for a changed message", () => {
    unwrap(getTopVia(m))
    const changed = setHeader(m, "Via", "SIP/2.0/TCP c;branch=z9hG4bK9")
    expect(viaBranch(unwrap(getTopVia(changed)))).toBe("z9hG4bK9")
    const spread = { ...m, headers: [...m.headers].reverse() }
    expect(unwrap(getFrom(spread)).displayName).toBe("A")
    expect(viaBranch(unwrap(getTopVia(spread)))).toBe("z9hG4bK1")
  })

  it("reads a header after a folded one at the right place", () => {
    expect(unwrap(getFrom(m)).uri).toBe("sip:a@b")
    expect(m.headers[1]).toEqual({ name: "Subject", value: "folded on two lines" })
  })
})
