/**
 * Interop with SIPp (Debian `sip-tester`, installed by interop/install-peers.sh): `sip listen` under SIPp's
 * built-in `uac` scenario and our CANCEL / 486 / OPTIONS scenarios, and `sip send` against SIPp's `uas` and our
 * busy and ringing UAS scenarios. Every SIPp run is bounded by -m, -timeout … -timeout_error and a kill timer.
 */
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import {
  firstLines,
  freePort,
  interop,
  jsonLines,
  runSip,
  runSipp,
  sippInstalled,
  sleep,
  startListen,
  startSipp,
} from "./support/sip.js"

const scenario = (name: string) => join(interop, "sipp", `${name}.xml`)
const bound = ["-i", "127.0.0.1", "-timeout", "20s", "-timeout_error"]

describe.concurrent("SIPp", () => {
  it("is installed (npm test runs interop/install-peers.sh first)", () => {
    expect(sippInstalled).toBe(true)
  })

  it("uac → sip listen: 20 calls (INVITE, 180, 200, ACK, BYE, 200) all succeed", async () => {
    const listen = await startListen(["--quiet"])
    const sipp = await runSipp(["-sn", "uac", `127.0.0.1:${listen.port}`, "-m", "20", "-r", "40", ...bound])
    const stopped = await listen.stop()
    expect(sipp.code).toBe(0)
    expect(jsonLines(stopped.stdout).find((o) => o.type === "summary")).toMatchObject({
      callsAnswered: 20,
      callsEnded: 20,
      acksMissing: 0,
      malformed: 0,
    })
  })

  it("uac with 10% packet loss (-lost 10) → sip listen: every call still completes", async () => {
    const listen = await startListen(["--quiet"])
    const sipp = await runSipp([
      "-sn",
      "uac",
      `127.0.0.1:${listen.port}`,
      "-m",
      "10",
      "-r",
      "20",
      "-lost",
      "10",
      ...bound,
    ])
    const stopped = await listen.stop()
    expect(sipp.code).toBe(0)
    // SIPp's exit 0 is the claim: all 10 calls completed from its side, through its own losses. The count of BYEs
    // we saw is not asserted: SIPp's uac takes ANY 200 of the call as the answer to its BYE (it matches by Call-ID),
    // so a retransmitted 2xx of the INVITE can end a call whose BYE never reached us (seen once under heavy load).
    expect(jsonLines(stopped.stdout).find((o) => o.type === "summary")).toMatchObject({ callsAnswered: 10 })
  })

  it("uac-486 → sip listen --answer 486: busy, ACKed by SIPp", async () => {
    const listen = await startListen(["--answer", "486"])
    const sipp = await runSipp(["-sf", scenario("uac-486"), `127.0.0.1:${listen.port}`, "-m", "3", ...bound])
    const stopped = await listen.stop()
    expect(sipp.code).toBe(0)
    expect(jsonLines(stopped.stdout).find((o) => o.type === "summary")).toMatchObject({
      callsRejected: 3,
      acksMissing: 0,
      responses: { "180": 3, "486": 3 },
    })
  })

  it("uac-cancel → sip listen --ring-ms 10000: CANCEL → 200, 487 → ACK", async () => {
    const listen = await startListen(["--ring-ms", "10000"])
    const sipp = await runSipp([
      "-sf",
      scenario("uac-cancel"),
      `127.0.0.1:${listen.port}`,
      "-m",
      "2",
      ...bound,
    ])
    const stopped = await listen.stop()
    expect(sipp.code).toBe(0)
    expect(jsonLines(stopped.stdout).find((o) => o.type === "summary")).toMatchObject({ callsCancelled: 2 })
    expect(firstLines(stopped.stdout).filter((l) => l.startsWith("SIP/2.0 487"))).toHaveLength(2)
  })

  it("uac-options → sip listen: 200", async () => {
    const listen = await startListen()
    const sipp = await runSipp([
      "-sf",
      scenario("uac-options"),
      `127.0.0.1:${listen.port}`,
      "-m",
      "1",
      ...bound,
    ])
    await listen.stop()
    expect(sipp.code).toBe(0)
  })

  it("sip send INVITE --hangup-after-ms → SIPp uas: exit 0, and SIPp counts a successful call", async () => {
    const port = await freePort()
    const uas = startSipp(["-sn", "uas", "-p", String(port), "-m", "1", ...bound])
    await sleep(300)
    const ran = await runSip([
      "send",
      "INVITE",
      `sip:service@127.0.0.1:${port}`,
      "--hangup-after-ms",
      "100",
      "--json",
    ])
    const sipp = await uas.done
    expect(ran.code).toBe(0)
    expect(firstLines(ran.stdout).map((l) => l.split(" ").slice(0, 2).join(" "))).toEqual([
      `INVITE sip:service@127.0.0.1:${port}`,
      "SIP/2.0 180",
      "SIP/2.0 200",
      "ACK sip:127.0.0.1:" + port + ";transport=UDP",
      "BYE sip:127.0.0.1:" + port + ";transport=UDP",
      "SIP/2.0 200",
    ])
    expect(sipp.code).toBe(0)
  })

  it("sip send INVITE → SIPp busy UAS (uas-486): exit 1", async () => {
    const port = await freePort()
    const uas = startSipp(["-sf", scenario("uas-486"), "-p", String(port), "-m", "1", ...bound])
    await sleep(300)
    const ran = await runSip(["send", "INVITE", `sip:service@127.0.0.1:${port}`, "--json"])
    const sipp = await uas.done
    expect(ran.code).toBe(1)
    expect(jsonLines(ran.stdout).at(-1)).toMatchObject({ type: "result", status: 486 })
    expect(sipp.code).toBe(0)
  })

  it("sip send INVITE --cancel-after-ms → SIPp ringing UAS (uas-ring-cancel): CANCEL, 487, ACK; exit 0", async () => {
    const port = await freePort()
    const uas = startSipp(["-sf", scenario("uas-ring-cancel"), "-p", String(port), "-m", "1", ...bound])
    await sleep(300)
    const ran = await runSip([
      "send",
      "INVITE",
      `sip:service@127.0.0.1:${port}`,
      "--cancel-after-ms",
      "200",
      "--json",
    ])
    const sipp = await uas.done
    expect(ran.code).toBe(0)
    expect(firstLines(ran.stdout)).toContain("SIP/2.0 487 Request Terminated")
    expect(sipp.code).toBe(0)
  })
})
