/**
 * `--dns FILE`: RFC 3263's questions answered from a JSON zone only (options/Zone.ts, runtime/Dns.ts) — the zone
 * checked record by record, and `sip send` finding `sip listen` through the zone's SRV and A records, no DNS server
 * and no /etc/hosts asked.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { parseZone } from "../src/options/Zone.js"
import { runSip, startListen, tempDir } from "./support/sip.js"

const dir = tempDir("sipkit-zone-")
const file = (name: string, text: string): string => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

describe("parseZone", () => {
  it("reads every record type, names lower-cased", () => {
    const zone = parseZone(
      JSON.stringify({
        naptr: {
          "Lab.Example": [
            {
              order: 10,
              preference: 0,
              flags: "s",
              service: "SIP+D2U",
              regexp: "",
              replacement: "_sip._udp.lab.example",
            },
          ],
        },
        srv: { "_sip._udp.lab.example": [{ priority: 0, weight: 0, port: 5070, target: "pbx.lab.example" }] },
        a: { "PBX.lab.example": ["127.0.0.1"] },
        aaaa: { "pbx.lab.example": ["::1"] },
      }),
    )
    expect(zone._tag).toBe("Ok")
    if (zone._tag !== "Ok") return
    expect(Object.keys(zone.value.naptr ?? {})).toEqual(["lab.example"])
    expect(zone.value.a).toEqual({ "pbx.lab.example": ["127.0.0.1"] })
    expect(zone.value.srv?.["_sip._udp.lab.example"]?.[0]?.port).toBe(5070)
  })

  it.each([
    ["not JSON", "{", /^not JSON: /],
    ["an array", "[]", /^must be an object with naptr, srv, a, aaaa$/],
    ["an unknown type", '{"mx": {}}', /^unknown record type "mx"/],
    ["a set that is no list", '{"a": {"x": "127.0.0.1"}}', /^"a" of "x" must be a list$/],
    ["an A that is IPv6", '{"a": {"x": ["::1"]}}', /^"a" of "x": "::1" is not an IPv4 address$/],
    ["an AAAA that is IPv4", '{"aaaa": {"x": ["127.0.0.1"]}}', /is not an IPv6 address$/],
    ["an SRV without a port", '{"srv": {"x": [{"priority": 0, "weight": 0, "target": "y"}]}}', /RFC 2782/],
    [
      "an SRV port above 65535",
      '{"srv": {"x": [{"priority": 0, "weight": 0, "port": 70000, "target": "y"}]}}',
      /RFC 2782/,
    ],
    [
      "a NAPTR without a service",
      '{"naptr": {"x": [{"order": 1, "preference": 1, "flags": "s"}]}}',
      /RFC 3403/,
    ],
  ])("refuses %s, in one line", (_, text, message) => {
    const zone = parseZone(text)
    expect(zone._tag === "Err" && zone.error).toMatch(message)
    expect(zone._tag === "Err" && zone.error.includes("\n")).toBe(false)
  })
})

describe("docs/cli.md's zone", () => {
  it("is a zone, and takes sip:lab.example to pbx.lab.example:5070 as the page says", () => {
    const doc = readFileSync(join(import.meta.dirname, "../../../docs/cli.md"), "utf8")
    const block = /## A lab's names: `--dns`[\s\S]*?```json\n([\s\S]*?)```/.exec(doc)?.[1]
    expect(block).toBeDefined()
    const zone = parseZone(block ?? "")
    expect(zone._tag).toBe("Ok")
    if (zone._tag !== "Ok") return
    expect(zone.value.naptr?.["lab.example"]?.[0]?.replacement).toBe("_sip._udp.lab.example")
    expect(zone.value.srv?.["_sip._udp.lab.example"]?.[0]).toMatchObject({
      port: 5070,
      target: "pbx.lab.example",
    })
    expect(zone.value.a?.["pbx.lab.example"]).toEqual(["127.0.0.1"])
  })
})

describe("sip send --dns", () => {
  it("finds sip listen through the zone's SRV and A records (RFC 3263 §4.2): 200, exit 0", async () => {
    const listen = await startListen()
    const zone = file(
      "lab.json",
      JSON.stringify({
        srv: {
          "_sip._udp.lab.example": [{ priority: 0, weight: 0, port: listen.port, target: "pbx.lab.example" }],
        },
        a: { "pbx.lab.example": ["127.0.0.1"] },
      }),
    )
    const ran = await runSip([
      "send",
      "OPTIONS",
      "sip:lab.example",
      "--dns",
      zone,
      "--timeout-ms",
      "3000",
      "--json",
    ])
    await listen.stop()
    expect(ran.stdout).toContain('"firstLine":"SIP/2.0 200 OK"')
    expect(ran.code).toBe(0)
  })

  it("a name the zone does not hold is not looked up elsewhere: no target, exit 2", async () => {
    const zone = file("empty.json", "{}")
    const ran = await runSip(["send", "OPTIONS", "sip:localhost:5999", "--dns", zone, "--timeout-ms", "2000"])
    expect(ran.code).toBe(2)
  })

  it("a file that cannot be read: exit 66; one that holds no zone: exit 64 — one line each", async () => {
    const missing = await runSip(["send", "OPTIONS", "sip:lab.example", "--dns", join(dir, "none.json")])
    expect(missing.code).toBe(66)
    expect(missing.stderr).toMatch(/^sip send: cannot read --dns .*none\.json: .*\n$/)
    const bad = await runSip(["listen", "--port", "0", "--dns", file("bad.json", '{"a": {"x": ["nope"]}}')])
    expect(bad.code).toBe(64)
    expect(bad.stderr).toBe(
      `sip listen: --dns ${join(dir, "bad.json")}: "a" of "x": "nope" is not an IPv4 address\n`,
    )
  })
})
