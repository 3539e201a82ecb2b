import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { headerViews } from "../src/Describe.js"
import { decodeInput } from "../src/Input.js"
import { fixtures } from "./support/sip.js"

const load = (name: string) => new Uint8Array(readFileSync(join(fixtures, name)))

describe("decodeInput", () => {
  it("decodes one message", () => {
    const decoded = decodeInput(load("invite.sip"))
    expect(decoded.error).toBeUndefined()
    expect(decoded.messages).toHaveLength(1)
  })

  it("decodes a stream through the framer, skipping CRLF keep-alives", () => {
    const decoded = decodeInput(load("stream.sip"))
    expect(decoded.error).toBeUndefined()
    expect(decoded.messages.map((m) => (m._tag === "Request" ? m.method : m.status))).toEqual([
      "INVITE",
      180,
      200,
    ])
  })

  it("reads a last message without Content-Length as a datagram (§18.3)", () => {
    const text = "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: x\r\n\r\n"
    const decoded = decodeInput(new TextEncoder().encode(text))
    expect(decoded.error).toBeUndefined()
    expect(decoded.messages).toHaveLength(1)
  })

  it("stops at a malformed message with its offset from the start of the input and its status", () => {
    const decoded = decodeInput(load("badvers.sip"))
    expect(decoded.messages).toHaveLength(0)
    expect(decoded.error).toMatchObject({ status: 505, offset: 33 })
  })

  it("keeps the messages before the fault", () => {
    const decoded = decodeInput(load("truncated-stream.sip"))
    expect(decoded.messages).toHaveLength(1)
    expect(decoded.error?.reason).toMatch(/Content-Length 300/)
  })

  it("calls an empty input a fault", () => {
    expect(decodeInput(new TextEncoder().encode("\r\n\r\n")).error?.reason).toMatch(/empty input/)
  })
})

describe("headerViews", () => {
  it("gives each Via of a list its typed view and marks a header that does not parse", () => {
    const [ringing] = decodeInput(load("stream.sip")).messages.slice(1)
    const vias = headerViews(ringing!).filter((v) => v.key === "via")
    expect(vias).toHaveLength(3)
    expect(vias[0]?.typed?.[0]).toMatchObject({
      type: "via",
      value: { transport: "UDP", host: "server10.biloxi.com" },
    })
    const [fault] = decodeInput(load("header-fault.sip")).messages
    const cseq = headerViews(fault!).find((v) => v.key === "cseq")
    expect(cseq?.error?.status).toBe(400)
    expect(cseq?.typed).toBeUndefined()
  })
})
