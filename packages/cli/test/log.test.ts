/**
 * Log.ts — the runtime's log lines in a command: `sip: LEVEL message` on stderr in text mode, a `{"type":"log"}`
 * object on stdout with `--json`; and `sip listen` itself, whose stdout with `--json` is JSON on every line even when
 * the network sends it garbage.
 */
import { spawn } from "node:child_process"
import * as dgram from "node:dgram"
import { Cause, Effect } from "effect"
import { describe, expect, it } from "vitest"
import { cliLoggerLayer, formatLogLine, logLine } from "../src/Log.js"
import { bin } from "./support/sip.js"

const logged = (json: boolean, program: Effect.Effect<void>) => {
  const out: Array<string> = []
  const err: Array<string> = []
  Effect.runSync(
    program.pipe(
      Effect.provide(cliLoggerLayer({ json, write: (t) => out.push(t), writeError: (t) => err.push(t) })),
    ),
  )
  return { out, err }
}

describe("logLine", () => {
  it("joins the message parts, prints a cause given as a part, and keeps the level", () => {
    expect(logLine(["malformed message from", "UDP 127.0.0.1:5060"], "Warn", Cause.empty)).toEqual({
      type: "log",
      level: "Warn",
      message: "malformed message from UDP 127.0.0.1:5060",
    })
    expect(logLine([{ a: 1 }, new Error("boom")], "Error", Cause.empty).message).toBe('{"a":1} boom')
  })

  it("adds the cause when the log call has a failure", () => {
    const line = logLine(["handler for INVITE failed"], "Error", Cause.fail("no such user"))
    expect(line.cause).toContain("no such user")
    expect(formatLogLine(line)).toMatch(/^sip: ERROR handler for INVITE failed\n.*no such user/s)
  })
})

describe("cliLoggerLayer", () => {
  it("text mode: one line on stderr, nothing on stdout", () => {
    const { out, err } = logged(
      false,
      Effect.logWarning("malformed message from UDP 127.0.0.1:5060, dropped: x"),
    )
    expect(out).toEqual([])
    expect(err).toEqual(["sip: WARN malformed message from UDP 127.0.0.1:5060, dropped: x\n"])
  })

  it("--json: one object on stdout, nothing on stderr", () => {
    const { out, err } = logged(true, Effect.logError("handler for BYE failed", Cause.die(new Error("bug"))))
    expect(err).toEqual([])
    expect(out).toHaveLength(1)
    const line = JSON.parse(out[0] as string)
    expect(line).toMatchObject({ type: "log", level: "Error", message: "handler for BYE failed" })
  })
})

/** Runs `sip listen ARGS`, sends it `datagram` once it listens, stops it, and returns its stdout and stderr. */
const listenThrough = (args: ReadonlyArray<string>, datagram: string) =>
  new Promise<{ stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, "listen", "--port", "0", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    })
    let stdout = ""
    let stderr = ""
    const kill = setTimeout(() => child.kill("SIGKILL"), 20_000)
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.stdout.on("data", (chunk: Buffer) => {
      const first = stdout === ""
      stdout += chunk.toString()
      if (!first) return
      const port = Number(/(?:"port":|127\.0\.0\.1:)(\d+)/.exec(stdout)?.[1])
      const socket = dgram.createSocket("udp4")
      socket.send(datagram, port, "127.0.0.1", () => {
        socket.close()
        setTimeout(() => child.kill("SIGINT"), 300)
      })
    })
    child.once("close", () => {
      clearTimeout(kill)
      resolve({ stdout, stderr })
    })
  })

describe("sip listen's log lines", () => {
  it("--json: every stdout line is JSON, the dropped datagram a log object", async () => {
    const { stdout, stderr } = await listenThrough(["--json"], "this is not SIP\r\n\r\n")
    const lines = stdout.trim().split("\n")
    const objects = lines.map((line) => JSON.parse(line) as { type: string; message?: string })
    expect(objects.map((o) => o.type)).toEqual(["listening", "log", "summary"])
    expect(objects[1]?.message).toMatch(/^malformed message from UDP 127\.0\.0\.1:\d+, dropped: /)
    expect(stderr).toBe("")
  })

  it("text mode: the log line goes to stderr, stdout keeps the ladder", async () => {
    const { stdout, stderr } = await listenThrough([], "this is not SIP\r\n\r\n")
    expect(stderr).toMatch(/^sip: WARN malformed message from UDP 127\.0\.0\.1:\d+, dropped: /)
    expect(stdout).not.toContain("malformed message from")
    expect(stdout).toContain("1 malformed")
  })
})
