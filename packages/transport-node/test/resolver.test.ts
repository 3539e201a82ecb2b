import { expect, it } from "@effect/vitest"
import { Effect, Random } from "effect"
import { describe } from "vitest"
import { orderSrv, resolve, type Target, withFailover } from "../src/dns/Resolver.js"
import { SipDns, type StaticZone, staticDns } from "../src/dns/SipDns.js"

const all = ["UDP", "TCP", "TLS", "WS", "WSS"] as const
const run = (
  zone: StaticZone,
  input: Parameters<typeof resolve>[0],
  supported: ReadonlyArray<(typeof all)[number]> = all,
) => {
  const queries: Array<string> = []
  return resolve(input, supported).pipe(
    Effect.provideService(SipDns, staticDns(zone, queries)),
    Effect.map((targets) => ({ targets, queries })),
  )
}
const t = (transport: Target["transport"], host: string, port: number): Target => ({ transport, host, port })

const zone: StaticZone = {
  naptr: {
    "example.com": [
      {
        order: 20,
        preference: 10,
        flags: "s",
        service: "SIP+D2U",
        regexp: "",
        replacement: "_sip._udp.example.com",
      },
      {
        order: 10,
        preference: 10,
        flags: "s",
        service: "SIP+D2T",
        regexp: "",
        replacement: "_sip._tcp.example.com",
      },
      {
        order: 10,
        preference: 5,
        flags: "s",
        service: "SIPS+D2T",
        regexp: "",
        replacement: "_sips._tcp.example.com",
      },
    ],
  },
  srv: {
    "_sips._tcp.example.com": [{ priority: 0, weight: 0, port: 5061, target: "tls.example.com" }],
    "_sip._tcp.example.com": [
      { priority: 20, weight: 0, port: 5080, target: "backup.example.com" },
      { priority: 10, weight: 0, port: 5060, target: "main.example.com" },
    ],
    "_sip._udp.example.com": [{ priority: 10, weight: 0, port: 5060, target: "main.example.com" }],
    "_sip._tcp.srvonly.org": [{ priority: 1, weight: 1, port: 6000, target: "a.srvonly.org" }],
  },
  a: {
    "tls.example.com": ["192.0.2.5"],
    "main.example.com": ["192.0.2.1"],
    "backup.example.com": ["192.0.2.2"],
    "a.srvonly.org": ["198.51.100.7"],
    "plain.net": ["203.0.113.9"],
  },
  aaaa: { "main.example.com": ["2001:db8::1"] },
}

describe("RFC 3263 §4 resolution (fake DNS only)", () => {
  it.effect("a numeric host needs no DNS: UDP for sip, TLS for sips, default ports (§4.1, §4.2)", () =>
    Effect.gen(function* () {
      const a = yield* run(zone, { secure: false, host: "10.0.0.1" })
      expect(a.targets).toEqual([t("UDP", "10.0.0.1", 5060)])
      expect(a.queries).toEqual([])
      const b = yield* run(zone, { secure: true, host: "[::1]", port: 7000 })
      expect(b.targets).toEqual([t("TLS", "::1", 7000)])
    }),
  )

  it.effect("an explicit port skips NAPTR and SRV and looks up A/AAAA (§4.2)", () =>
    Effect.gen(function* () {
      const r = yield* run(zone, { secure: false, host: "main.example.com", port: 5070, transport: "tcp" })
      expect(r.targets).toEqual([t("TCP", "192.0.2.1", 5070), t("TCP", "2001:db8::1", 5070)])
      expect(r.queries).toEqual(["A main.example.com", "AAAA main.example.com"])
    }),
  )

  it.effect("NAPTR by order then preference, each through SRV by priority, then A/AAAA", () =>
    Effect.gen(function* () {
      const r = yield* run(zone, { secure: false, host: "example.com" })
      expect(r.targets).toEqual([
        t("TLS", "192.0.2.5", 5061),
        t("TCP", "192.0.2.1", 5060),
        t("TCP", "2001:db8::1", 5060),
        t("TCP", "192.0.2.2", 5080),
        t("UDP", "192.0.2.1", 5060),
        t("UDP", "2001:db8::1", 5060),
      ])
      expect(r.queries[0]).toBe("NAPTR example.com")
    }),
  )

  it.effect("NAPTR services we do not support are skipped; sips keeps only secure transports", () =>
    Effect.gen(function* () {
      const udpOnly = yield* run(zone, { secure: false, host: "example.com" }, ["UDP"])
      expect(udpOnly.targets.map((x) => x.transport)).toEqual(["UDP", "UDP"])
      const sips = yield* run(zone, { secure: true, host: "example.com" })
      expect(sips.targets).toEqual([t("TLS", "192.0.2.5", 5061)])
    }),
  )

  it.effect("no NAPTR: SRV probes per supported transport (§4.1)", () =>
    Effect.gen(function* () {
      const r = yield* run(zone, { secure: false, host: "srvonly.org" })
      expect(r.targets).toEqual([t("TCP", "198.51.100.7", 6000)])
    }),
  )

  it.effect("no NAPTR and no SRV: A/AAAA at the default port over UDP (§4.1)", () =>
    Effect.gen(function* () {
      const r = yield* run(zone, { secure: false, host: "plain.net" })
      expect(r.targets).toEqual([t("UDP", "203.0.113.9", 5060)])
      const none = yield* run(zone, { secure: false, host: "nowhere.invalid" })
      expect(none.targets).toEqual([])
    }),
  )

  it.effect("explicit transport param → that transport's SRV, falling back to A/AAAA (§4.2)", () =>
    Effect.gen(function* () {
      const r = yield* run(zone, { secure: false, host: "plain.net", transport: "TCP" })
      expect(r.targets).toEqual([t("TCP", "203.0.113.9", 5060)])
    }),
  )

  it.effect("RFC 2782: lower priority first; heavier weights win more often", () =>
    Effect.gen(function* () {
      const records = [
        { priority: 1, weight: 90, port: 1, target: "heavy" },
        { priority: 1, weight: 10, port: 2, target: "light" },
        { priority: 0, weight: 0, port: 3, target: "first" },
      ]
      let heavyFirst = 0
      for (let seed = 0; seed < 200; seed++) {
        const ordered = yield* orderSrv(records).pipe(Random.withSeed(seed))
        expect(ordered[0]!.target).toBe("first")
        expect(ordered.map((r) => r.target).sort()).toEqual(["first", "heavy", "light"])
        if (ordered[1]!.target === "heavy") heavyFirst++
      }
      expect(heavyFirst).toBeGreaterThan(140)
      expect(heavyFirst).toBeLessThan(200)
    }),
  )

  it.effect("failover (§4.3): moves on after a retryable outcome, stops at the first good one", () =>
    Effect.gen(function* () {
      const tried: Array<string> = []
      const targets = [t("UDP", "192.0.2.1", 5060), t("UDP", "192.0.2.2", 5060), t("UDP", "192.0.2.3", 5060)]
      const status = yield* withFailover(
        targets,
        (target) =>
          Effect.sync(() => {
            tried.push(target.host)
            return target.host === "192.0.2.1" ? 503 : 200
          }),
        (o) => o._tag === "Failure" || o.value === 503,
      )
      expect(status).toBe(200)
      expect(tried).toEqual(["192.0.2.1", "192.0.2.2"])
      const failing = yield* Effect.flip(
        withFailover(
          targets,
          () => Effect.fail("timeout" as const),
          () => true,
        ),
      )
      expect(failing).toBe("timeout")
      expect(
        yield* Effect.flip(
          withFailover(
            [],
            () => Effect.succeed(1),
            () => true,
          ),
        ),
      ).toBe("NoTargets")
    }),
  )
})
