/**
 * `--transport tcp|ws` (and several at once): `sip send` and `sip listen` over @sipkit/transport-node's endpoint,
 * against each other and against SIPp over TCP (-t t1).
 */
import { execFileSync } from "node:child_process"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { firstLines, jsonLines, runSip, runSipp, startListen, tempDir } from "./support/sip.js"

const word = (line: string) => (line.startsWith("SIP/2.0 ") ? line.split(" ")[1] : line.split(" ")[0])

describe("sip over the runtime's stream transports", () => {
  it("INVITE over TCP → 180, 200, ACK, BYE, 200; exit 0", async () => {
    const listen = await startListen(["--transport", "tcp", "--ring-ms", "50"])
    const ran = await runSip([
      "send",
      "INVITE",
      `sip:bob@127.0.0.1:${listen.port}`,
      "--transport",
      "tcp",
      "--hangup-after-ms",
      "100",
      "--json",
    ])
    const stopped = await listen.stop()
    expect(ran.code).toBe(0)
    expect(firstLines(ran.stdout).map(word)).toEqual(["INVITE", "180", "200", "ACK", "BYE", "200"])
    expect(jsonLines(stopped.stdout).find((o) => o.type === "summary")).toMatchObject({ callsAnswered: 1 })
    // The INVITE's Via and Contact name the port sip send listens on (not 0), so the callee can reach it inside
    // the dialog (§12.1.2, §18.1.1).
    const invite = jsonLines(ran.stdout).find((o) => o.type === "message" && o.kind === "request") as {
      headers: Array<{ name: string; value: string }>
    }
    const header = (name: string) => invite.headers.find((h) => h.name === name)?.value ?? ""
    const contactPort = Number(/127\.0\.0\.1:(\d+)/.exec(header("Contact"))?.[1])
    expect(contactPort).toBeGreaterThan(0)
    expect(header("Via")).toContain(`SIP/2.0/TCP 127.0.0.1:${contactPort};`)
  })

  it("INVITE over TCP against --answer 486 → exit 1; CANCEL while ringing → 487, exit 0", async () => {
    const busy = await startListen(["--transport", "tcp", "--answer", "486"])
    const ringing = await startListen(["--transport", "tcp", "--ring-ms", "5000"])
    const [rejected, cancelled] = await Promise.all([
      runSip(["send", "INVITE", `sip:bob@127.0.0.1:${busy.port}`, "--transport", "tcp", "--json"]),
      runSip([
        "send",
        "INVITE",
        `sip:bob@127.0.0.1:${ringing.port}`,
        "--transport",
        "tcp",
        "--cancel-after-ms",
        "200",
        "--json",
      ]),
    ])
    await busy.stop()
    const ringingStopped = await ringing.stop()
    expect(rejected.code).toBe(1)
    expect(jsonLines(rejected.stdout).at(-1)).toMatchObject({ type: "result", status: 486 })
    expect(cancelled.code).toBe(0)
    expect(firstLines(cancelled.stdout)).toContain("SIP/2.0 487 Request Terminated")
    expect(jsonLines(ringingStopped.stdout).find((o) => o.type === "summary")).toMatchObject({
      callsCancelled: 1,
    })
  })

  it("one listener on udp, tcp and ws at once; OPTIONS over each → 200", async () => {
    const listen = await startListen(["--transport", "udp", "--transport", "tcp", "--transport", "ws"])
    const listeners = listen.listening["listeners"] as Array<{ transport: string; port: number }>
    expect(listeners.map((l) => l.transport)).toEqual(["udp", "tcp", "ws"])
    const sent = await Promise.all(
      listeners.map((l) =>
        runSip(["send", "OPTIONS", `sip:127.0.0.1:${l.port}`, "--transport", l.transport]),
      ),
    )
    await listen.stop()
    expect(sent.map((r) => r.code)).toEqual([0, 0, 0])
  })

  it("SIPp uac over TCP (-t t1) → sip listen --transport tcp: 10 calls succeed", async () => {
    const listen = await startListen(["--transport", "tcp", "--quiet"])
    const sipp = await runSipp([
      "-sn",
      "uac",
      `127.0.0.1:${listen.port}`,
      "-t",
      "t1",
      "-m",
      "10",
      "-r",
      "20",
      "-i",
      "127.0.0.1",
      "-timeout",
      "20s",
      "-timeout_error",
    ])
    const stopped = await listen.stop()
    expect(sipp.code).toBe(0)
    expect(jsonLines(stopped.stdout).find((o) => o.type === "summary")).toMatchObject({ callsAnswered: 10 })
  })

  it("OPTIONS over WebSocket (RFC 7118) → 200", async () => {
    const listen = await startListen(["--transport", "ws"])
    const ran = await runSip([
      "send",
      "OPTIONS",
      `sip:127.0.0.1:${listen.port}`,
      "--transport",
      "ws",
      "--json",
    ])
    await listen.stop()
    expect(ran.code).toBe(0)
    expect(firstLines(ran.stdout).map(word)).toEqual(["OPTIONS", "200"])
  })

  it("INVITE over TLS with a self-signed certificate (openssl) → 200 and a clean BYE", async () => {
    const dir = tempDir("sipkit-tls-")
    const [cert, key] = [join(dir, "cert.pem"), join(dir, "key.pem")]
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    )
    const listen = await startListen(["--transport", "tls", "--cert", cert, "--key", key])
    const tlsPort = (listen.listening["listeners"] as Array<{ port: number }>)[0]?.port ?? 0
    const ran = await runSip([
      "send",
      "INVITE",
      `sip:bob@127.0.0.1:${tlsPort}`,
      "--transport",
      "tls",
      "--ca",
      cert,
      "--cert",
      cert,
      "--key",
      key,
      "--hangup-after-ms",
      "100",
      "--json",
    ])
    await listen.stop()
    expect(ran.code).toBe(0)
    expect(firstLines(ran.stdout).map(word)).toEqual(["INVITE", "180", "200", "ACK", "BYE", "200"])
  })

  it("REGISTER over TCP through a digest challenge (listen --user); --count over TCP", async () => {
    const listen = await startListen([
      "--transport",
      "tcp",
      "--registrar",
      "--user",
      "alice:secret",
      "--quiet",
    ])
    const uri = `sip:127.0.0.1:${listen.port}`
    const [good, bad, load] = await Promise.all([
      runSip([
        "send",
        "REGISTER",
        uri,
        "--transport",
        "tcp",
        "--user",
        "alice",
        "--password",
        "secret",
        "--json",
      ]),
      runSip(["send", "REGISTER", uri, "--transport", "tcp", "--user", "alice", "--password", "wrong"]),
      runSip(["send", "OPTIONS", uri, "--transport", "tcp", "--count", "10", "--rate", "100", "--json"]),
    ])
    const stopped = await listen.stop()
    expect(good.code).toBe(0)
    expect(firstLines(good.stdout).filter((l) => l.startsWith("SIP/2.0"))).toEqual([
      "SIP/2.0 401 Unauthorized",
      "SIP/2.0 200 OK",
    ])
    expect(bad.code).toBe(1)
    expect(load.code).toBe(0)
    expect(jsonLines(load.stdout).find((o) => o.type === "summary")).toMatchObject({ requests: 10, ok: 10 })
    expect(jsonLines(stopped.stdout).find((o) => o.type === "summary")).toMatchObject({ registrations: 1 })
  })
})
