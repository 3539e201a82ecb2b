/**
 * fuzzListen — bad input from the network against a running `sip listen`: it never crashes, never loses state, and
 * answers only what an endpoint may answer. Run by `cli-fuzz.test.ts` inside a network namespace of its own (only
 * loopback up), because a mutated Via, Contact or Record-Route can name any host: whatever `sip listen` sends there
 * (a response, a BYE at shutdown) finds no route, and no name can be resolved.
 *
 * Usage (inside the namespaces, see cli-fuzz.test.ts): node fuzzListen.ts BIN SEED COUNT [uas|proxy|tcp]
 *   BIN: the built `sip` (packages/cli/dist/bin.js); SEED, COUNT: fast-check's seed and how many mutants;
 *   `uas` (default): `sip listen` answers; `proxy`: `sip listen --proxy` with bob registered at a socket of this
 *   driver that answers what the proxy forwards (INVITE 486, others 200; the calls of step 1 and 3 with 200), so the
 *   mutants go through the §16 proxy, its Record-Route and its client transactions, and the calls through it;
 *   `tcp`: `sip listen --transport tcp` answers, as in `uas`, everything over TCP connections (RFC 3261 §18): each
 *   Via says `SIP/2.0/TCP` and the address of the connection it goes on, the responses come back on that connection
 *   (§18.2.2) and the driver cuts them out of the stream by their Content-Length (§18.3). A mutant shares the stream
 *   with the ones before it: a Content-Length that lies takes bytes of the next, a missing one ("The Content-Length
 *   header field MUST be used with stream oriented transports", §18.3) or a message that does not parse makes the
 *   listener close the connection; the next mutant goes on a new one, and the closes are counted.
 * It prints one JSON report on stdout (`FuzzReport`) and exits 0; the test judges the report. With FUZZ_DETAIL=1 it
 * also writes each mutant sent (its text, template, operators and the statuses it got back) to stderr, a JSON line
 * each: what to read when a seed fails.
 *
 * What it does, in order:
 *   1. starts `sip listen --port 0 --json --ring-ms 0` and sets up one call (INVITE, 180, 200, ACK): the state to keep;
 *   2. sends COUNT mutants of real requests and responses (each a template — an INVITE with SDP, a re-INVITE, INFO
 *      and OPTIONS in the call's dialog, BYE and CANCEL and ACK of no dialog, REGISTER, OPTIONS, MESSAGE, a 200 —
 *      changed by one to four operators: a byte replaced, text inserted, a range deleted, a line dropped, doubled or
 *      moved, the tail cut), in batches, reading every datagram that comes back, and checking the listener is alive
 *      after each batch (over TCP: each batch on a new connection, each mutant sent once the one before was answered,
 *      or its connection closed, or 40 ms passed, so that a close is seen before the next mutant is written);
 *   3. proves the state (over TCP on a fresh connection): OPTIONS → 200; the first call's BYE → 200 (its dialog
 *      outlived the fuzz); a new call (INVITE, 200, ACK, BYE, 200);
 *   4. stops the listener with SIGTERM and reports its exit, its stderr and its last line (the summary).
 * A mutant whose text still holds the first call's Call-ID and asks to end it (BYE, CANCEL) is not sent: it would
 * end the state step 3 checks, as it should.
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as dgram from "node:dgram"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import fc from "fast-check"
import { apply, op } from "./fuzzMutations.ts"
import { firstLine, makeTcpWire, makeUdpWire, sleep } from "./fuzzWire.ts"

export interface FuzzReport {
  readonly seed: number
  readonly mode: "uas" | "proxy" | "tcp"
  /** requests bob received from the proxy but ACKs (proxy mode), the calls of steps 1 and 3 included */
  readonly forwarded: number
  readonly sent: number
  readonly skipped: number
  /** status code → how many responses to mutants carried it */
  readonly statuses: Record<string, number>
  /** datagrams back (over TCP: messages framed from the stream) that are not a SIP response, and over TCP the
   * framing errors of what came back, as `framing error: …` (first 5) */
  readonly notResponses: ReadonlyArray<string>
  /** TCP: the connections the listener closed (0 over UDP) */
  readonly connectionsClosed: number
  /** the 5xx answers to mutants (first line and the mutant's first line, first 10) */
  readonly serverErrors: ReadonlyArray<string>
  /** alive after every batch */
  readonly aliveThroughout: boolean
  readonly afterFuzz: {
    readonly options: string
    readonly byeOfFirstCall: string
    readonly newCall: ReadonlyArray<string>
  }
  readonly exit: { readonly code: number | null; readonly signal: string | null }
  readonly stderr: string
  readonly summary: string
  /** the listener's `{"type":"log"}` lines by level */
  readonly logs: Record<string, number>
  /** its log lines at level Error or Fatal (first 5) */
  readonly errorLogs: ReadonlyArray<string>
  /** why it dropped what it dropped: the reasons of its `malformed message …, dropped` log lines, counted */
  readonly dropped: Record<string, number>
  /** its stdout lines that are not JSON (first 5): `--json` promises one object per line */
  readonly notJson: ReadonlyArray<string>
}

const [bin, seedText, countText, modeText = "uas"] = process.argv.slice(2)
if (
  bin === undefined ||
  seedText === undefined ||
  countText === undefined ||
  !["uas", "proxy", "tcp"].includes(modeText)
) {
  process.stderr.write("usage: node fuzzListen.ts BIN SEED COUNT [uas|proxy|tcp]\n")
  process.exit(64)
}
const mode = modeText as "uas" | "proxy" | "tcp"
const seed = Number(seedText)
const count = Number(countText)

// ------------------------------------------------------------------------------------------------ the listener

interface Listener {
  readonly child: ChildProcess
  port: number
  readonly exited: Promise<{ code: number | null; signal: string | null }>
  stdout: string
  stderr: string
  alive: boolean
}

/**
 * The listener's DNS: an empty zone (`--dns`), so a name a mutant puts where the proxy resolves it (a Request-URI, a
 * Route) has no address, and no DNS server or /etc/hosts is asked (the namespaces around the driver stop it too).
 */
const zoneDir = mkdtempSync(join(tmpdir(), "sipkit-fuzz-zone-"))
const emptyZone = join(zoneDir, "empty.json")
writeFileSync(emptyZone, "{}")

const startListener = (): Promise<Listener> =>
  new Promise((resolve, reject) => {
    const roles = mode === "proxy" ? ["--registrar", "--proxy"] : mode === "tcp" ? ["--transport", "tcp"] : []
    const child = spawn(
      process.execPath,
      [bin, "listen", "--port", "0", "--json", "--ring-ms", "0", "--dns", emptyZone, ...roles],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    )
    const kill = setTimeout(() => child.kill("SIGKILL"), 120_000)
    // a driver stopped from outside (the test's timeout sends SIGTERM) takes its listener with it
    process.once("SIGTERM", () => {
      child.kill("SIGKILL")
      process.exit(143)
    })
    const listener: Listener = {
      child,
      port: 0,
      stdout: "",
      stderr: "",
      alive: true,
      exited: new Promise((done) =>
        child.once("close", (code, signal) => {
          clearTimeout(kill)
          listener.alive = false
          done({ code, signal })
        }),
      ),
    }
    child.stderr?.on("data", (chunk: Buffer) => {
      listener.stderr += chunk.toString()
    })
    child.stdout?.on("data", (chunk: Buffer) => {
      const first = listener.stdout === "" || !listener.stdout.includes("\n")
      listener.stdout += chunk.toString()
      if (first && listener.stdout.includes("\n")) {
        const line = JSON.parse(listener.stdout.split("\n")[0] as string) as { type: string; port: number }
        if (line.type !== "listening") reject(new Error(`first line is not "listening": ${line.type}`))
        listener.port = line.port
        resolve(listener)
      }
    })
    void listener.exited.then(() => reject(new Error(`sip listen exited early: ${listener.stderr}`)))
  })

// ------------------------------------------------------------------------------------------------ the wire

const listener = await startListener()
const uas = `127.0.0.1:${listener.port}`
const wire = mode === "tcp" ? makeTcpWire(listener.port) : await makeUdpWire(listener.port)
const received = wire.received

// proxy mode: bob, registered at the proxy, answers on a socket of his own
const bob = dgram.createSocket("udp4")
await new Promise<void>((done) => bob.bind(0, "127.0.0.1", done))
const bobAt = `127.0.0.1:${bob.address().port}`
let forwarded = 0
bob.on("message", (bytes, from) => {
  const request = bytes.toString("latin1")
  const method = /^([A-Za-z]+) /.exec(request)?.[1]
  if (method === undefined || method === "ACK") return
  forwarded++
  const lines = request.split("\r\n")
  const copied = lines.filter((line) => /^(Via|v|From|f|Call-ID|i|CSeq|Record-Route):/i.test(line))
  const to = lines.find((line) => /^(To|t):/i.test(line)) ?? "To: <sip:bob@127.0.0.1>"
  const status = method === "INVITE" && !request.includes("Call-ID: fuzz-") ? "486 Busy Here" : "200 OK"
  const response = crlf([
    `SIP/2.0 ${status}`,
    ...copied,
    /;\s*tag=/i.test(to) ? to : `${to};tag=bob`,
    ...(method === "INVITE" ? [`Contact: <sip:bob@${bobAt}>`] : []),
  ])
  bob.send(Buffer.from(response, "latin1"), from.port, from.address)
})

/** The Request-URI and To of a new request: the UAS itself, or bob's AOR at the proxy. */
const target = mode === "proxy" ? "sip:bob@127.0.0.1" : `sip:service@${uas}`

/** The Via of a request sent now: "the transport protocol used to send the request" and its sent-by, the address of
 * the socket or connection it goes on (§18.1.1); over TCP the response comes back on that connection (§18.2.2). */
const via = (branch: string) => `Via: SIP/2.0/${wire.transport} ${wire.local()};branch=${branch}`

/** The driver's Contact: over TCP with `transport=tcp` (§19.1.1, "the transport mechanism to be used"). */
const contact = () => `sip:fuzz@${wire.local()}${wire.transport === "TCP" ? ";transport=tcp" : ""}`

const send = wire.send

/** Waits until `match` finds a message received from `from` on (at most `ms`), and returns it ("none" if none). */
const awaitMessage = async (from: number, match: (text: string) => boolean, ms = 3000): Promise<string> => {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    const hit = received.slice(from).find(match)
    if (hit !== undefined) return hit
    await sleep(5)
  }
  return "none"
}

const header = (text: string, name: string) =>
  text
    .split("\r\n")
    .find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    ?.slice(name.length + 1)
    .trim()

const crlf = (lines: ReadonlyArray<string>, body = "") =>
  `${[...lines, `Content-Length: ${Buffer.byteLength(body, "latin1")}`].join("\r\n")}\r\n\r\n${body}`

const sdp = [
  "v=0",
  "o=user1 53655765 2353687637 IN IP4 127.0.0.1",
  "s=-",
  "c=IN IP4 127.0.0.1",
  "t=0 0",
  "m=audio 6000 RTP/AVP 0 8 101",
  "a=rtpmap:0 PCMU/8000",
  "a=rtpmap:101 telephone-event/8000",
  "",
].join("\r\n")

interface Call {
  readonly callId: string
  readonly fromTag: string
  toTag: string
  cseq: number
  /** in the dialog: the remote target (the 2xx's Contact) and the route set (its Record-Route), when set */
  target?: string
  route?: string
}

const invite = (call: Call, branch: string, withToTag: boolean) =>
  crlf(
    [
      `INVITE ${call.target ?? target} SIP/2.0`,
      via(branch),
      ...(call.route === undefined ? [] : [`Route: ${call.route}`]),
      `From: sipkit <sip:fuzz@127.0.0.1>;tag=${call.fromTag}`,
      `To: <${target}>${withToTag ? `;tag=${call.toTag}` : ""}`,
      `Call-ID: ${call.callId}`,
      `CSeq: ${call.cseq} INVITE`,
      `Contact: <${contact()}>`,
      "Max-Forwards: 70",
      "Subject: fuzz",
      "Content-Type: application/sdp",
    ],
    sdp,
  )

const inDialog = (call: Call, method: string, branch: string, extra: ReadonlyArray<string> = [], body = "") =>
  crlf(
    [
      `${method} ${call.target ?? target} SIP/2.0`,
      via(branch),
      ...(call.route === undefined ? [] : [`Route: ${call.route}`]),
      `From: sipkit <sip:fuzz@127.0.0.1>;tag=${call.fromTag}`,
      `To: <${target}>;tag=${call.toTag}`,
      `Call-ID: ${call.callId}`,
      `CSeq: ${call.cseq} ${method}`,
      "Max-Forwards: 70",
      ...extra,
    ],
    body,
  )

/** INVITE → 200 → ACK; the call with its To tag. */
const setUpCall = async (callId: string): Promise<{ call: Call; lines: Array<string> }> => {
  const call: Call = { callId, fromTag: `f-${callId}`, toTag: "", cseq: 1 }
  await wire.open()
  const from = received.length
  await send(invite(call, `z9hG4bK-${callId}`, false))
  const ok = await awaitMessage(from, (t) => t.startsWith("SIP/2.0 200") && t.includes(callId))
  const tag = /;\s*tag=([^;>\s]+)/i.exec(header(ok, "To") ?? "")?.[1] ?? ""
  call.toTag = tag
  // §12.1.2: the remote target and the route set; a UAS that answers itself sets no Record-Route
  const contact = /<([^>]+)>/.exec(header(ok, "Contact") ?? "")?.[1]
  const recordRoute = header(ok, "Record-Route")
  if (recordRoute !== undefined && contact !== undefined) {
    call.target = contact
    call.route = recordRoute
  }
  await send(inDialog(call, "ACK", `z9hG4bK-${callId}-ack`))
  return { call, lines: [firstLine(ok)] }
}

// ------------------------------------------------------------------------------------------------ the mutants

if (mode === "proxy") {
  const from = received.length
  await send(
    crlf([
      "REGISTER sip:127.0.0.1 SIP/2.0",
      via("z9hG4bK-fuzz-register"),
      "From: <sip:bob@127.0.0.1>;tag=r",
      "To: <sip:bob@127.0.0.1>",
      "Call-ID: fuzz-register",
      "CSeq: 1 REGISTER",
      `Contact: <sip:bob@${bobAt}>`,
      "Expires: 3600",
      "Max-Forwards: 70",
    ]),
  )
  const registered = firstLine(await awaitMessage(from, (t) => t.includes("fuzz-register")))
  if (registered !== "SIP/2.0 200 OK") throw new Error(`bob's REGISTER: ${registered}`)
}
const first = await setUpCall("fuzz-first-call")

const templates: ReadonlyArray<(i: number) => string> = [
  (i) => invite({ callId: `fz-${i}`, fromTag: `f${i}`, toTag: "", cseq: 1 }, `z9hG4bK-fz${i}`, false),
  (i) => invite({ ...first.call, cseq: 1000 + i }, `z9hG4bK-fz${i}`, true),
  (i) =>
    inDialog(
      { ...first.call, cseq: 1000 + i },
      "INFO",
      `z9hG4bK-fz${i}`,
      ["Content-Type: application/dtmf-relay"],
      "Signal=1\r\nDuration=160\r\n",
    ),
  (i) =>
    inDialog({ ...first.call, cseq: 1000 + i }, "OPTIONS", `z9hG4bK-fz${i}`, ["Accept: application/sdp"]),
  (i) => inDialog({ callId: `fz-${i}`, fromTag: `f${i}`, toTag: `t${i}`, cseq: 2 }, "BYE", `z9hG4bK-fz${i}`),
  (i) => inDialog({ callId: `fz-${i}`, fromTag: `f${i}`, toTag: `t${i}`, cseq: 1 }, "ACK", `z9hG4bK-fz${i}`),
  (i) =>
    crlf([
      `CANCEL ${target} SIP/2.0`,
      via(`z9hG4bK-fz${i}`),
      `From: <sip:fuzz@127.0.0.1>;tag=f${i}`,
      `To: <${target}>`,
      `Call-ID: fz-${i}`,
      "CSeq: 1 CANCEL",
      "Max-Forwards: 70",
    ]),
  (i) =>
    crlf([
      `REGISTER sip:127.0.0.1 SIP/2.0`,
      via(`z9hG4bK-fz${i}`),
      `From: <sip:fuzz@127.0.0.1>;tag=f${i}`,
      "To: <sip:fuzz@127.0.0.1>",
      `Call-ID: fz-${i}`,
      "CSeq: 1 REGISTER",
      `Contact: <${contact()}>;expires=60`,
      "Max-Forwards: 70",
      "Expires: 60",
    ]),
  (i) =>
    crlf(
      [
        `MESSAGE ${target} SIP/2.0`,
        via(`z9hG4bK-fz${i};rport`),
        `From: "Fuzz \\"quoted\\"" <sip:fuzz@127.0.0.1;transport=udp>;tag=f${i}`,
        `To: <${target}>`,
        `Call-ID: fz-${i}`,
        "CSeq: 1 MESSAGE",
        "Max-Forwards: 70",
        "Require: 100rel",
        "Content-Type: text/plain",
      ],
      "hello",
    ),
  (i) =>
    crlf([
      "SIP/2.0 200 OK",
      `Via: SIP/2.0/${wire.transport} ${uas};branch=z9hG4bK-fz${i}`,
      `From: <sip:service@${uas}>;tag=f${i}`,
      "To: <sip:fuzz@127.0.0.1>;tag=t1",
      `Call-ID: fz-${i}`,
      "CSeq: 1 OPTIONS",
    ]),
]

const mutants = fc.sample(
  fc.record({
    template: fc.nat({ max: templates.length - 1 }),
    ops: fc.array(op, { minLength: 1, maxLength: 4 }),
  }),
  { seed, numRuns: count },
)

const endsFirstCall = (text: string) => text.includes(first.call.callId) && /^\s*(BYE|CANCEL)\b/i.test(text)

// ------------------------------------------------------------------------------------------------ the fuzz

const statuses: Record<string, number> = {}
const notResponses: Array<string> = []
const serverErrors: Array<string> = []
let sent = 0
let skipped = 0
let aliveThroughout = true
const detail = process.env["FUZZ_DETAIL"] === "1"
const sentText = new Map<string, { text: string; template: number; ops: Array<string> }>()
const answers = new Map<string, Array<string>>()
const batch = 25
for (let start = 0; start < mutants.length; start += batch) {
  await wire.open(true)
  const from = received.length
  const byBranch = new Map<string, string>()
  for (const [i, mutant] of mutants.slice(start, start + batch).entries()) {
    const n = start + i
    // over TCP the Via names the connection it goes on: a new one when the listener closed the last (§18.3)
    await wire.open()
    const text = mutant.ops.reduce(apply, (templates[mutant.template] as (i: number) => string)(n))
    if (endsFirstCall(text)) {
      skipped++
      continue
    }
    byBranch.set(`fz${n}`, text)
    if (detail)
      sentText.set(`fz${n}`, { text, template: mutant.template, ops: mutant.ops.map((o) => o._tag) })
    await send(text)
    sent++
    // over TCP: its answer, or the listener's close, before the next mutant goes on the connection
    await wire.settle(40)
  }
  // what comes back within 150 ms of quiet
  let seen = received.length
  for (let quiet = 0; quiet < 150; quiet += 10) {
    await sleep(10)
    if (received.length !== seen) {
      seen = received.length
      quiet = 0
    }
  }
  for (const text of received.slice(from)) {
    const status = /^SIP\/2\.0 (\d{3}) /.exec(text)?.[1]
    if (status === undefined) {
      if (notResponses.length < 5) notResponses.push(firstLine(text).slice(0, 120))
      continue
    }
    statuses[status] = (statuses[status] ?? 0) + 1
    const b = /branch=z9hG4bK-(fz\d+)/.exec(text)?.[1]
    if (b !== undefined) answers.set(b, [...(answers.get(b) ?? []), status])
    if (status.startsWith("5") && serverErrors.length < 10) {
      const branch = /branch=z9hG4bK-(fz\d+)/.exec(text)?.[1] ?? ""
      serverErrors.push(`${text}\n<<<<<< ${JSON.stringify(byBranch.get(branch) ?? "?")}`)
    }
  }
  if (!listener.alive) aliveThroughout = false
}

// ------------------------------------------------------------------------------------------------ the state

await sleep(200)
await wire.open(true)
let from = received.length
await send(
  crlf([
    `OPTIONS sip:service@${uas} SIP/2.0`,
    via("z9hG4bK-after-options"),
    "From: <sip:fuzz@127.0.0.1>;tag=after",
    `To: <sip:service@${uas}>`,
    "Call-ID: after-options",
    "CSeq: 1 OPTIONS",
    "Max-Forwards: 70",
  ]),
)
const options = firstLine(await awaitMessage(from, (t) => t.includes("after-options")))

from = received.length
await send(inDialog({ ...first.call, cseq: 2_147_483_647 }, "BYE", "z9hG4bK-first-bye"))
const byeOfFirstCall = firstLine(await awaitMessage(from, (t) => t.includes("z9hG4bK-first-bye")))

const second = await setUpCall("fuzz-second-call")
from = received.length
await send(inDialog({ ...second.call, cseq: 2 }, "BYE", "z9hG4bK-second-bye"))
const newCall = [
  ...second.lines,
  firstLine(await awaitMessage(from, (t) => t.includes("z9hG4bK-second-bye"))),
]

// before SIGTERM: the listener's shutdown closes the connection of step 3
const connectionsClosed = wire.closedByListener()
listener.child.kill("SIGTERM")
const exit = await listener.exited
wire.close()
bob.close()
rmSync(zoneDir, { recursive: true, force: true })
const lines = listener.stdout.trim().split("\n")
const logs: Record<string, number> = {}
const errorLogs: Array<string> = []
const notJson: Array<string> = []
const dropped: Record<string, number> = {}
for (const line of lines) {
  let parsed: { type?: string; level?: string; message?: string }
  try {
    parsed = JSON.parse(line)
  } catch {
    if (notJson.length < 5) notJson.push(line.slice(0, 160))
    continue
  }
  if (parsed.type !== "log") continue
  const level = parsed.level ?? "?"
  const drop = /, dropped: (.*)$/.exec(parsed.message ?? "")?.[1]?.replace(/\d+/g, "N")
  if (drop !== undefined) dropped[drop] = (dropped[drop] ?? 0) + 1
  logs[level] = (logs[level] ?? 0) + 1
  if ((level === "Error" || level === "Fatal") && errorLogs.length < 5) errorLogs.push(line.slice(0, 400))
}
const report: FuzzReport = {
  seed,
  mode,
  forwarded,
  sent,
  skipped,
  statuses,
  notResponses,
  connectionsClosed,
  serverErrors,
  aliveThroughout,
  afterFuzz: { options, byeOfFirstCall, newCall },
  exit,
  stderr: listener.stderr,
  summary: lines[lines.length - 1] ?? "",
  logs,
  dropped,
  errorLogs,
  notJson,
}
process.stdout.write(`${JSON.stringify(report)}\n`)
if (detail)
  for (const [b, m] of sentText)
    process.stderr.write(`${JSON.stringify({ b, ...m, answers: answers.get(b) ?? [] })}\n`)
