/**
 * Runs SIPp (Debian `sip-tester`) for the interop tests: loopback only, every run bounded by `-m`, SIPp's own
 * `-timeout` and a hard kill. `sippAvailable()` runs `setup-sipp.sh` once and says why when SIPp is missing.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process"
import * as dgram from "node:dgram"
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import * as net from "node:net"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { tempDir } from "./tempDir.js"

const here = dirname(fileURLToPath(import.meta.url))

let availability: { readonly ok: boolean; readonly why: string } | undefined

export const sippAvailable = (): { readonly ok: boolean; readonly why: string } => {
  if (availability !== undefined) return availability
  try {
    execFileSync("bash", [join(here, "..", "setup-sipp.sh")], { stdio: "pipe", timeout: 180_000 })
    availability = { ok: true, why: "" }
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString() ?? String(e)
    availability = { ok: false, why: `SIPp cannot be installed: ${stderr.trim()}` }
  }
  return availability
}

const handedOut = new Set<number>()

const probeTcp = (port: number) =>
  Effect.callback<number>((resume) => {
    const server = net.createServer()
    server.once("error", () => resume(Effect.succeed(-1)))
    server.listen(port, "127.0.0.1", () => {
      const bound = (server.address() as net.AddressInfo).port
      server.close(() => resume(Effect.succeed(bound)))
    })
  })

const probeUdp = (port: number) =>
  Effect.callback<boolean>((resume) => {
    const socket = dgram.createSocket("udp4")
    socket.once("error", () => resume(Effect.succeed(false)))
    socket.bind(port, "127.0.0.1", () => socket.close(() => resume(Effect.succeed(true))))
  })

/**
 * A loopback port free for both UDP and TCP, never the same twice in this process (concurrent SIPp runs must not
 * share a port: SIPp binds with SO_REUSEADDR and would split the traffic).
 */
export const freePort = (): Effect.Effect<number> =>
  Effect.gen(function* () {
    for (;;) {
      const port = yield* probeTcp(0)
      if (port > 0 && !handedOut.has(port) && (yield* probeUdp(port))) {
        handedOut.add(port)
        return port
      }
    }
  })

export interface SippRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `sipp args…` in a fresh temp dir; killed after `hardTimeoutMs`. */
export const runSipp = (args: ReadonlyArray<string>, hardTimeoutMs = 60_000): Effect.Effect<SippRun> =>
  Effect.callback<SippRun>((resume) => {
    const cwd = tempDir("sipkit-sipp-")
    const child = spawn("sipp", [...args, "-nostdin", "-trace_err"], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d: Buffer) => {
      stdout = (stdout + d.toString()).slice(-20_000)
    })
    child.stderr.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-20_000)
    })
    const timer = setTimeout(() => child.kill("SIGKILL"), hardTimeoutMs)
    child.on("close", (code) => {
      clearTimeout(timer)
      // SIPp's -trace_err log (unexpected messages, lost-message notes) helps explain a failed run
      const errors = readdirSync(cwd)
        .filter((f) => f.endsWith("_errors.log"))
        .map((f) => {
          const log = readFileSync(join(cwd, f), "utf8")
          return log.length <= 5000 ? log : `${log.slice(0, 3500)}\n…\n${log.slice(-1500)}`
        })
        .join("\n")
      resume(Effect.succeed({ code, stdout, stderr: errors === "" ? stderr : `${stderr}\n${errors}` }))
    })
    return Effect.sync(() => {
      clearTimeout(timer)
      child.kill("SIGKILL")
    })
  })

/** "Successful call" and "Failed call" totals from SIPp's final screen. */
export const callTotals = (stdout: string): { readonly successful: number; readonly failed: number } => {
  const pick = (label: string) => {
    const lines = stdout.split("\n").filter((l) => l.includes(label))
    const last = lines[lines.length - 1] ?? ""
    const numbers = last.match(/\d+/g) ?? []
    return Number(numbers[numbers.length - 1] ?? Number.NaN)
  }
  return { successful: pick("Successful call"), failed: pick("Failed call") }
}

/**
 * SIPp's built-in `uas` scenario, made to behave like a UAS under loss (every change found from SIPp's error log
 * in a failed lossy run; every message stays subject to `-lost 10` except the first INVITE):
 * - the first `recv INVITE` is exempt from `-lost`;
 * - a retransmitted INVITE that arrives while it waits for the ACK makes it send its 200 again (RFC 3261 §17.2.1,
 *   §13.3.1.4). Without it, when SIPp's loss emulation drops its own 180 and 200, our correct INVITE
 *   retransmission makes SIPp abort the call ("Aborting call on unexpected message … while expecting 'ACK'");
 * - the ACK is optional before the BYE: when SIPp's emulation drops our ACK, our BYE (sent right after the
 *   answer) would otherwise be "unexpected" and abort the call; a UAS must accept a BYE in a confirmed dialog
 *   whose ACK it has not seen (§15 only forbids the callee to SEND a BYE before the ACK).
 */
export const uasScenarioUnderLoss = (): string => {
  // `sipp -sd` prints the scenario and exits with status 99: read stdout whatever the status
  const xml = spawnSync("sipp", ["-sd", "uas"], { encoding: "utf8", timeout: 10_000 }).stdout
  const firstInvite = '<recv request="INVITE" crlf="true">'
  const send200 = '<send retrans="500">'
  const ack = '<recv request="ACK"'
  if (!xml.includes(firstInvite) || !xml.includes(send200) || !xml.includes(ack)) {
    throw new Error("the built-in uas scenario changed: cannot patch it")
  }
  const patched = xml
    .replace(firstInvite, '<recv request="INVITE" crlf="true" lost="0">')
    .replace(send200, `<label id="send200"/>\n  ${send200}`)
    .replace(
      ack,
      `<recv request="INVITE" optional="true" next="send200">\n  </recv>\n\n  ${ack} optional="true"`,
    )
  const path = join(tempDir("sipkit-sipp-sf-"), "uas-under-loss.xml")
  writeFileSync(path, patched)
  return path
}
