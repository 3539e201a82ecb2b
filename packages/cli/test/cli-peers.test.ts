/**
 * Interop with real peers from Debian (interop/install-peers.sh): Kamailio as the registrar/proxy between `sip send`
 * and `sip listen` (its Record-Route puts it on the path of ACK and BYE), and baresip as a callee.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { cpSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import {
  firstLines,
  freePort,
  interop,
  jsonLines,
  registerBob,
  runSip,
  sleep,
  startListen,
  tempDir,
} from "./support/sip.js"

const installed = (command: string) =>
  spawnSync("sh", ["-c", `command -v ${command} || test -x /usr/sbin/${command}`]).status === 0

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve()
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000)
    child.once("exit", () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill("SIGTERM")
  })

const word = (line: string) => (line.startsWith("SIP/2.0 ") ? line.split(" ")[1] : line.split(" ")[0])

describe.concurrent("real peers", () => {
  it("kamailio and baresip are installed", () => {
    expect(installed("kamailio")).toBe(true)
    expect(installed("baresip")).toBe(true)
  })

  it("through Kamailio: REGISTER bob's contact, INVITE bob via the proxy, ACK and BYE along its Record-Route", async () => {
    const port = await freePort()
    const run = tempDir("sipkit-kamailio-")
    const kamailio = spawn(
      "kamailio",
      [
        "-DD",
        "-E",
        "-f",
        join(interop, "kamailio/kamailio.cfg"),
        "-Y",
        run,
        "-m",
        "32",
        "-M",
        "8",
        "-A",
        `KAM_PORT=${port}`,
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    )
    const bob = await startListen(["--quiet"])
    try {
      await sleep(1500)
      const registered = await registerBob(port, bob.port, ["--expires", "60"])
      expect(registered.code).toBe(0)
      const call = await runSip([
        "send",
        "INVITE",
        "sip:bob@127.0.0.1",
        "--proxy",
        `sip:127.0.0.1:${port}`,
        "--hangup-after-ms",
        "100",
        "--json",
      ])
      expect(call.code).toBe(0)
      expect(firstLines(call.stdout).map(word)).toEqual(["INVITE", "100", "180", "200", "ACK", "BYE", "200"])
      const sent = jsonLines(call.stdout).filter((o) => o.type === "message" && o.kind === "request")
      expect(sent.map((o) => o["to"])).toEqual([
        `127.0.0.1:${port}`,
        `127.0.0.1:${port}`,
        `127.0.0.1:${port}`,
      ])
      const ok = jsonLines(call.stdout).filter((o) => o.type === "message")[3] as {
        headers: Array<{ name: string; value: string }>
      }
      expect(ok.headers.find((h) => h.name === "Record-Route")?.value).toContain(`127.0.0.1:${port}`)
      const stopped = await bob.stop()
      expect(jsonLines(stopped.stdout).find((o) => o.type === "summary")).toMatchObject({
        callsAnswered: 1,
        callsEnded: 1,
      })
    } finally {
      await bob.stop().catch(() => undefined)
      await stop(kamailio)
    }
  })

  it("baresip answers sip send INVITE (auto-answer) and takes the BYE", async () => {
    const port = await freePort()
    const dir = tempDir("sipkit-baresip-")
    cpSync(join(interop, "baresip"), dir, { recursive: true })
    const config = join(dir, "config")
    writeFileSync(config, readFileSync(config, "utf8").replace("127.0.0.1:25070", `127.0.0.1:${port}`))
    writeFileSync(
      join(dir, "accounts"),
      `<sip:bob@127.0.0.1:${port}>;auth_pass=none;answermode=auto;regint=0\n`,
    )
    const baresip = spawn("baresip", ["-f", dir, "-t", "20"], { stdio: ["ignore", "ignore", "ignore"] })
    try {
      await sleep(1500)
      const call = await runSip([
        "send",
        "INVITE",
        `sip:bob@127.0.0.1:${port}`,
        "--hangup-after-ms",
        "300",
        "--json",
      ])
      expect(call.code).toBe(0)
      const words = firstLines(call.stdout).map(word)
      expect(words[0]).toBe("INVITE")
      expect(words.slice(-4)).toEqual(["200", "ACK", "BYE", "200"])
    } finally {
      await stop(baresip)
    }
  })
})
