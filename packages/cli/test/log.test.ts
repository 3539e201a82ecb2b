/**
 * Log.ts — the runtime's log lines in a command: `sip: LEVEL message` on stderr in text mode, a `{"type":"log"}`
 * object on stdout with `--json`; and `sip listen` itself, whose stdout with `--json` is JSON on every line even when
 * the network sends it garbage.
 */
import { spawn } from "node:child_process"
import * as dgram from "node:dgram"
import { it as effectIt } from "@effect/vitest"
import { Cause, Effect } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import {
  cliLoggerLayer,
  formatLogLine,
  freshBudget,
  heldLine,
  type LogBudget,
  logLine,
  spendLog,
} from "../src/Log.js"
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

describe("spendLog: at most N warnings a second, the held-back count said by the next line written", () => {
  const run = (times: ReadonlyArray<number>, perSecond: number) => {
    let budget: LogBudget = freshBudget
    return times.map((now) => {
      const spent = spendLog(budget, now, perSecond)
      budget = spent.budget
      return [spent.write, spent.heldBefore] as const
    })
  }

  it("writes the first N of a second, holds the rest, and reports them with the first line of a later second", () => {
    expect(run([1000, 1100, 1200, 1300, 1999, 2000, 2001], 2)).toEqual([
      [true, 0],
      [true, 0],
      [false, 0],
      [false, 0],
      [false, 0],
      [true, 3],
      [true, 0],
    ])
  })

  it("holds across quiet seconds until a line is written", () => {
    expect(run([0, 1, 2, 5000, 9000], 1)).toEqual([
      [true, 0],
      [false, 0],
      [false, 0],
      [true, 2],
      [true, 0],
    ])
  })

  it("law: in any second no more than N are written, and written + held = all", () => {
    const times = Array.from({ length: 500 }, (_, i) => Math.floor(i * 7.3))
    const outcome = run(times, 20)
    const perSecond = new Map<number, number>()
    times.forEach((t, i) => {
      if (outcome[i]?.[0]) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1)
    })
    expect(Math.max(...perSecond.values())).toBe(20)
    const written = outcome.filter(([write]) => write).length
    const reported = outcome.reduce((n, [, held]) => n + held, 0)
    let last: LogBudget = freshBudget
    for (const t of times) last = spendLog(last, t, 20).budget
    expect(written + reported + last.held).toBe(times.length)
  })

  it("says how many in one line", () => {
    expect(heldLine(1, 20).message).toBe("1 log line not written (at most 20 a second)")
    expect(formatLogLine(heldLine(153, 20))).toBe("sip: WARN 153 log lines not written (at most 20 a second)")
  })
})

describe("cliLoggerLayer's budget, under the test clock", () => {
  effectIt.effect(
    "25 warnings in one second: 20 written; the next second's first line says 5 were not; errors always",
    () =>
      Effect.gen(function* () {
        const out: Array<string> = []
        const logged = Effect.provide(cliLoggerLayer({ json: false, writeError: (t) => out.push(t) }))
        yield* logged(
          Effect.gen(function* () {
            for (let i = 0; i < 25; i++) yield* Effect.logWarning(`warning ${i}`)
            yield* Effect.logError("an error")
            yield* TestClock.adjust(1000)
            yield* Effect.logWarning("later")
          }),
        )
        expect(out.filter((l) => l.startsWith("sip: WARN warning"))).toHaveLength(20)
        expect(out.slice(-3)).toEqual([
          "sip: ERROR an error\n",
          "sip: WARN 5 log lines not written (at most 20 a second)\n",
          "sip: WARN later\n",
        ])
      }),
  )
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
