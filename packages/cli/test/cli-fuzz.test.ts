/**
 * Bad input from the network never crashes `sip listen` nor loses its state: mutants of real requests and responses
 * (support/fuzzListen.ts) sent to a running listener with one call up, then the call, a new call and OPTIONS
 * checked; once more with `--proxy`, the mutants forwarded to a registered contact; once more with `--transport tcp`,
 * the mutants sharing TCP streams that the listener closes on a framing error (RFC 3261 §18.3).
 *
 * Run in a network namespace of its own (`unshare -n`, loopback only): a mutated Via, Contact or Record-Route can
 * name any host, and nothing the listener sends there may leave the machine. And in a mount namespace whose
 * /etc/resolv.conf names a server on loopback where none listens: a name the proxy is asked to resolve (a mutated
 * Request-URI or Route) is answered "refused" at once, and no query goes to a real DNS server.
 */
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { knownMethods } from "@sipkit/fsm/ua"
import { describe, expect, it } from "vitest"
import type { FuzzReport } from "./support/fuzzListen.js"
import { bin, inLab } from "./support/sip.js"

const driver = join(dirname(fileURLToPath(import.meta.url)), "support/fuzzListen.ts")

/** The driver in a lab (support/sip.ts `inLab`: loopback only, no DNS server); its report. */
const fuzz = (seed: number, count: number, mode: FuzzReport["mode"]): FuzzReport => {
  const ran = inLab('exec "$@"', [process.execPath, driver, bin, String(seed), String(count), mode], {
    timeoutMs: 90_000,
  })
  if (ran.status !== 0)
    throw new Error(
      `the fuzz driver failed (needs root for unshare -n -m): ${ran.status} ${ran.error ?? ""} ${ran.stderr}`,
    )
  return JSON.parse(ran.stdout) as FuzzReport
}

describe("sip listen under mutated input (in a network namespace of its own)", () => {
  it.each([
    [1, "uas"],
    [2, "uas"],
    [3, "proxy"],
    [4, "tcp"],
  ] as const)(
    "seed %d, as %s: 500 mutants, then its call, OPTIONS and a new call still work",
    (seed, mode) => {
      const report = fuzz(seed, 500, mode)
      // as a proxy (bob registered at the driver): the mutants that parse went through the §16 proxy to bob
      if (mode === "proxy") expect(report.forwarded).toBeGreaterThan(30)
      expect(report.sent + report.skipped).toBe(500)
      expect(report.sent).toBeGreaterThan(450)
      // never crashed, never wrote anything but JSON lines with --json, never logged an error (a handler's defect)
      expect(report.aliveThroughout).toBe(true)
      expect(report.exit).toEqual({ code: 0, signal: null })
      expect(report.stderr).toBe("")
      expect(report.notJson).toEqual([])
      expect(report.errorLogs).toEqual([])
      expect(report.logs["Warn"]).toBeGreaterThan(0) // every dropped datagram is a log line
      // only responses came back (over TCP: each framed by its Content-Length, §18.3); a 5xx only as §14.2's 500
      // with Retry-After to a re-INVITE while one is pending, or, as a proxy, as §16.7's 500 in place of a 503 (a
      // branch that could not be sent)
      expect(report.notResponses).toEqual([])
      const summary = JSON.parse(report.summary) as {
        type: string
        callsEnded: number
        registrations: number
        malformed: number
        messagesIn: Record<string, number>
      }
      for (const error of report.serverErrors) {
        // over TCP also §21.5.2's 501 with Allow, to a method the listener does not recognize (§8.2.1; RFC 4475
        // §3.1.2.18: 501 even when the CSeq names another method): a message that begins where the one before it
        // ended by a lying Content-Length starts mid-method ("VITE", "OPTIOINVITE")
        if (mode === "tcp" && error.startsWith("SIP/2.0 501 ")) {
          expect(error).toMatch(/\r\nAllow: [A-Z, ]+\r\n/)
          continue
        }
        expect(error).toMatch(/^SIP\/2\.0 500 /)
        if (mode !== "proxy") {
          expect(error).toMatch(/\r\nRetry-After: \d+\r\n/)
          expect(error).toMatch(/\r\nCSeq: \d+ INVITE\r\n/)
        }
      }
      if (mode === "tcp") {
        // each 501 answered a request whose method the listener counted and does not recognize (fsm's knownMethods)
        const unknown = Object.entries(summary.messagesIn)
          .filter(([label]) => !/^\d{3}$/.test(label) && !knownMethods.includes(label))
          .reduce((sum, [, n]) => sum + n, 0)
        expect(report.statuses["501"] ?? 0).toBeLessThanOrEqual(unknown)
      }
      // a mutant that does not parse but has readable header fields gets its 400 (§18.3, RFC 4475 §3.1.2); over TCP
      // one that does not frame or parse costs its connection instead (the stream cannot be read past it, §18.3)
      expect(report.connectionsClosed).toBeTypeOf("number")
      expect(report.connectionsClosed).toBeGreaterThanOrEqual(0)
      if (mode === "tcp") {
        // the listener closes a connection only on a fault it counts as malformed
        expect(report.connectionsClosed).toBeLessThanOrEqual(summary.malformed)
        expect((report.statuses["400"] ?? 0) + report.connectionsClosed).toBeGreaterThan(100)
      } else {
        expect(report.connectionsClosed).toBe(0)
        expect(report.statuses["400"] ?? 0).toBeGreaterThan(100)
      }
      // the state outlived the fuzz (over TCP: the connections closed on it, and the checks on a fresh one): the
      // first call's BYE finds its dialog, and the listener still answers
      expect(report.afterFuzz).toEqual({
        options: "SIP/2.0 200 OK",
        byeOfFirstCall: "SIP/2.0 200 OK",
        newCall: ["SIP/2.0 200 OK", "SIP/2.0 200 OK"],
      })
      // the two calls ended at the listener, or (as a proxy) went through it to bob (registered; mutants of the
      // REGISTER template may have registered more)
      expect(summary.type).toBe("summary")
      if (mode !== "proxy") expect(summary.callsEnded).toBe(2)
      else expect(summary.registrations).toBeGreaterThanOrEqual(1)
    },
  )
})
