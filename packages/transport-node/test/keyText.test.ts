/** keyText — a transaction key as one line of a log. */
import { parseMessage } from "@sipkit/codec"
import { keyOf } from "@sipkit/fsm/transaction"
import { describe, expect, it } from "vitest"
import { keyText } from "../src/engine/KeyText.js"

const keyOfText = (text: string): string => {
  const parsed = parseMessage(text.replace(/\n/g, "\r\n"))
  if (parsed._tag === "Err") throw new Error(parsed.error.reason)
  const key = keyOf(parsed.value)
  if (key._tag === "Err") throw new Error("no key")
  return key.value
}

describe("keyText", () => {
  it("a server transaction's key: its parts on one line", () => {
    const key = keyOfText(
      "OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP host9.example.com;branch=z9hG4bKkdjuw\nCall-ID: c\nCSeq: 1 OPTIONS\n\n",
    )
    expect(key).toContain("\n")
    expect(keyText(key)).toBe("server z9hG4bKkdjuw host9.example.com OPTIONS")
  })

  it("an RFC 2543 key (no magic cookie) is cut at 160 characters", () => {
    const key = keyOfText(
      `INVITE sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h.example.com;branch=old\nFrom: <sip:x@y>;tag=1\nTo: <sip:a@b>\nCall-ID: ${"c".repeat(300)}\nCSeq: 1 INVITE\n\n`,
    )
    const line = keyText(key)
    expect(line).not.toContain("\n")
    expect(line).toHaveLength(160)
    expect(line.endsWith("…")).toBe(true)
  })
})
