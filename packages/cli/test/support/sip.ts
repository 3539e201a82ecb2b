/**
 * Test support: run the BUILT `sip` binary (dist/bin.js) and SIPp as child processes on loopback, every run
 * bounded by a timeout that kills the child.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import * as dgram from "node:dgram"
import { writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
// the one temp-dir helper of the workspace's tests (removes its dirs when the test file is done), for cli's too
import { tempDir } from "../../../transport-node/test/support/tempDir.js"

export { tempDir }

const here = dirname(fileURLToPath(import.meta.url))
export const bin = join(here, "../../dist/bin.js")
export const fixtures = join(here, "../fixtures")
export const interop = join(here, "../../../../interop")

export interface Ran {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

const collect = (child: ChildProcess, timeoutMs: number): Promise<Ran> =>
  new Promise((resolve) => {
    let stdout = ""
    let stderr = ""
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs)
    child.once("close", (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })

/** Runs `sip ARGS…` to completion (killed after `timeoutMs`). */
export const runSip = (
  args: ReadonlyArray<string>,
  options: { readonly input?: string | Uint8Array; readonly timeoutMs?: number } = {},
): Promise<Ran> => {
  const child = spawn(process.execPath, [bin, ...args], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  })
  if (options.input !== undefined) child.stdin?.end(options.input)
  else child.stdin?.end()
  return collect(child, options.timeoutMs ?? 45_000)
}

/** `sip send REGISTER` of `sip:bob@127.0.0.1` at the registrar on `registrarPort`, bound to the UAS on `contactPort`. */
export const registerBob = (
  registrarPort: number,
  contactPort: number,
  extra: ReadonlyArray<string> = [],
): Promise<Ran> =>
  runSip([
    "send",
    "REGISTER",
    `sip:127.0.0.1:${registrarPort}`,
    "--from",
    "sip:bob@127.0.0.1",
    "--header",
    `Contact: <sip:bob@127.0.0.1:${contactPort}>`,
    ...extra,
  ])

export interface Listening {
  readonly port: number
  /** The `listening` line (with `listeners` when the runtime serves several transports). */
  readonly listening: JsonLine
  readonly child: ChildProcess
  /** Sends SIGTERM and waits for the exit (SIGKILL after 5 s). */
  readonly stop: () => Promise<Ran>
}

/** Starts `sip listen --port 0 --json ARGS…` and resolves once it printed its `listening` line. */
export const startListen = (args: ReadonlyArray<string> = []): Promise<Listening> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, "listen", "--port", "0", "--json", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    })
    const done = collect(child, 60_000)
    let buffered = ""
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString()
      const line = buffered.split("\n")[0]
      if (!buffered.includes("\n") || line === undefined) return
      child.stdout?.off("data", onData)
      const first = JSON.parse(line) as JsonLine & { port: number }
      if (first.type !== "listening") return reject(new Error(`unexpected first line ${line}`))
      resolve({
        port: first.port,
        listening: first,
        child,
        stop: async () => {
          child.kill("SIGTERM")
          const timer = setTimeout(() => child.kill("SIGKILL"), 5_000)
          const ran = await done
          clearTimeout(timer)
          return { ...ran, stdout: buffered + ran.stdout.slice(buffered.length) }
        },
      })
    }
    child.stdout?.on("data", onData)
    void done.then((ran) => reject(new Error(`sip listen exited early: ${ran.code} ${ran.stderr}`)))
  })

/** A UDP port free at the time of asking. */
export const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const socket = dgram.createSocket("udp4")
    socket.bind(0, "127.0.0.1", () => {
      const { port } = socket.address()
      socket.close(() => resolve(port))
    })
  })

export const sippInstalled = spawnSync("sipp", ["-v"]).status !== null

/** Runs SIPp (in a temporary directory, so its trace files stay out of the tree), killed after `timeoutMs`. */
export const runSipp = (args: ReadonlyArray<string>, timeoutMs = 30_000): Promise<Ran> => {
  const child = spawn("sipp", [...args, "-nostdin"], {
    cwd: tempDir("sipkit-sipp-"),
    stdio: ["ignore", "pipe", "pipe"],
  })
  return collect(child, timeoutMs)
}

/** Starts SIPp in the background; `done` resolves when it exits (bounded by `timeoutMs`). */
export const startSipp = (args: ReadonlyArray<string>, timeoutMs = 30_000) => {
  const child = spawn("sipp", [...args, "-nostdin"], {
    cwd: tempDir("sipkit-sipp-"),
    stdio: ["ignore", "pipe", "pipe"],
  })
  return { child, done: collect(child, timeoutMs) }
}

/** One `--json` line: `type` says what it is (message, result, summary, listening, error). */
export interface JsonLine {
  readonly type?: string
  readonly kind?: string
  readonly firstLine?: string
  readonly body?: unknown
  readonly [field: string]: unknown
}

/** The `--json` lines of a run, parsed. */
export const jsonLines = (stdout: string): Array<JsonLine> =>
  stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as JsonLine)

/** The first lines of the messages in a `--json` run, in order, UDP retransmissions left out. */
export const firstLines = (stdout: string): Array<string> =>
  withoutRetransmissions(jsonLines(stdout))
    .filter((o) => o.type === "message")
    .map((o) => String(o.firstLine))

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The messages of a `--json` run without UDP retransmissions (an identical message sent again between the same two parties). */
export const withoutRetransmissions = (lines: ReadonlyArray<JsonLine>): Array<JsonLine> => {
  const seen = new Set<string>()
  return lines.filter((line) => {
    if (line.type !== "message") return true
    const { at: _at, ...rest } = line
    const key = JSON.stringify(rest)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** The lab's resolver: a name server on loopback where none listens (a query is refused at once). */
const labResolvConf = "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n"

/**
 * Runs `sh -c SCRIPT` (its arguments in `"$@"`) in a lab of its own: a network namespace with only loopback up, so
 * nothing sent to any other address leaves the machine, and a mount namespace whose /etc/resolv.conf names a name
 * server on loopback where none listens — a DNS query is refused at once and none reaches a real server — and whose
 * /etc/hosts is `hosts` (else the machine's). Needs root (`unshare -n -m`). Bounded by `timeoutMs`.
 */
export const inLab = (
  script: string,
  args: ReadonlyArray<string>,
  options: { readonly hosts?: string; readonly timeoutMs?: number } = {},
) => {
  const dir = tempDir("sipkit-lab-")
  const resolvConf = join(dir, "resolv.conf")
  writeFileSync(resolvConf, labResolvConf)
  const hosts = options.hosts === undefined ? undefined : join(dir, "hosts")
  if (hosts !== undefined) writeFileSync(hosts, options.hosts ?? "")
  const setUp = [
    'mount --bind "$LAB_RESOLV_CONF" /etc/resolv.conf',
    ...(hosts === undefined ? [] : ['mount --bind "$LAB_HOSTS" /etc/hosts']),
    "ip link set lo up",
  ].join(" && ")
  return spawnSync(
    "unshare",
    ["-n", "-m", "--", "sh", "-c", `${setUp} || exit 99\n${script}`, "lab", ...args],
    {
      encoding: "utf8",
      timeout: options.timeoutMs ?? 60_000,
      env: { ...process.env, NO_COLOR: "1", LAB_RESOLV_CONF: resolvConf, LAB_HOSTS: hosts ?? "" },
    },
  )
}
