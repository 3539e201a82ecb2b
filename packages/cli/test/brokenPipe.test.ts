/**
 * `sip … | head`: when the reader of stdout goes away, `sip` stops at once and silently with 141 (128 + SIGPIPE, what
 * the shell reports for a tool SIGPIPE killed), instead of dying on an unhandled EPIPE with a stack trace.
 */
import { spawn } from "node:child_process"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { bin, fixtures } from "./support/sip.js"

describe("stdout closed by its reader", () => {
  it("sip parse: exit 141, nothing on stderr", async () => {
    const child = spawn(process.execPath, [bin, "parse", join(fixtures, "stream.sip")], {
      stdio: ["ignore", "pipe", "pipe"],
    })
    child.stdout.destroy() // the reader is gone before the first write
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve))
    expect(stderr).toBe("")
    expect(code).toBe(141)
  })
})
