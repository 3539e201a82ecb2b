/**
 * The benchmark programs, run as the docs tell people to run them, with the smallest settings: each must exit 0 and
 * print what docs/benchmarks.md quotes from it. A benchmark is not a timed test — these assert no figure, only that
 * every documented command still runs to its report (a bench broken by an API change would otherwise be found
 * only on the day someone wants its numbers).
 */
import { spawn, spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { runAgain, slowdownOf, startProbes } from "../src/vcpuProbe.ts"

const bench = join(import.meta.dirname, "..")

/** Runs `node <script> …args` in bench/ (the Node running this test: 24, from the workspace). */
const run = (script: string, args: ReadonlyArray<string>, timeout = 120_000) => {
  const r = spawnSync(process.execPath, [script, ...args], { cwd: bench, encoding: "utf8", timeout })
  return { status: r.status, out: r.stdout, err: r.stderr, all: `${r.stdout}\n${r.stderr}` }
}

const hasSipp = spawnSync("sipp", ["-v"], { encoding: "utf8" }).error === undefined

describe("bench programs (smallest settings)", { timeout: 200_000 }, () => {
  it("codec.bench: the Markdown table, every parser's row and the goal lines", () => {
    const r = run("codec.bench.ts", ["--markdown", "--quick", "--rounds=1", "--round-ms=50"])
    expect(r.status, r.all).toBe(0)
    expect(r.out).toMatch(/^\| parser \| invite msg\/s/m)
    for (const row of ["sipkit", "sip 0", "drachtio-sip", "jssip", "sip.js", "sipkit serialize (unchanged)"])
      expect(r.out).toContain(`| ${row}`)
    expect(r.out).toMatch(
      /Goal ≥ 5× the fastest peer on every message .*: (met|NOT met) — invite [\d.]+× \(rounds [\d.]+–[\d.]+×\)/,
    )
  })

  it("ua.bench: CPU per call per round and the heap held per call", () => {
    const r = run("ua.bench.ts", ["--calls=200", "--rounds=1", "--held=100"])
    expect(r.status, r.all).toBe(0)
    expect(r.out).toMatch(/round 1: [\d.]+ µs CPU per call, [\d.]+ µs per step/)
    expect(r.out).toMatch(/heap held per call: \d+ bytes \(100 calls held\)/)
  })

  it("transactions.bench (with --info): CPU per call and what the table holds", () => {
    const r = run("transactions.bench.ts", ["--held=100", "--info"])
    expect(r.status, r.all).toBe(0)
    expect(r.out).toMatch(
      /100 calls: [\d.]+ µs CPU per call; held: 100 InviteServer Accepted, 100 NonInviteServer Completed/,
    )
    expect(r.out).toMatch(/heap held per call: \d+ bytes/)
  })

  it("profile: the task's hottest functions", () => {
    const r = run("profile.ts", ["--what=task", "--seconds=1", "--lines=3"])
    expect(r.status, r.all).toBe(0)
    expect(r.out).toMatch(/task: [\d,]+ messages\/s under the profiler/)
    expect(r.out).toContain("by self time:")
  })

  it("countTask: runs its unit without output (it is counted under valgrind, not read)", () => {
    for (const unit of ["task", "parse"]) {
      const r = run("src/countTask.ts", ["100", "invite", unit])
      expect(r.status, r.all).toBe(0)
      expect(r.out).toBe("")
    }
    const bad = run("src/countTask.ts", ["100", "options", "task"])
    expect(bad.status).not.toBe(0)
    expect(bad.err).toContain("the message is invite, ringing or register")
  })

  it.runIf(existsSync(join(bench, "../packages/cli/dist/bin.js")))(
    "sipp/closed-loop-uac: waits for a late listener, then every call ends against sip listen; bad arguments exit 64",
    async () => {
      // the UAC starts first: its calls must wait for the listener's answer to its OPTIONS probe
      const r = new Promise<{ status: number | null; out: string }>((resolve) => {
        const uac = spawn(
          process.execPath,
          ["sipp/closed-loop-uac.ts", "15350", "40", "4", "--timeout-ms=30000"],
          {
            cwd: bench,
          },
        )
        let out = ""
        uac.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString()
        })
        uac.stderr.on("data", (chunk: Buffer) => {
          out += chunk.toString()
        })
        uac.on("close", (status) => resolve({ status, out }))
      })
      await new Promise((resolve) => setTimeout(resolve, 700))
      const listen = spawn(
        process.execPath,
        ["../packages/cli/dist/bin.js", "listen", "--host", "127.0.0.1", "--port", "15350", "--quiet"],
        { cwd: bench, stdio: ["ignore", "pipe", "pipe"] },
      )
      try {
        const done = await r
        expect(done.status, done.out).toBe(0)
        expect(done.out).toMatch(/^closed-loop-uac: 40 calls \(4 in flight\) in \d+ ms$/m)
      } finally {
        listen.kill("SIGINT")
      }
      const bad = run("sipp/closed-loop-uac.ts", ["15350", "forty"])
      expect(bad.status).toBe(64)
      expect(bad.err).toContain("PORT, CALLS and LANES must be positive integers")
    },
  )

  it.runIf(existsSync(join(bench, "../packages/cli/dist/bin.js")))(
    "allocs: bytes per call of sip listen, its top sites and a builtin's callers; bad flags exit 64",
    () => {
      const r = run("allocs.ts", ["--calls=300", "--port=15430", "--top=5", "--parents=join"])
      expect(r.status, r.all).toBe(0)
      expect(r.out).toMatch(/^sip listen allocated [\d,]+ B per call \(300 calls, 2 in flight\)$/m)
      // five site rows, then the callers of join (the transaction keys, the kept heads … call it on every call)
      expect(r.out.match(/^\| [\d,]+ B \| `[^`]+ [^`]*:\d+` \|$/gm)?.length ?? 0).toBeGreaterThanOrEqual(6)
      expect(r.out).toMatch(/^\| [\d,]+ B \| `join ← \S+/m)
      // --survivors: only what lived through a young collection, fewer bytes than everything allocated
      const kept = run("allocs.ts", ["--calls=300", "--port=15432", "--top=3", "--survivors"])
      expect(kept.status, kept.all).toBe(0)
      const all = Number(/allocated ([\d,]+) B per call \(/.exec(r.out)?.[1]?.replaceAll(",", ""))
      const lived = /allocated ([\d,]+) B per call that lived through a young collection \(300 calls/.exec(
        kept.out,
      )
      expect(lived, kept.out).not.toBeNull()
      expect(Number(lived?.[1]?.replaceAll(",", ""))).toBeLessThan(all)
      const bad = run("allocs.ts", ["--calls=0"])
      expect(bad.status).toBe(64)
      expect(bad.err).toContain("--calls is a positive integer")
    },
  )

  it.runIf(hasSipp && existsSync(join(bench, "../packages/cli/dist/bin.js")))(
    "sipp/fixed-rate: a warm-up, then per round the main thread's and the process's CPU per call; bad flags exit 64",
    () => {
      const r = run("sipp/fixed-rate.ts", [
        "--rate=100",
        "--calls=200",
        "--rounds=2",
        "--warmup=50",
        "--port=15300",
      ])
      expect(r.status, r.all).toBe(0)
      for (const round of [1, 2])
        expect(r.out).toMatch(
          new RegExp(
            `^round ${round}: 100 calls/s × 200 calls: main thread \\d+ µs/call, process \\d+ µs/call; ` +
              "dropped 0 at the UAS, backlog up to \\d+ KiB; SIPp: 200 ok, 0 failed, 0 retransmissions, \\d+ µs CPU per call; " +
              "vCPUs ((×[\\d.]+|\\?)(/(×[\\d.]+|\\?))*)?; main thread preempted \\d+ times, on SIPp's CPU in \\d+/\\d+ samples$",
            "m",
          ),
        )
      const bad = run("sipp/fixed-rate.ts", ["--rounds=0"])
      expect(bad.status).toBe(64)
      expect(bad.err.trim()).toBe("fixed-rate: --rounds is a whole number in 1–100")
      const missing = run("sipp/fixed-rate.ts", ["--port=15310", "--sipkit-cmd=./no-such-uas"])
      expect(missing.status).toBe(1)
      expect(missing.err).toMatch(/^fixed-rate: the UAS could not start .*no-such-uas.*ENOENT/m)
    },
  )

  it.runIf(hasSipp && existsSync(join(bench, "../packages/cli/dist/bin.js")))(
    "sipp/load: one low rate for every target, the summary table and CPU per call",
    () => {
      const r = run(
        "sipp/load.ts",
        ["--targets=sipp,sip-npm,sipkit,node-floor", "--rates=20", "--duration=1", "--port=15260"],
        180_000,
      )
      expect(r.status, r.all).toBe(0)
      expect(r.out).toMatch(/^\| UAS \| highest rate with zero failed calls \(calls\/s\) \|/m)
      for (const target of ["sipp", "sip-npm", "sipkit", "node-floor"]) {
        expect(r.out).toMatch(new RegExp(`^\\| ${target} \\| 20 \\| none in ladder \\| none \\|`, "m"))
        // each step's row ends with the kernel's drops (UAS / SIPp), the UAS's peak backlog (none at 20 calls/s) and
        // each vCPU's slowdown (a 1 s step has too few probe samples: "?"; nothing without taskset)
        expect(r.out).toMatch(
          new RegExp(
            `^\\| ${target} \\| 20 \\| 20/20 \\| 0 \\| .* \\| 0 / 0 \\| \\d+ KiB \\| (\\?(/\\?)*)? \\| pass \\|$`,
            "m",
          ),
        )
      }
      // a UAS command that cannot be run: its row says why, and the run exits 1; a bad flag: one line, exit 64
      const missing = run(
        "sipp/load.ts",
        [
          "--targets=sipkit",
          "--rates=20",
          "--duration=1",
          "--port=15280",
          "--sipkit-cmd=./no-such-uas {host} {port}",
        ],
        60_000,
      )
      expect(missing.status, missing.all).toBe(1)
      expect(missing.out).toMatch(/^\| sipkit \| not measured: .*could not start .*no-such-uas.*ENOENT/m)
      const badRetries = run("sipp/load.ts", ["--retries=9"])
      expect(badRetries.status).toBe(64)
      expect(badRetries.err.trim()).toBe("load: --retries is a whole number in 0–5")
      const badFlag = run("sipp/load.ts", ["--targets=sipkit,asterisk"])
      expect(badFlag.status).toBe(64)
      expect(badFlag.err.trim()).toBe("load: unknown target asterisk (sipp, sip-npm, sipkit, node-floor)")
    },
  )

  it("vcpuProbe: a vCPU's slowdown is its median since then over its best median of 5 in a row", () => {
    const at = (ms: ReadonlyArray<number>) => ms.map((m, i) => ({ at: i * 1000, ms: m }))
    // full speed (3 ms) for 6 s, then 5 s at 5 ms: ×1.67 over the last 5 s, ×1.00 over the first 6
    const samples = at([3.1, 3, 2.9, 3, 3.2, 3, 5, 5.1, 4.9, 5, 5.2])
    expect(slowdownOf(samples, 6000)).toBeCloseTo(5 / 3, 5)
    expect(slowdownOf(samples.slice(0, 6), 0)).toBeCloseTo(1, 5)
    // one spike is not a slow stretch: the median leaves it out
    expect(slowdownOf(at([3, 3, 3, 3, 3, 3, 9, 3, 3]), 5000)).toBeCloseTo(1, 5)
    // too few samples since then, or none yet to be a reference: unknown
    expect(slowdownOf(samples, 9000)).toBeUndefined()
    expect(slowdownOf(at([3, 3, 3]), 0)).toBeUndefined()
  })

  it("vcpuProbe: a failed step runs again only while a vCPU was ≥ 1.25× slower, and at most --retries times", () => {
    expect(runAgain(false, [1.0, 1.3], 0, 2)).toBe(true)
    expect(runAgain(false, [1.3, undefined], 1, 2)).toBe(true)
    expect(runAgain(false, [1.3, 1.0], 2, 2)).toBe(false) // retries used up
    expect(runAgain(false, [1.3, 1.0], 0, 0)).toBe(false) // --retries=0
    expect(runAgain(true, [2.0, 2.0], 0, 2)).toBe(false) // a pass is never run again
    expect(runAgain(false, [1.24, 1.0], 0, 2)).toBe(false) // the machine at speed: the UAS failed
    expect(runAgain(false, [undefined, undefined], 0, 2)).toBe(false) // unknown is not slow
    expect(runAgain(false, [], 0, 2)).toBe(false) // no probe
  })

  it.runIf(spawnSync("taskset", ["-V"]).status === 0)(
    "vcpuProbe: one pinned probe per CPU reports a slowdown within seconds and stops",
    async () => {
      const probes = startProbes()!
      try {
        const since = Date.now()
        await new Promise((resolve) => setTimeout(resolve, 7500))
        const slowdown = probes.slowdown(since)
        expect(slowdown.length).toBe(probes.cpus)
        for (const s of slowdown) expect(s).toBeGreaterThanOrEqual(1)
      } finally {
        await probes.stop()
      }
    },
  )
})
