/** `sip parse` and the usage rules of every command, run as the built binary. */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { fixtures, jsonLines, runSip } from "./support/sip.js"

const fixture = (name: string) => join(fixtures, name)

describe("sip parse", () => {
  it("prints a message's structure with typed views and exits 0", async () => {
    const ran = await runSip(["parse", fixture("invite.sip")])
    expect(ran.code).toBe(0)
    expect(ran.stderr).toBe("")
    const lines = ran.stdout.split("\n")
    expect(lines[0]).toBe("INVITE sip:bob@biloxi.com SIP/2.0")
    expect(lines).toContain("    ↳ Request-URI sip: user bob  host biloxi.com")
    expect(lines).toContain("    ↳ SIP/2.0/UDP sent-by pc33.atlanta.com  branch=z9hG4bK776asdhds")
    expect(lines).toContain('    ↳ display "Alice"  uri sip:alice@atlanta.com  tag 1928301774')
    expect(lines).toContain("    ↳ seq 314159  method INVITE")
    expect(lines).toContain("  body: 146 bytes of application/sdp")
    expect(lines).toContain("  | m=audio 49172 RTP/AVP 0")
  })

  it("reads stdin with - and gives one typed JSON object per message of a stream", async () => {
    const ran = await runSip(["parse", "--json", "-"], { input: readFileSync(fixture("stream.sip")) })
    expect(ran.code).toBe(0)
    const objects = jsonLines(ran.stdout)
    expect(objects.map((o) => o.kind)).toEqual(["request", "response", "response"])
    expect(objects[1]).toMatchObject({ status: 180, reason: "Ringing" })
    const body = objects[2]?.body as { sdp: { media: Array<{ port: number }> } } | undefined
    const sdp = body?.sdp
    expect(sdp?.media[0]?.port).toBe(3456)
  })

  it("numbers the messages of a stream in text mode", async () => {
    const ran = await runSip(["parse", fixture("stream.sip")])
    expect(ran.code).toBe(0)
    expect(ran.stdout.split("\n").filter((l) => l.startsWith("── message"))).toEqual([
      "── message 1 of 3",
      "── message 2 of 3",
      "── message 3 of 3",
    ])
  })

  it("exits 1 with the reason, the offset and the status on a malformed message", async () => {
    const ran = await runSip(["parse", fixture("badvers.sip")])
    expect(ran.code).toBe(1)
    expect(ran.stderr.trim().split("\n")).toEqual([
      `sip parse: ${fixture("badvers.sip")}: malformed message at offset 33: SIP-Version SIP/7.0 not supported (a server answers 505)`,
    ])
  })

  it("prints what decoded before the fault, and the fault as JSON too", async () => {
    const ran = await runSip(["parse", "--json", fixture("truncated-stream.sip")])
    expect(ran.code).toBe(1)
    const objects = jsonLines(ran.stdout)
    expect(objects[0]).toMatchObject({ kind: "response", status: 180 })
    expect(objects[1]).toMatchObject({ type: "error", status: 400, offset: 586 })
  })

  it("shows a header that does not parse, and still exits 0 (the message framed)", async () => {
    const ran = await runSip(["parse", fixture("header-fault.sip")])
    expect(ran.code).toBe(0)
    expect(ran.stdout).toContain("    ! CSeq number is not a 32-bit unsigned integer (a server answers 400)")
  })

  it("exits 66 when the file cannot be read", async () => {
    const ran = await runSip(["parse", fixture("no-such-file.sip")])
    expect(ran.code).toBe(66)
    expect(ran.stderr).toMatch(/^sip parse: cannot read .*no-such-file\.sip: ENOENT/)
  })
})

describe("usage errors: one line on stderr, exit 64", () => {
  // One of each kind through the binary (the option rules themselves are unit-tested in options.test.ts):
  // effect's parser (unknown command, unknown flag, missing argument, bad integer) and our checks.
  const cases: ReadonlyArray<ReadonlyArray<string>> = [
    ["bogus-command"],
    ["parse", "--bogus"],
    ["send", "OPTIONS"],
    ["send", "OPTIONS", "sip:127.0.0.1", "--count", "x"],
    ["send", "OPTIONS", "sip:127.0.0.1", "--expires", "60"],
    ["listen", "--answer", "180"],
  ]
  for (const args of cases)
    it(`sip ${args.join(" ")}`, async () => {
      const ran = await runSip(args)
      expect(ran.code).toBe(64)
      expect(ran.stdout).toBe("")
      expect(ran.stderr.trimEnd().split("\n")).toHaveLength(1)
      expect(ran.stderr).toMatch(/^sip/)
    })
})

describe("--help", () => {
  for (const command of [[], ["demo"]])
    it(`sip ${command.join(" ")} --help prints the usage and exits 0`, async () => {
      const ran = await runSip([...command, "--help"])
      expect(ran.code).toBe(0)
      expect(ran.stdout).toContain("USAGE")
      expect(ran.stdout).toContain(`sip ${command.join(" ")}`.trim())
    })

  it("documents every flag of sip send and sip listen", async () => {
    const send = (await runSip(["send", "--help"])).stdout
    for (const flag of [
      "--from",
      "--to",
      "--header",
      "--body",
      "--sdp",
      "--transport",
      "--proxy",
      "--user",
      "--password",
      "--timeout-ms",
      "--hangup-after-ms",
      "--cancel-after-ms",
      "--expires",
      "--count",
      "--rate",
      "--json",
    ])
      expect(send).toContain(flag)
    const listen = (await runSip(["listen", "--help"])).stdout
    for (const flag of [
      "--host",
      "--port",
      "--transport",
      "--answer",
      "--ring-ms",
      "--early-media",
      "--registrar",
      "--user",
      "--realm",
      "--proxy",
      "--json",
    ])
      expect(listen).toContain(flag)
  })
})
