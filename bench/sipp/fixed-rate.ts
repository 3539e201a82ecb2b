/**
 * fixed-rate — `sip listen`'s CPU per call at one steady SIPp rate, once warm: the figure to compare two builds by
 * (issue 8). A ladder's verdict moves by whole steps between runs of one build; this moves less, but not little.
 *
 * Starts the UAS (`sip listen` from packages/cli/dist, or `--sipkit-cmd`) and waits until its UDP port is bound, warms
 * it at the `--warmup` rates (4 s each: the JIT and the heap settle, as a ladder's low steps do), then runs SIPp's
 * built-in `uac` at `--rate` for `--calls` calls, `--rounds` times. Each round prints the CPU time per call of the UAS's
 * main thread (what saturates first) and of its whole process (with the GC's and libuv's threads), the datagrams the
 * kernel dropped at the UAS and its peak receive backlog, SIPp's successful, failed and retransmitted counts, and
 * three controls for the machine, since on this VM one build's rounds range from ~100 to over 200 µs per call:
 *   - SIPp's own CPU per call: SIPp does the same work every round, so when it costs more too the machine was slower
 *     for memory-heavy work (it moved 50 → 127 µs in rounds where the UAS moved 105 → 218);
 *   - each vCPU's slowdown (`src/vcpuProbe.ts`, register-only work; ×1.00 = full speed): a vCPU the host slows;
 *   - how often the UAS's main thread was preempted, and in how many 100 ms samples it and SIPp had last run on the
 *     same CPU (two busy processes stacked on one vCPU share its caches and time).
 * To compare builds, alternate them (swap a package's dist/ between runs) on an idle machine, and compare rounds whose
 * controls agree.
 *
 * Usage: node sipp/fixed-rate.ts [--rate=5000] [--calls=100000] [--rounds=1] [--warmup=1000,3000] [--port=15090]
 *        [--sipkit-cmd="node ../packages/cli/dist/bin.js listen --host {host} --port {port} --quiet"]
 * Exit 0 when every round ran (failed calls are reported, not an error); 1 when the UAS or SIPp could not run; 64 on
 * bad flags. Linux only (/proc).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import {
  commandLine,
  cpuSeconds,
  exited,
  lastCpu,
  preemptions,
  readStats,
  startUas,
  stop,
  uacArgs,
} from "../src/proc.ts"
import { udpBound, udpQueue } from "../src/udpBound.ts"
import { slowdownText, startProbes } from "../src/vcpuProbe.ts"

const host = "127.0.0.1"
const cliBin = join(import.meta.dirname, "../../packages/cli/dist/bin.js")

const flag = (name: string): string | undefined =>
  process.argv
    .slice(2)
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
const bad = (what: string): never => {
  process.stderr.write(`fixed-rate: ${what}\n`)
  process.exit(64)
}
const whole = (name: string, fallback: number, min: number, max: number): number => {
  const n = Number(flag(name) ?? fallback)
  return Number.isInteger(n) && n >= min && n <= max ? n : bad(`--${name} is a whole number in ${min}–${max}`)
}
const rate = whole("rate", 5000, 1, 100_000)
const calls = whole("calls", 100_000, 1, 10_000_000)
const rounds = whole("rounds", 1, 1, 100)
const port = whole("port", 15090, 1024, 65000)
const warmup = (flag("warmup") ?? "1000,3000")
  .split(",")
  .filter((w) => w !== "")
  .map((w) => (/^\d+$/.test(w) && Number(w) >= 1 ? Number(w) : bad("--warmup is a list of whole calls/s")))
const command =
  commandLine(
    flag("sipkit-cmd") ?? `${process.execPath} ${cliBin} listen --host {host} --port {port} --quiet`,
    host,
    port,
  ) ?? bad("--sipkit-cmd is empty")
if (flag("sipkit-cmd") === undefined && !existsSync(cliBin)) bad("packages/cli is not built (npm run build)")
if (udpBound(port)) bad(`udp port ${port} is already in use`)

const dir = mkdtempSync(join(tmpdir(), "sipkit-fixed-"))

/**
 * SIPp `uac` at `r` calls/s for `n` calls (bounded to n/r + 30 s): its last statistics line by column, and what one
 * 100 ms sampling loop read while it ran — the CPU seconds SIPp used (up to 100 ms short; the control: SIPp does the
 * same work per call in every round, so a round where SIPp too costs more was a slower machine, not a slower UAS),
 * the UAS's peak receive backlog, and how often the UAS's main thread and SIPp had last run on the same CPU.
 */
const runUac = async (
  r: number,
  n: number,
  uasPid?: number,
): Promise<{
  readonly stats: Readonly<Record<string, string>>
  readonly cpu: number
  /** The most bytes seen waiting in the UAS's receive buffer. */
  readonly peak: number
  /** Of the 100 ms samples, how many found the UAS's main thread and SIPp last on the same CPU. */
  readonly together: { readonly same: number; readonly of: number }
}> => {
  const stf = join(dir, `uac-${r}.csv`)
  rmSync(stf, { force: true })
  const child = spawn("sipp", uacArgs(host, port, r, n, stf), { stdio: "ignore", cwd: dir })
  let failed: Error | undefined
  child.on("error", (e) => {
    failed = e
  })
  const limit = (Math.ceil(n / r) + 30) * 10
  let cpu = 0
  let peak = 0
  const together = { same: 0, of: 0 }
  for (let i = 0; i < limit && !exited(child) && failed === undefined; i++) {
    await sleep(100)
    peak = Math.max(peak, udpQueue(port)?.queued ?? 0)
    try {
      cpu = cpuSeconds(child.pid!)
      if (uasPid !== undefined) {
        together.same += lastCpu(uasPid, uasPid) === lastCpu(child.pid!) ? 1 : 0
        together.of++
      }
    } catch {
      // exited between the check and the read: the last reading stands
    }
  }
  await stop(child)
  if (failed !== undefined) throw new Error(`sipp could not run: ${failed.message}`)
  const stats = readStats(stf)
  if (stats["SuccessfulCall(C)"] === undefined)
    throw new Error(`sipp wrote no statistics (exit ${child.exitCode})`)
  return { stats, cpu, peak, together }
}

let uas: ChildProcess | undefined
let status = 0
const probes = startProbes()
try {
  uas = await startUas("the UAS", command, port)
  const pid = uas.pid!
  for (const w of warmup) await runUac(w, w * 4)
  for (let round = 1; round <= rounds; round++) {
    const since = Date.now()
    const [process0, main0, drops0] = [cpuSeconds(pid), cpuSeconds(pid, pid), udpQueue(port)?.drops ?? 0]
    const preempted0 = preemptions(pid, pid)
    const { stats, cpu, peak, together } = await runUac(rate, calls, pid)
    if (exited(uas)) throw new Error(`the UAS died in round ${round}`)
    const perCall = (seconds: number): string => `${((seconds / calls) * 1e6).toFixed(0)} µs/call`
    console.log(
      `round ${round}: ${rate} calls/s × ${calls} calls: main thread ${perCall(cpuSeconds(pid, pid) - main0)}, ` +
        `process ${perCall(cpuSeconds(pid) - process0)}; dropped ${(udpQueue(port)?.drops ?? drops0) - drops0} ` +
        `at the UAS, backlog up to ${(peak / 1024).toFixed(0)} KiB; SIPp: ${stats["SuccessfulCall(C)"]} ok, ` +
        `${stats["FailedCall(C)"]} failed, ${stats["Retransmissions(C)"]} retransmissions, ` +
        `${((cpu / calls) * 1e6).toFixed(0)} µs CPU per call; vCPUs ${slowdownText(probes?.slowdown(since) ?? [])}; ` +
        `main thread preempted ${preemptions(pid, pid) - preempted0} times, on SIPp's CPU in ` +
        `${together.same}/${together.of} samples`,
    )
  }
} catch (e) {
  process.stderr.write(`fixed-rate: ${e instanceof Error ? e.message : String(e)}\n`)
  status = 1
} finally {
  if (uas !== undefined) await stop(uas)
  await probes?.stop()
  rmSync(dir, { recursive: true, force: true })
}
process.exitCode = status
