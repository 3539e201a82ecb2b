/**
 * proc — what the load harnesses read of a process from Linux's `/proc`, and how they stop one: its memory (RSS and
 * peak), its CPU time (the whole process, or one thread: the main thread is what saturates first in `sip listen`),
 * and a bounded stop (SIGTERM, then SIGKILL); how they start a UAS (bound, or one clear error), and read SIPp's
 * statistics file.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { resolve } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import { udpBound } from "./udpBound.ts"

/** A command's standard output and error, together (bounded to 5 s). */
export const spawnText = (cmd: string, args: ReadonlyArray<string>): string => {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 5000 })
  return `${r.stdout ?? ""}${r.stderr ?? ""}`
}

/** The process's resident memory now and at its peak (`VmRSS`, `VmHWM` of /proc/PID/status), in bytes. */
export const memory = (pid: number): { rss: number; peak: number } => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8")
  const kb = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0)
  return { rss: kb("VmRSS") * 1024, peak: kb("VmHWM") * 1024 }
}

let ticksPerSecond: number | undefined
const clockTicks = (): number => {
  ticksPerSecond ??= Number(spawnText("getconf", ["CLK_TCK"]).trim()) || 100
  return ticksPerSecond
}

/** Field `n` (1-based, as proc(5) numbers them) of /proc/PID/stat, or of /proc/PID/task/TID/stat for thread `tid`:
 * counted after the command name, which may hold spaces. */
const statField = (n: number, pid: number, tid?: number): number => {
  const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, "utf8")
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[n - 3])
}

/**
 * CPU seconds (user + system) used so far by the process, or by its thread `tid` (the main thread's tid is the
 * pid): fields 14 and 15 of its stat, in clock ticks.
 */
export const cpuSeconds = (pid: number, tid?: number): number =>
  (statField(14, pid, tid) + statField(15, pid, tid)) / clockTicks()

/** The CPU the process (or its thread `tid`) last ran on: field 39 of its stat. */
export const lastCpu = (pid: number, tid?: number): number => statField(39, pid, tid)

/** How often the thread was switched out while it could still run (`nonvoluntary_ctxt_switches`): preempted by
 * another task on its CPU. */
export const preemptions = (pid: number, tid: number): number =>
  Number(
    /^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(
      readFileSync(`/proc/${pid}/task/${tid}/status`, "utf8"),
    )?.[1] ?? 0,
  )

export const exited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null

/** SIGTERM, then SIGKILL after 3 s; waits at most 6 s. */
export const stop = async (child: ChildProcess): Promise<void> => {
  if (exited(child)) return
  child.kill("SIGTERM")
  for (let i = 0; i < 30 && !exited(child); i++) await sleep(100)
  if (!exited(child)) child.kill("SIGKILL")
  for (let i = 0; i < 30 && !exited(child); i++) await sleep(100)
}

/**
 * Starts UAS `name` (`command`, run in the temp dir) and waits until its UDP `port` is bound (at most 10 s), then
 * 300 ms more. A program that cannot be run, a UAS that exits or never binds: an Error saying which.
 */
export const startUas = async (
  name: string,
  command: ReadonlyArray<string>,
  port: number,
): Promise<ChildProcess> => {
  if (udpBound(port)) throw new Error(`udp port ${port} is already in use`)
  const [cmd, ...args] = command
  if (cmd === undefined) throw new Error(`${name} has no command`)
  const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"], cwd: tmpdir() })
  // a program that cannot be run (ENOENT, EACCES) is reported by an event, not a throw
  let failed: Error | undefined
  child.on("error", (e) => {
    failed = e
  })
  let stderr = ""
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000)
  })
  for (let i = 0; i < 100 && !udpBound(port); i++) {
    if (failed !== undefined) throw new Error(`${name} could not start ${cmd}: ${failed.message}`)
    if (exited(child)) throw new Error(`${name} exited at start: ${stderr}`)
    await sleep(100)
  }
  if (!udpBound(port)) {
    await stop(child)
    throw new Error(`${name} did not bind udp port ${port} within 10 s: ${stderr}`)
  }
  await sleep(300)
  return child
}

/**
 * A `--sipkit-cmd` template (`{host}` and `{port}` filled in) as a command line; a program named by a relative path
 * is resolved from where the harness was started, since the UAS itself runs in the temp dir. Undefined when empty.
 */
export const commandLine = (
  template: string,
  host: string,
  port: number,
): ReadonlyArray<string> | undefined => {
  const [program, ...args] = template
    .replaceAll("{host}", host)
    .replaceAll("{port}", String(port))
    .split(" ")
    .filter((s) => s !== "")
  return program === undefined ? undefined : [program.includes("/") ? resolve(program) : program, ...args]
}

/** 4 MiB socket buffers for SIPp (its default is 64 KiB); the kernel caps them at net.core.rmem_max/wmem_max. */
export const sippBuffers = ["-buff_size", String(4 * 1024 * 1024)]

/** SIPp's built-in `uac` against `host:port` (its own socket on port + 1) at `rate` calls/s for `calls` calls, at
 * most `calls` at once, a 5 s receive timeout, its statistics to `statsFile`: what both load harnesses run. */
export const uacArgs = (
  host: string,
  port: number,
  rate: number,
  calls: number,
  statsFile: string,
): string[] => [
  ...["-sn", "uac", `${host}:${port}`, "-i", host, "-p", String(port + 1), "-r", String(rate)],
  ...["-m", String(calls), "-l", String(calls), "-nostdin", "-recv_timeout", "5000"],
  ...["-trace_stat", "-stf", statsFile, "-fd", "1", ...sippBuffers],
]

/** SIPp's final statistics line (`-trace_stat -stf FILE`) by column name; empty when SIPp wrote none. */
export const readStats = (file: string): Readonly<Record<string, string>> => {
  if (!existsSync(file)) return {}
  const lines = readFileSync(file, "utf8").trim().split("\n")
  const names = lines[0]?.split(";") ?? []
  const values = lines.at(-1)?.split(";") ?? []
  return Object.fromEntries(names.map((n, i) => [n, values[i] ?? ""]))
}
