/** `sip send` against `sip listen`, both the built binary, on loopback. */
import { describe, expect, it } from "vitest"
import { firstLines, freePort, jsonLines, runSip, startListen } from "./support/sip.js"

describe("sip send ↔ sip listen", () => {
  it("OPTIONS → 200, exit 0; the listener counts it and exits 0 on SIGTERM with a summary", async () => {
    const listen = await startListen()
    const ran = await runSip(["send", "OPTIONS", `sip:127.0.0.1:${listen.port}`, "--json"])
    const stopped = await listen.stop()
    expect(ran.code).toBe(0)
    expect(firstLines(ran.stdout)).toEqual([`OPTIONS sip:127.0.0.1:${listen.port} SIP/2.0`, "SIP/2.0 200 OK"])
    const response = jsonLines(ran.stdout)[1] as { headers: Array<{ name: string; value: string }> }
    expect(response.headers.find((h) => h.name === "Allow")?.value).toContain("INVITE")
    // the default From is an address of record, without a port (as the runtime's call() writes it for INVITE)
    const request = jsonLines(ran.stdout)[0] as { headers: Array<{ name: string; value: string }> }
    expect(request.headers.find((h) => h.name === "From")?.value).toMatch(/^<sip:sip@127\.0\.0\.1>;tag=/)
    expect(stopped.code).toBe(0)
    const summary = jsonLines(stopped.stdout).find((o) => o.type === "summary")
    expect(summary).toMatchObject({ signal: "SIGTERM", requests: { OPTIONS: 1 } })
  })

  it("INVITE → 180, 200 with an SDP answer, ACK, BYE after --hangup-after-ms → exit 0", async () => {
    const listen = await startListen(["--ring-ms", "50"])
    const ran = await runSip([
      "send",
      "INVITE",
      `sip:bob@127.0.0.1:${listen.port}`,
      "--hangup-after-ms",
      "100",
      "--json",
    ])
    const stopped = await listen.stop()
    expect(ran.code).toBe(0)
    const lines = firstLines(ran.stdout)
    expect(lines.map((l) => (l.split(" ")[0] === "SIP/2.0" ? l.split(" ")[1] : l.split(" ")[0]))).toEqual([
      "INVITE",
      "180",
      "200",
      "ACK",
      "BYE",
      "200",
    ])
    const answer = jsonLines(ran.stdout)[2] as { body: string }
    expect(answer.body).toMatch(/m=audio \d+ RTP\/AVP 0 8 101/)
    expect(jsonLines(stopped.stdout).find((o) => o.type === "summary")).toMatchObject({
      callsAnswered: 1,
      callsEnded: 1,
      acksMissing: 0,
    })
  })

  it("INVITE against --answer 486 → 486 and the transaction's ACK, exit 1", async () => {
    const listen = await startListen(["--answer", "486"])
    const ran = await runSip(["send", "INVITE", `sip:bob@127.0.0.1:${listen.port}`, "--json"])
    await listen.stop()
    expect(ran.code).toBe(1)
    expect(firstLines(ran.stdout)).toEqual([
      `INVITE sip:bob@127.0.0.1:${listen.port} SIP/2.0`,
      "SIP/2.0 180 Ringing",
      "SIP/2.0 486 Busy Here",
      `ACK sip:bob@127.0.0.1:${listen.port} SIP/2.0`,
    ])
    expect(jsonLines(ran.stdout).at(-1)).toMatchObject({ type: "result", status: 486, exit: 1 })
  })

  it("INVITE --header 'Contact: …' → that URI is the INVITE's Contact (the callee's remote target)", async () => {
    const listen = await startListen(["--answer", "486"])
    const ran = await runSip([
      "send",
      "INVITE",
      `sip:bob@127.0.0.1:${listen.port}`,
      "--header",
      "Contact: <sip:alice@127.0.0.1:5999;transport=udp>",
      "--json",
    ])
    await listen.stop()
    expect(ran.code).toBe(1)
    const invite = jsonLines(ran.stdout)[0] as { headers: Array<{ name: string; value: string }> }
    expect(invite.headers.filter((h) => /^(contact|m)$/i.test(h.name)).map((h) => h.value)).toEqual([
      "<sip:alice@127.0.0.1:5999;transport=udp>",
    ])
    expect(ran.stderr).not.toMatch(/Contact/)
  })

  it("INVITE against --answer 302 --redirect URI → 302 with that Contact (§21.3), exit 1", async () => {
    const listen = await startListen(["--answer", "302", "--redirect", "sip:bob@127.0.0.1:5999"])
    const ran = await runSip(["send", "INVITE", `sip:bob@127.0.0.1:${listen.port}`, "--json"])
    await listen.stop()
    expect(ran.code).toBe(1)
    const redirect = jsonLines(ran.stdout).find(
      (o) =>
        o.type === "message" && (o as { firstLine?: string }).firstLine?.startsWith("SIP/2.0 302") === true,
    ) as { headers: Array<{ name: string; value: string }> } | undefined
    expect(redirect?.headers.filter((h) => h.name === "Contact").map((h) => h.value)).toEqual([
      "<sip:bob@127.0.0.1:5999>",
    ])
  })

  it("INVITE --cancel-after-ms while it rings → CANCEL, 200, 487, ACK; exit 0 (cancelled as asked)", async () => {
    const listen = await startListen(["--ring-ms", "5000"])
    const ran = await runSip([
      "send",
      "INVITE",
      `sip:bob@127.0.0.1:${listen.port}`,
      "--cancel-after-ms",
      "100",
      "--json",
    ])
    const stopped = await listen.stop()
    expect(ran.code).toBe(0)
    const lines = firstLines(ran.stdout)
    expect(lines).toContain(`CANCEL sip:bob@127.0.0.1:${listen.port} SIP/2.0`)
    expect(lines).toContain("SIP/2.0 487 Request Terminated")
    expect(lines.at(-1)).toBe(`ACK sip:bob@127.0.0.1:${listen.port} SIP/2.0`)
    expect(jsonLines(stopped.stdout).find((o) => o.type === "summary")).toMatchObject({
      callsCancelled: 1,
    })
  })

  it("REGISTER through a digest challenge → 401, then 200 with the binding; a wrong password → 401, exit 1", async () => {
    const listen = await startListen(["--registrar", "--user", "alice:secret", "--realm", "sipkit.test"])
    const uri = `sip:127.0.0.1:${listen.port}`
    const good = await runSip([
      "send",
      "REGISTER",
      uri,
      "--user",
      "alice",
      "--password",
      "secret",
      "--expires",
      "60",
      "--json",
    ])
    const bad = await runSip(["send", "REGISTER", uri, "--user", "alice", "--password", "wrong", "--json"])
    const stopped = await listen.stop()
    expect(good.code).toBe(0)
    expect(firstLines(good.stdout).filter((l) => l.startsWith("SIP/2.0"))).toEqual([
      "SIP/2.0 401 Unauthorized",
      "SIP/2.0 200 OK",
    ])
    const ok = jsonLines(good.stdout).filter((o) => o.type === "message")[3] as {
      headers: Array<{ name: string; value: string }>
    }
    expect(ok.headers.find((h) => h.name === "Contact")?.value).toMatch(/expires=60/)
    expect(bad.code).toBe(1)
    expect(firstLines(bad.stdout).filter((l) => l.startsWith("SIP/2.0"))).toEqual([
      "SIP/2.0 401 Unauthorized",
      "SIP/2.0 401 Unauthorized",
    ])
    expect(jsonLines(stopped.stdout).find((o) => o.type === "summary")).toMatchObject({ registrations: 1 })
  })

  it("--early-media: 183 Session Progress with the SDP answer before the 200", async () => {
    const listen = await startListen(["--early-media", "--ring-ms", "50"])
    const ran = await runSip([
      "send",
      "INVITE",
      `sip:bob@127.0.0.1:${listen.port}`,
      "--hangup-after-ms",
      "50",
      "--json",
    ])
    await listen.stop()
    expect(ran.code).toBe(0)
    const messages = jsonLines(ran.stdout).filter((o) => o.type === "message")
    expect(messages[1]).toMatchObject({ status: 183 })
    expect(String(messages[1]?.body)).toMatch(/m=audio \d+ RTP\/AVP 0 8 101/)
    expect(messages[2]).toMatchObject({ status: 200 })
  })

  it("an unknown method → 501 with Allow, exit 1", async () => {
    const listen = await startListen()
    const ran = await runSip(["send", "FROBNICATE", `sip:127.0.0.1:${listen.port}`, "--json"])
    await listen.stop()
    expect(ran.code).toBe(1)
    expect(firstLines(ran.stdout)[1]).toBe("SIP/2.0 501 Not Implemented")
  })

  it("nobody listening → exit 2 after --timeout-ms", async () => {
    const port = await freePort()
    const ran = await runSip(["send", "OPTIONS", `sip:127.0.0.1:${port}`, "--timeout-ms", "700", "--json"])
    expect(ran.code).toBe(2)
    expect(jsonLines(ran.stdout).at(-1)).toMatchObject({ type: "result", outcome: "timeout", exit: 2 })
  })

  it("--count --rate: a summary with the rate, percentiles and no failures", async () => {
    const listen = await startListen(["--quiet"])
    const ran = await runSip([
      "send",
      "OPTIONS",
      `sip:127.0.0.1:${listen.port}`,
      "--count",
      "20",
      "--rate",
      "200",
      "--json",
    ])
    await listen.stop()
    expect(ran.code).toBe(0)
    const summary = jsonLines(ran.stdout).find((o) => o.type === "summary")
    expect(summary).toMatchObject({ requests: 20, ok: 20, failures: {} })
    expect(summary).toHaveProperty("p50", expect.any(Number))
    expect(firstLines(ran.stdout)).toEqual([])
  })
})
