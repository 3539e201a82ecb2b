/** `sip demo` (npm start): the seed's registration and call flows through a registrar/proxy, as a ladder. */
import { describe, expect, it } from "vitest"
import { jsonLines, registerBob, runSip, startListen, withoutRetransmissions } from "./support/sip.js"

const word = (line: string) => (line.startsWith("SIP/2.0 ") ? line.split(" ")[1] : line.split(" ")[0])

describe("sip demo", () => {
  it("registers alice and bob with digest, then calls through the proxy with Record-Route, and exits 0", async () => {
    const ran = await runSip(["demo", "--json"])
    expect(ran.code).toBe(0)
    const messages = withoutRetransmissions(jsonLines(ran.stdout)).filter((o) => o.type === "message")
    expect(messages.map((o) => word(String(o.firstLine)))).toEqual([
      ...["REGISTER", "401", "REGISTER", "200"],
      ...["REGISTER", "401", "REGISTER", "200"],
      ...["INVITE", "100", "INVITE", "180", "180", "200", "200", "ACK", "ACK", "BYE", "BYE", "200", "200"],
    ])
    const forwarded = messages[10] as { headers: Array<{ name: string; value: string }> }
    expect(forwarded.headers.filter((h) => h.name === "Record-Route")).toHaveLength(1)
    expect(forwarded.headers.filter((h) => h.name === "Via")).toHaveLength(2)
    const answer = messages[14] as { body: string }
    expect(answer.body).toMatch(/^v=0/)
    expect(
      jsonLines(ran.stdout)
        .filter((o) => o.type === "result")
        .map((o) => o["exit"]),
    ).toEqual([0, 0, 0])
  })

  it("prints a text ladder with the three lanes", async () => {
    const ran = await runSip(["demo"])
    expect(ran.code).toBe(0)
    expect(ran.stdout).toMatch(/time \(s\) +alice \d+ +proxy \d+ +bob \d+/)
    expect(ran.stdout).toContain("Done: every step ended as the seed's diagrams show (exit 0).")
  })
})

describe("sip listen --registrar --proxy", () => {
  it("routes a call to a registered contact and stays on the path (Record-Route) for ACK and BYE", async () => {
    const proxy = await startListen(["--registrar", "--proxy", "--quiet"])
    const bob = await startListen(["--quiet"])
    const registered = await registerBob(proxy.port, bob.port)
    const call = await runSip([
      "send",
      "INVITE",
      "sip:bob@127.0.0.1",
      "--proxy",
      `sip:127.0.0.1:${proxy.port}`,
      "--hangup-after-ms",
      "100",
      "--json",
    ])
    const proxyStopped = await proxy.stop()
    const bobStopped = await bob.stop()
    expect(registered.code).toBe(0)
    expect(call.code).toBe(0)
    // Alice sends everything to the proxy: INVITE, and ACK and BYE along the route set.
    const sent = jsonLines(call.stdout).filter((o) => o.type === "message" && o.kind === "request")
    expect(sent.map((o) => [word(String(o.firstLine)), o["to"]])).toEqual([
      ["INVITE", `127.0.0.1:${proxy.port}`],
      ["ACK", `127.0.0.1:${proxy.port}`],
      ["BYE", `127.0.0.1:${proxy.port}`],
    ])
    expect(jsonLines(bobStopped.stdout).find((o) => o.type === "summary")).toMatchObject({
      callsAnswered: 1,
      callsEnded: 1,
      requests: { INVITE: 1, ACK: 1, BYE: 1 },
    })
    expect(jsonLines(proxyStopped.stdout).find((o) => o.type === "summary")).toMatchObject({
      registrations: 1,
    })
  })

  it("over TCP: the Record-Route names transport=tcp, so ACK and BYE reach the proxy and Bob over TCP", async () => {
    const proxy = await startListen(["--transport", "tcp", "--registrar", "--proxy"])
    const bob = await startListen(["--transport", "tcp"])
    const registered = await runSip([
      "send",
      "REGISTER",
      `sip:127.0.0.1:${proxy.port};transport=tcp`,
      "--transport",
      "tcp",
      "--from",
      "sip:bob@127.0.0.1",
      "--header",
      `Contact: <sip:bob@127.0.0.1:${bob.port};transport=tcp>`,
    ])
    const call = await runSip([
      "send",
      "INVITE",
      "sip:bob@127.0.0.1",
      "--transport",
      "tcp",
      "--proxy",
      `sip:127.0.0.1:${proxy.port};transport=tcp`,
      "--hangup-after-ms",
      "100",
      "--json",
    ])
    const proxyStopped = await proxy.stop()
    const bobStopped = await bob.stop()
    expect(registered.code).toBe(0)
    expect(call.code).toBe(0)
    // Alice sends everything to the proxy over TCP: INVITE, and ACK and BYE along the route set.
    const sent = jsonLines(call.stdout).filter((o) => o.type === "message" && o.kind === "request")
    expect(sent.map((o) => [word(String(o.firstLine)), o["to"]])).toEqual([
      ["INVITE", `127.0.0.1:${proxy.port}/tcp`],
      ["ACK", `127.0.0.1:${proxy.port}/tcp`],
      ["BYE", `127.0.0.1:${proxy.port}/tcp`],
    ])
    const bobLines = jsonLines(bobStopped.stdout)
    const invite = bobLines.find(
      (o) => o.type === "message" && o.kind === "request" && word(String(o.firstLine)) === "INVITE",
    ) as { headers: Array<{ name: string; value: string }> } | undefined
    expect(invite?.headers.filter((h) => h.name === "Record-Route").map((h) => h.value)).toEqual([
      `<sip:127.0.0.1:${proxy.port};transport=tcp;lr>`,
    ])
    expect(bobLines.find((o) => o.type === "summary")).toMatchObject({
      callsAnswered: 1,
      callsEnded: 1,
      requests: { INVITE: 1, ACK: 1, BYE: 1 },
    })
    expect(jsonLines(proxyStopped.stdout).find((o) => o.type === "summary")).toMatchObject({
      registrations: 1,
      requests: { REGISTER: 1, INVITE: 1, ACK: 1, BYE: 1 },
    })
    expect(proxyStopped.stdout + proxyStopped.stderr).not.toMatch(/no target/i)
  })

  it("forks to every contact of the AOR: the first 200 wins, the other branch is CANCELled (§16.7)", async () => {
    const proxy = await startListen(["--registrar", "--proxy", "--quiet"])
    const quick = await startListen(["--quiet", "--ring-ms", "100"])
    const slow = await startListen(["--quiet", "--ring-ms", "10000"])
    for (const bob of [quick, slow]) {
      const registered = await registerBob(proxy.port, bob.port)
      expect(registered.code).toBe(0)
    }
    const call = await runSip([
      "send",
      "INVITE",
      "sip:bob@127.0.0.1",
      "--proxy",
      `sip:127.0.0.1:${proxy.port}`,
      "--hangup-after-ms",
      "100",
    ])
    await proxy.stop()
    const quickStopped = await quick.stop()
    const slowStopped = await slow.stop()
    expect(call.code).toBe(0)
    expect(jsonLines(quickStopped.stdout).find((o) => o.type === "summary")).toMatchObject({
      callsAnswered: 1,
      callsEnded: 1,
    })
    expect(jsonLines(slowStopped.stdout).find((o) => o.type === "summary")).toMatchObject({
      callsAnswered: 0,
      callsCancelled: 1,
    })
  })
})
