/**
 * A toy framing for transport tests that must not depend on the SIP codec: one message per `\n`-terminated
 * line; a line containing `GARBAGE` is a framing error (and the framer stays failed, like the codec's).
 */
import type { Framing } from "../../src/transport/Transport.js"

const decoder = new TextDecoder()

export const lineFraming: Framing<string> = {
  datagram: (bytes) => {
    const text = decoder.decode(bytes)
    return text.includes("GARBAGE")
      ? { _tag: "Err", error: { reason: "garbage", status: 400 } }
      : { _tag: "Ok", value: text.replace(/\n$/, "") }
  },
  stream: () => {
    let buffer = ""
    let failed = false
    return (chunk) => {
      if (failed) return { messages: [], error: { reason: "failed before", status: 400 } }
      buffer += decoder.decode(chunk)
      const parts = buffer.split("\n")
      buffer = parts.pop() ?? ""
      const bad = parts.findIndex((p) => p.includes("GARBAGE"))
      if (bad >= 0) {
        failed = true
        return { messages: parts.slice(0, bad), error: { reason: "garbage", status: 400 } }
      }
      return { messages: parts }
    }
  },
}
