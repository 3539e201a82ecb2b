/**
 * `sip listen` answering odd and malformed requests as RFC 3261 §8.2 (and the RFC 4475 torture tests) expect of an
 * endpoint: raw datagrams sent with node:dgram, the status line of the answer read back.
 */
import * as dgram from "node:dgram"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { jsonLines, startListen } from "./support/sip.js"

/** Sends `text` (LF → CRLF) to the listener and resolves with the first line of the first answer (or "none"). */
const exchange = (port: number, text: string, waitMs = 3000): Promise<string> =>
  firstAnswer(port, text, waitMs).then((answer) => answer.split("\r\n")[0] ?? "")

/** Sends `text` (LF → CRLF) to the listener and resolves with the whole first answer (or "none"). */
const firstAnswer = (port: number, text: string, waitMs = 3000): Promise<string> =>
  new Promise((resolve) => {
    const socket = dgram.createSocket("udp4")
    const done = (line: string) => {
      clearTimeout(timer)
      socket.close()
      resolve(line)
    }
    const timer = setTimeout(() => done("none"), waitMs)
    socket.on("message", (bytes) => done(bytes.toString()))
    socket.bind(0, "127.0.0.1", () => {
      const local = socket.address().port
      const message = text.replaceAll("{local}", `127.0.0.1:${local}`).replace(/\r?\n/g, "\r\n")
      socket.send(message, port, "127.0.0.1")
    })
  })

const request = (lines: ReadonlyArray<string>) => `${lines.join("\n")}\n\n`

const base = (
  method: string,
  uri: string,
  extra: ReadonlyArray<string> = [],
  omit: ReadonlyArray<string> = [],
) =>
  request(
    [
      `${method} ${uri} SIP/2.0`,
      "Via: SIP/2.0/UDP {local};branch=z9hG4bK-torture-" + Math.random().toString(16).slice(2),
      "Max-Forwards: 70",
      "From: <sip:torture@example.com>;tag=t1",
      "To: <sip:listen@example.com>",
      `Call-ID: torture-${Math.random().toString(16).slice(2)}@example.com`,
      `CSeq: 1 ${method}`,
      ...extra,
      "Content-Length: 0",
    ].filter((line) => !omit.some((name) => line.startsWith(`${name}:`))),
  )

describe("sip listen answers what an endpoint must (RFC 3261 §8.2, RFC 4475)", () => {
  const cases = (): ReadonlyArray<readonly [string, string, string]> => [
    ["a plain OPTIONS", base("OPTIONS", "sip:listen@127.0.0.1"), "SIP/2.0 200 OK"],
    ["an unknown method (§8.2.1)", base("NEWMETHOD", "sip:listen@127.0.0.1"), "SIP/2.0 501 Not Implemented"],
    [
      "SUBSCRIBE, known but not handled (§8.2.1)",
      base("SUBSCRIBE", "sip:listen@127.0.0.1"),
      "SIP/2.0 405 Method Not Allowed",
    ],
    [
      "an unsupported URI scheme (§8.2.2.1; RFC 4475 unksm)",
      base("OPTIONS", "nope:listen@127.0.0.1"),
      "SIP/2.0 416 Unsupported URI Scheme",
    ],
    [
      "a Require we do not know (§8.2.2.3)",
      base("OPTIONS", "sip:listen@127.0.0.1", ["Require: nothingweknow"]),
      "SIP/2.0 420 Bad Extension",
    ],
    [
      "no Call-ID (§8.1.1, mandatory)",
      base("OPTIONS", "sip:listen@127.0.0.1", [], ["Call-ID"]),
      "SIP/2.0 400 Bad Request",
    ],
    [
      "a CSeq method that is not the request's (§8.1.1.5; RFC 4475 mismatch01)",
      base("OPTIONS", "sip:listen@127.0.0.1").replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE"),
      "SIP/2.0 400 Bad Request",
    ],
    [
      "a BYE outside any dialog (§15.1.2)",
      base("BYE", "sip:listen@127.0.0.1").replace(
        "To: <sip:listen@example.com>",
        "To: <sip:listen@example.com>;tag=nope",
      ),
      "SIP/2.0 481 Call/Transaction Does Not Exist",
    ],
    [
      "a CANCEL that matches nothing (§9.2)",
      base("CANCEL", "sip:listen@127.0.0.1"),
      "SIP/2.0 481 Call/Transaction Does Not Exist",
    ],
    ["REGISTER without --registrar", base("REGISTER", "sip:127.0.0.1"), "SIP/2.0 405 Method Not Allowed"],
  ]

  it("answers each case with the RFC's status", async () => {
    const listen = await startListen(["--quiet"])
    const answers: Array<string> = []
    for (const [, text] of cases()) answers.push(await exchange(listen.port, text))
    await listen.stop()
    expect(answers).toEqual(cases().map(([, , status]) => status))
  })

  it("on the runtime's endpoint (udp beside tcp) answers each case with the same status code", async () => {
    const listen = await startListen(["--quiet", "--transport", "udp", "--transport", "tcp"])
    const answers: Array<string> = []
    for (const [, text] of cases()) answers.push(await exchange(listen.port, text))
    const stopped = await listen.stop()
    // the runtime answers a request it cannot route (no Call-ID) statelessly, the fault as its reason phrase
    expect(answers.map((line) => line.split(" ").slice(0, 2).join(" "))).toEqual(
      cases().map(([, , status]) => status.split(" ").slice(0, 2).join(" ")),
    )
    expect(jsonLines(stopped.stdout).find((o) => o.type === "summary")).toMatchObject({
      requests: { OPTIONS: 5, NEWMETHOD: 1, SUBSCRIBE: 1, BYE: 1, CANCEL: 1, REGISTER: 1 },
    })
  })

  it.each([
    ["clerr", "SIP/2.0 400 Bad Request"],
    ["ncl", "SIP/2.0 400 Bad Request"],
    ["mcl01", "SIP/2.0 400 Bad Request"],
    ["ltgtruri", "SIP/2.0 400 Bad Request"],
    ["lwsruri", "SIP/2.0 400 Bad Request"],
    ["lwsstart", "SIP/2.0 400 Bad Request"],
    ["trws", "SIP/2.0 400 Bad Request"],
    ["badvers", "SIP/2.0 505 Version Not Supported"],
  ])(
    "answers RFC 4475's %s, which does not parse, with the status the RFC names (§18.3, RFC 4475 §3.1.2)",
    async (name, status) => {
      // the fixture's exact bytes, its one Via pointed at this test's socket (the RFC's hosts are not on loopback)
      const fixture = readFileSync(
        new URL(`../../codec/test/fixtures/rfc4475/${name}.sip`, import.meta.url),
        "latin1",
      )
      const text = fixture.replace(/^Via:[^\r\n]*/m, "Via: SIP/2.0/UDP {local};branch=z9hG4bK-4475")
      expect(text).not.toBe(fixture)
      const listen = await startListen(["--quiet"])
      const answer = await exchange(listen.port, text)
      const stopped = await listen.stop()
      expect(answer).toBe(status)
      expect(jsonLines(stopped.stdout).find((o) => o.type === "summary")).toMatchObject({ malformed: 1 })
      expect(jsonLines(stopped.stdout).find((o) => o.type === "log")).toMatchObject({
        level: "Warn",
        message: expect.stringMatching(
          new RegExp(`^malformed request from UDP 127\\.0\\.0\\.1:\\d+, answered ${status.split(" ")[1]}: `),
        ),
      })
    },
  )

  it("OPTIONS, 405, 501 and the 180 to an INVITE name the same Allow, and OPTIONS the 180's Supported (replaces)", async () => {
    const listen = await startListen(["--quiet"])
    const options = await firstAnswer(listen.port, base("OPTIONS", "sip:listen@127.0.0.1"))
    const subscribe = await firstAnswer(
      listen.port,
      base("SUBSCRIBE", "sip:listen@127.0.0.1", ["Event: presence"]),
    )
    const unknown = await firstAnswer(listen.port, base("NEWMETHOD", "sip:listen@127.0.0.1"))
    const ringing = await firstAnswer(
      listen.port,
      base("INVITE", "sip:listen@127.0.0.1", ["Contact: <sip:t@{local}>"]),
    )
    await listen.stop()
    const field = (text: string, name: string) => new RegExp(`\r\n${name}: ?([^\r]*)\r\n`).exec(text)?.[1]
    expect([subscribe, unknown, ringing].map((t) => t.split(" ").slice(0, 2).join(" "))).toEqual([
      "SIP/2.0 405",
      "SIP/2.0 501",
      "SIP/2.0 180",
    ])
    const allow = field(options, "Allow")
    expect(allow).toBe("INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE, INFO, UPDATE")
    for (const text of [subscribe, unknown, ringing])
      expect(new Set(field(text, "Allow")?.split(", "))).toEqual(new Set(allow?.split(", ")))
    expect(field(options, "Supported")).toBe("replaces")
    expect(field(options, "Supported")).toBe(field(ringing, "Supported"))
  })

  it("drops what it cannot parse and counts it as malformed (no Via to answer to)", async () => {
    const listen = await startListen(["--quiet"])
    const answer = await exchange(listen.port, "this is not SIP\n\n", 800)
    const stopped = await listen.stop()
    expect(answer).toBe("none")
    expect(stopped.stdout).toMatch(/"malformed":1/)
  })
})
