/**
 * load — issue 8's load benchmark: SIPp's built-in `uac` scenario (INVITE, 100/180, 200, ACK, BYE, 200) against a
 * UAS at rising call rates, `--duration` seconds each; a rate passes when every call succeeded (SIPp exit 0, no
 * failed call, all `rate × duration` calls completed). The ladder stops at the first failing rate. Targets, one
 * after the other in one run:
 *   - `sipp`    SIPp's own built-in `uas` (the C++ reference);
 *   - `sip-npm` the minimal UAS on the npm package `sip` in `sip-uas.ts`;
 *   - `sipkit`  `sip listen` from packages/cli (skipped when packages/cli/dist/bin.js is not built);
 *   - `node-floor` (only when named) `floor-uas.ts`: no parser, no transaction, replies cut from the request's
 *               lines — what Node itself costs per call, the floor under any UAS on this runtime.
 * After each step the UAS's resident memory is read from /proc (VmRSS now, VmHWM = peak so far), and the CPU time
 * it spent in the step (utime + stime from /proc/PID/stat) divided by the step's calls: CPU per call, a figure that
 * holds even when the machine is shared (a max-rate ladder does not).
 *
 * Fair to every target: SIPp's UAC and UAS run with `-buff_size 4194304` (socket buffers of 4 MiB; SIPp's default
 * is 64 KiB), `sip listen` asks the same of the kernel, and the npm `sip` UAS is given the same (sip-uas.ts). With
 * the defaults a burst of datagrams overflows the receive buffer (UDP RcvbufErrors in /proc/net/snmp), a lost INVITE
 * or BYE is retransmitted 0.5 s later, and at a few thousand calls/s some calls then miss the 5 s receive timeout:
 * SIPp against its own UAS failed at 1,500 calls/s that way, and holds 6,000 with the buffers (see README.md).
 *
 * Each vCPU's speed is read beside every step (`src/vcpuProbe.ts`: a probe pinned to each vCPU times fixed
 * register-only work once a second). The host at times slows a vCPU (both ×2 for ~6 s, idle); a step that fails
 * while a vCPU ran ≥ 1.25× slower than its best is run again, up to `--retries` times (every target alike; every
 * attempt is in the step table), since what failed then was the machine's speed, not the UAS's.
 *
 * Loopback only (127.0.0.1); every wait is bounded; each child is killed by its own pid at the end.
 * Usage: node sipp/load.ts [--targets=sipp,sip-npm,sipkit[,node-floor]] [--rates=250,500,…] [--duration=10] [--port=15060]
 *        [--retries=2] [--sipkit-cmd="node ../packages/cli/dist/bin.js listen --host {host} --port {port} --quiet"]
 * Progress goes to stderr; the Markdown summary for docs/benchmarks.md to stdout.
 */
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import {
  commandLine,
  cpuSeconds,
  exited,
  memory,
  readStats,
  sippBuffers,
  spawnText,
  startUas,
  stop,
  uacArgs,
} from "../src/proc.ts"
import { loadAtStart, machine } from "../src/report.ts"
import { udpQueue } from "../src/udpBound.ts"
import { runAgain, slowdownText, slowed, startProbes } from "../src/vcpuProbe.ts"

const host = "127.0.0.1"
const here = new URL(".", import.meta.url).pathname
const cliBin = join(here, "../../packages/cli/dist/bin.js")

const arg = (name: string): string | undefined => {
  const hit = process.argv.slice(2).find((a) => a === `--${name}` || a.startsWith(`--${name}=`))
  if (hit !== undefined) return hit.includes("=") ? hit.slice(hit.indexOf("=") + 1) : "true"
  return process.env[`npm_config_${name.replaceAll("-", "_")}`]
}

const options = {
  targets: (arg("targets") ?? "sipp,sip-npm,sipkit").split(","),
  rates: (arg("rates") ?? "250,500,1000,1500,2000,2500,3000,3500,4000,5000,6000").split(",").map(Number),
  duration: Number(arg("duration") ?? 10),
  port: Number(arg("port") ?? 15060),
  retries: Number(arg("retries") ?? 2),
  sipkitCmd: arg("sipkit-cmd") ?? `${process.execPath} ${cliBin} listen --host {host} --port {port} --quiet`,
}
/** A usage error: one line and exit 64, as the other bench programs. */
const bad = (what: string): never => {
  process.stderr.write(`load: ${what}\n`)
  process.exit(64)
}
if (options.rates.some((r) => !Number.isInteger(r) || r < 1 || r > 100_000))
  bad("--rates is a comma-separated list of whole calls/s in 1–100000")
if (!Number.isInteger(options.duration) || options.duration < 1 || options.duration > 120)
  bad("--duration is whole seconds in 1–120")
if (!Number.isInteger(options.port) || options.port < 1024 || options.port > 65000)
  bad("--port is in 1024–65000")
if (!Number.isInteger(options.retries) || options.retries < 0 || options.retries > 5)
  bad("--retries is a whole number in 0–5")
const known = ["sipp", "sip-npm", "sipkit", "node-floor"]
for (const t of options.targets) if (!known.includes(t)) bad(`unknown target ${t} (${known.join(", ")})`)

interface Target {
  readonly name: string
  readonly command: ReadonlyArray<string>
  readonly skip?: string
}

/** `--sipkit-cmd` made a command line (`commandLine`); empty: a usage error. */
const fill = (cmd: string, port: number): ReadonlyArray<string> =>
  commandLine(cmd, host, port) ?? bad("--sipkit-cmd is empty")

const targetOf = (name: string, port: number): Target => {
  switch (name) {
    case "sipp":
      return {
        name,
        command: ["sipp", "-sn", "uas", "-i", host, "-p", String(port), "-nostdin", ...sippBuffers],
      }
    case "sip-npm":
      return { name, command: [process.execPath, join(here, "sip-uas.ts"), String(port), host] }
    case "node-floor":
      return { name, command: [process.execPath, join(here, "floor-uas.ts"), String(port), host] }
    case "sipkit":
      return existsSync(cliBin) || arg("sipkit-cmd") !== undefined
        ? { name, command: fill(options.sipkitCmd, port) }
        : { name, command: [], skip: `${cliBin} is not built` }
    default:
      throw new Error(`unknown target ${name} (sipp, sip-npm, sipkit, node-floor)`)
  }
}

const log = (text: string): void => {
  process.stderr.write(`${text}\n`)
}

interface Step {
  readonly rate: number
  readonly calls: number
  readonly successful: number
  readonly failed: number
  readonly retransmissions: number
  /** SIPp's first error lines when the step failed (its `-trace_err` log). */
  readonly errors: ReadonlyArray<string>
  readonly exitCode: number | null
  readonly seconds: number
  readonly rss: number
  readonly peak: number
  /** CPU time of the UAS during the step, per call started (µs). */
  readonly cpuPerCall: number
  /** Datagrams the kernel dropped in the step, the receiver's buffer full: at the UAS, at SIPp's `uac`. */
  readonly drops: { readonly uas: number; readonly uac: number }
  /** The most bytes seen waiting in the UAS's receive buffer (sampled every 100 ms), and when in the step (s) the
   * UAS first dropped a datagram: a UAS that falls behind shows here before any call fails. */
  readonly backlog: { readonly peak: number; readonly firstDropAt: number | undefined }
  /** Each vCPU's slowdown during the step (`src/vcpuProbe.ts`); empty without the probe. */
  readonly slowdown: ReadonlyArray<number | undefined>
  /** A failed step run again, the machine slow during it: the next step in the list is its next attempt. */
  readonly repeated: boolean
  readonly pass: boolean
}

/** SIPp's error-log events that name no call's fault (`firstErrors` leaves them out). */
const noise = [
  "Maximum number of open sockets",
  // a response resent for a call SIPp has already ended or aborted: an effect of the failure, not its cause
  "Discarding message which can't be mapped to a known SIPp call",
  "Dead call",
]

/**
 * The first events of SIPp's error log (`DATE\tTIME\tEPOCH: what happened`, its first line) that name a call's fault,
 * without its start-up warning about open files (printed whenever `-l` exceeds `ulimit -n`, harmless here: no media)
 * nor the responses it discarded or met for calls already gone ("Dead call … received").
 */
const firstErrors = (file: string, count = 3): ReadonlyArray<string> => {
  if (!existsSync(file)) return []
  const events = readFileSync(file, "utf8").matchAll(
    /\d{4}-\d\d-\d\d\t[\d:.]+\t[\d.]+: ([^\n]*?)(?=\d{4}-\d\d-\d\d\t|\n|$)/g,
  )
  const faults: Array<string> = []
  for (const [, what] of events) {
    if (what === undefined || noise.some((prefix) => what.startsWith(prefix))) continue
    faults.push(what.trim())
    if (faults.length === count) break
  }
  return faults
}

const runUac = async (
  port: number,
  rate: number,
  dir: string,
): Promise<
  Omit<Step, "rss" | "peak" | "cpuPerCall" | "drops" | "slowdown" | "repeated"> & {
    readonly uacDrops: number
  }
> => {
  const uas0 = udpQueue(port)
  const calls = rate * options.duration
  const stf = join(dir, `uac-${rate}.csv`)
  const errors = join(dir, `uac-${rate}-errors.log`)
  const args = [...uacArgs(host, port, rate, calls, stf), "-timeout", `${options.duration + 20}s`]
  // SIPp's own account of each failed call (an unexpected message, a timeout …), shown when the step fails
  args.push("-trace_err", "-error_file", errors)
  const t0 = process.hrtime.bigint()
  const child = spawn("sipp", args, { stdio: "ignore", cwd: dir })
  const limit = (options.duration + 30) * 10
  // SIPp's socket goes with it: its drops are read while it runs (the kernel's count only grows)
  let uacDrops = 0
  let peak = 0
  let firstDropAt: number | undefined
  for (let i = 0; i < limit && !exited(child); i++) {
    await sleep(100)
    uacDrops = Math.max(uacDrops, udpQueue(port + 1)?.drops ?? 0)
    const uas = udpQueue(port)
    if (uas === undefined) continue
    peak = Math.max(peak, uas.queued)
    if (firstDropAt === undefined && uas.drops > (uas0?.drops ?? 0))
      firstDropAt = Number(process.hrtime.bigint() - t0) / 1e9
  }
  await stop(child)
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  const stats = readStats(stf)
  const n = (name: string): number => Number(stats[name] ?? Number.NaN)
  const successful = n("SuccessfulCall(C)")
  const failed = n("FailedCall(C)")
  const exitCode = child.exitCode
  const pass = exitCode === 0 && failed === 0 && successful === calls
  return {
    rate,
    calls,
    successful,
    failed,
    retransmissions: n("Retransmissions(C)"),
    errors: pass ? [] : firstErrors(errors),
    exitCode,
    seconds,
    pass,
    uacDrops,
    backlog: { peak, firstDropAt },
  }
}

interface Outcome {
  readonly target: Target
  readonly idleRss: number
  readonly steps: ReadonlyArray<Step>
  /** Why the target could not be measured (did not start, died); its row says so instead of a rate. */
  readonly error?: string
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`
const kib = (bytes: number): string => `${(bytes / 2 ** 10).toFixed(0)} KiB`
const dropTime = (step: Step): string =>
  step.backlog.firstDropAt === undefined
    ? ""
    : ` (the first ${step.backlog.firstDropAt.toFixed(1)} s into the step)`

const ladder = async (target: Target, port: number, dir: string): Promise<Outcome> => {
  const uas = await startUas(target.name, target.command, port)
  const steps: Array<Step> = []
  try {
    const idleRss = memory(uas.pid!).rss
    for (const rate of options.rates) {
      let passed = false
      for (let attempt = 0; ; attempt++) {
        const since = Date.now()
        const cpu0 = cpuSeconds(uas.pid!)
        const drops0 = udpQueue(port)?.drops ?? 0
        const { uacDrops, ...r } = await runUac(port, rate, dir)
        const drops = { uas: (udpQueue(port)?.drops ?? drops0) - drops0, uac: uacDrops }
        const slowdown = probes?.slowdown(since) ?? []
        if (exited(uas)) {
          log(`${target.name} died at ${rate} calls/s`)
          steps.push({ ...r, rss: 0, peak: 0, cpuPerCall: 0, drops, slowdown, repeated: false, pass: false })
          return { target, idleRss, steps }
        }
        const repeated = runAgain(r.pass, slowdown, attempt, options.retries)
        const cpuPerCall = ((cpuSeconds(uas.pid!) - cpu0) / r.calls) * 1e6
        const step = { ...r, ...memory(uas.pid!), cpuPerCall, drops, slowdown, repeated }
        steps.push(step)
        log(
          `${target.name} ${rate}/s: ${step.successful}/${step.calls} ok, ${step.failed} failed, ` +
            `${step.retransmissions} retransmissions, ${step.seconds.toFixed(1)} s, RSS ${mib(step.rss)} ` +
            `(peak ${mib(step.peak)}), CPU ${step.cpuPerCall.toFixed(0)} µs/call, ` +
            `datagrams dropped ${step.drops.uas} at the UAS${dropTime(step)}, ${step.drops.uac} at SIPp, ` +
            `UAS backlog up to ${kib(step.backlog.peak)}, vCPUs ${slowdownText(slowdown)} → ` +
            `${step.pass ? "pass" : repeated ? "FAIL, the machine slow: run again" : "FAIL"}`,
        )
        for (const line of step.errors) log(`  sipp: ${line.slice(0, 300)}`)
        passed = step.pass
        if (!repeated) break
        // the failed attempt's calls and retransmissions drain first (SIPp gives up on a call within its 5 s timeout)
        await sleep(8000)
      }
      if (!passed) break
      await sleep(2000)
    }
    return { target, idleRss, steps }
  } finally {
    await stop(uas)
  }
}

const best = (o: Outcome): Step | undefined => o.steps.filter((s) => s.pass).at(-1)
/** The step that ended the ladder: its last, when it failed for good. */
const failed = (o: Outcome): Step | undefined => {
  const last = o.steps.at(-1)
  return last === undefined || last.pass ? undefined : last
}

const summary = (outcomes: ReadonlyArray<Outcome>): string => {
  const rows = outcomes.map((o) => {
    if (o.error !== undefined) return `| ${o.target.name} | not measured: ${o.error} | | | | | | |`
    const b = best(o)
    const failAt = failed(o)
    const failText =
      failAt === undefined
        ? "none in ladder"
        : `${failAt.rate}/s (${failAt.failed} failed, ${failAt.calls - failAt.successful} not completed)`
    const atBest =
      b === undefined
        ? "— | — | —"
        : `${b.retransmissions} in ${b.seconds.toFixed(1)} s | ${b.cpuPerCall.toFixed(0)} µs | ${mib(b.peak)}`
    const again = o.steps.filter((s) => s.repeated).map((s) => s.rate)
    return `| ${o.target.name} | ${b?.rate ?? 0} | ${failText} | ${again.length === 0 ? "none" : again.join(", ")} | ${mib(o.idleRss)} | ${atBest} |`
  })
  const stepRows = outcomes.flatMap((o) =>
    o.steps.map(
      (s) =>
        `| ${o.target.name} | ${s.rate} | ${s.successful}/${s.calls} | ${s.failed} | ${s.retransmissions} | ` +
        `${s.seconds.toFixed(1)} s | ${s.cpuPerCall.toFixed(0)} µs | ${mib(s.rss)} | ${mib(s.peak)} | ` +
        `${s.drops.uas} / ${s.drops.uac} | ${kib(s.backlog.peak)} | ${slowdownText(s.slowdown)} | ` +
        `${s.pass ? "pass" : s.repeated ? "FAIL, run again" : "FAIL"} |`,
    ),
  )
  return [
    `Machine: ${machine()}.`,
    "",
    `SIPp ${sippVersion()} built-in \`uac\` on ${host}, ${options.duration} s per rate, rates ${options.rates.join(", ")} calls/s; ${loadAtStart}.`,
    "",
    "| UAS | highest rate with zero failed calls (calls/s) | first failing rate | rates run again (the machine slow) | idle RSS | retransmissions and wall time at best rate | UAS CPU per call at best rate | peak RSS up to best rate |",
    "|---|---:|---|---|---:|---:|---:|---:|",
    ...rows,
    "",
    "Every step (RSS after the step; peak = VmHWM so far; CPU = the UAS's user + system time in the step / calls; " +
      "dropped = datagrams the kernel dropped, the receiving socket's buffer full, at the UAS / at SIPp's `uac`; " +
      "backlog = the most bytes seen waiting in the UAS's receive buffer, sampled every 100 ms; " +
      `vCPUs = each vCPU's time for the probe's fixed work during the step over its best (×1.00 = full speed), a failed step with one ≥ ×${slowed} run again):`,
    "",
    "| UAS | calls/s | completed | failed | retransmissions | wall time | CPU per call | RSS | peak RSS | dropped | backlog | vCPUs | |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ...stepRows,
  ].join("\n")
}

const sippVersion = (): string => {
  const out = spawnText("sipp", ["-v"])
  return /SIPp (v[\w.-]*\w)/.exec(out)?.[1] ?? "unknown"
}

const dir = mkdtempSync(join(tmpdir(), "sipkit-load-"))
const outcomes: Array<Outcome> = []
const probes = startProbes()
if (probes === undefined)
  log("taskset is not installed: the vCPUs' speed is not measured, no step is run again")
try {
  for (const [i, name] of options.targets.entries()) {
    const target = targetOf(name, options.port + 10 * i)
    if (target.skip !== undefined) {
      log(`${name}: skipped (${target.skip})`)
      continue
    }
    log(`${name}: ${target.command.join(" ")}`)
    try {
      outcomes.push(await ladder(target, options.port + 10 * i, dir))
    } catch (e) {
      log(`${name}: ${String(e)}`)
      outcomes.push({ target, idleRss: 0, steps: [], error: String(e).split("\n")[0]! })
    }
  }
} finally {
  await probes?.stop()
  rmSync(dir, { recursive: true, force: true })
}
process.stdout.write(`${summary(outcomes)}\n`)
// a target that could not be measured (did not start, died) makes the run a failure
if (outcomes.some((o) => o.error !== undefined)) process.exitCode = 1
