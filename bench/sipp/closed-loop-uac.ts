/**
 * closed-loop-uac — SIPp's built-in `uac` call (INVITE with SDP, ACK, BYE; its own headers and body) kept at a fixed
 * number of calls in flight, to COUNT what a UAS costs per call rather than to find its highest rate (issue 8).
 *
 * SIPp sends at a rate: under valgrind a UAS runs ~50× slower, falls behind, and SIPp's retransmissions and
 * timeouts change the work counted (two counts of one build 15% apart). Here a call starts only when one has ended
 * (`lanes` at a time), nothing is ever retransmitted, and no call is given up on: the work per call is the same at
 * any speed. Count the UAS at two call counts and divide the difference, so start-up and compilation cancel:
 *
 *   valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
 *     ../node_modules/.bin/node --single-threaded --predictable ../packages/cli/dist/bin.js listen --port 15390 --quiet &
 *   node sipp/closed-loop-uac.ts 15390 300 2       # then stop the listener (SIGINT) and read its "I refs"
 *   (again with 1200 calls; instructions per call = (I refs₁₂₀₀ − I refs₃₀₀) / 900)
 *
 * Keep the lanes few (2): under valgrind on a busy machine a call's round trip with 10 in flight nears T1 (500 ms),
 * the UAS then retransmits its 2xx (§13.3.1.4) and the count grows with the wall time (session 9: two counts of one
 * build 21% apart). Loopback only: the UAS must listen on 127.0.0.1.
 *
 * The first call waits for the UAS: once its port is bound (the kernel's tables, read every 100 ms), an OPTIONS is
 * sent every 2 s until anything answers it (a listener started under valgrind binds its port seconds after it starts;
 * an INVITE sent before that is lost, and its lane stalled; OPTIONS sent every 200 ms piled up in a slow listener's
 * socket and were all answered, a varying count in the work measured).
 *
 * Usage: node sipp/closed-loop-uac.ts PORT CALLS [LANES=2] [--timeout-ms=600000]. Prints one line (calls, time)
 * and exits 0 when every call has ended with the BYE's 200; exits 1 on a timeout (no retransmission: a lost datagram
 * stalls its lane), 64 on bad arguments.
 */
import { createSocket } from "node:dgram"
import { udpBound } from "../src/udpBound.ts"

const usage = "usage: node sipp/closed-loop-uac.ts PORT CALLS [LANES=2] [--timeout-ms=N]"
const positional = process.argv.slice(2).filter((a) => !a.startsWith("--"))
const option = process.argv.slice(2).find((a) => a.startsWith("--timeout-ms="))
const whole = (text: string | undefined, fallback?: number): number =>
  text === undefined ? (fallback ?? Number.NaN) : /^\d+$/.test(text) ? Number(text) : Number.NaN
const port = whole(positional[0])
const calls = whole(positional[1])
const lanes = whole(positional[2], 2)
const timeoutMs = whole(option?.slice("--timeout-ms=".length), 600_000)
if (![port, calls, lanes, timeoutMs].every((n) => Number.isInteger(n) && n > 0) || port > 65535) {
  console.error(`closed-loop-uac: PORT, CALLS and LANES must be positive integers (PORT ≤ 65535) — ${usage}`)
  process.exit(64)
}

const host = "127.0.0.1"
const socket = createSocket("udp4")
const sdp =
  "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
  "m=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
let local = 0
let started = 0
let ended = 0
const began = performance.now()
/** Calls whose 200 to the INVITE was answered (a retransmitted 200 gets its ACK again, not a second BYE). */
const acked = new Set<number>()

/** The lines every request of call `n` shares, as SIPp writes them. */
const common = (n: number, branch: string, to: string): string =>
  `Via: SIP/2.0/UDP ${host}:${local};branch=z9hG4bK-${n}-${branch}\r\n` +
  `From: sipp <sip:sipp@${host}:${local}>;tag=${n}SIPpTag00${n}\r\nTo: ${to}\r\nCall-ID: ${n}-uac@${host}\r\n`

const request = (method: string, n: number, branch: string, to: string, cseq: string, body = ""): void => {
  const head =
    `${method} sip:service@${host}:${port} SIP/2.0\r\n${common(n, branch, to)}CSeq: ${cseq}\r\n` +
    `Contact: sip:sipp@${host}:${local}\r\nMax-Forwards: 70\r\nSubject: Performance Test\r\n`
  const type = body === "" ? "" : "Content-Type: application/sdp\r\n"
  socket.send(`${head}${type}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`, port, host)
}

const startCall = (): void => {
  if (started >= calls) return
  started += 1
  request("INVITE", started, "0", `service <sip:service@${host}:${port}>`, "1 INVITE", sdp)
}

/** A header line's value in `text` (SIPp-style full names; the UAS may use any case). */
const headerValue = (text: string, name: string): string | undefined =>
  new RegExp(`\\r\\n${name}:[ \\t]*([^\\r]*)`, "i").exec(text)?.[1]

/** The OPTIONS probe until the UAS first answers (then undefined). */
let probing: ReturnType<typeof setInterval> | undefined
let probes = 0

const probe = (): void =>
  socket.send(
    `OPTIONS sip:service@${host}:${port} SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP ${host}:${local};branch=z9hG4bK-probe-${++probes}\r\n` +
      `From: sipp <sip:sipp@${host}:${local}>;tag=probe\r\nTo: <sip:service@${host}:${port}>\r\n` +
      `Call-ID: probe-uac@${host}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`,
    port,
    host,
  )

socket.on("message", (datagram) => {
  const text = datagram.toString("latin1")
  if (probing !== undefined) {
    // the UAS answers: the calls start (the probe's own answers are not a call's)
    clearInterval(probing)
    probing = undefined
    for (let i = 0; i < lanes; i++) startCall()
    return
  }
  if (!text.startsWith("SIP/2.0 200")) return
  const n = Number(/^(\d+)-uac@/.exec(headerValue(text, "Call-ID") ?? "")?.[1] ?? Number.NaN)
  const method = /^\d+\s+(\S+)/.exec(headerValue(text, "CSeq") ?? "")?.[1]
  const to = headerValue(text, "To")
  if (!Number.isInteger(n) || to === undefined) return
  if (method === "INVITE") {
    request("ACK", n, "5", to, "1 ACK")
    if (acked.has(n)) return
    acked.add(n)
    request("BYE", n, "7", to, "2 BYE")
  } else if (method === "BYE") {
    // a call ends once, however many 200s its BYE gets
    if (!acked.delete(n)) return
    ended += 1
    if (ended === calls) {
      console.log(
        `closed-loop-uac: ${calls} calls (${lanes} in flight) in ${Math.round(performance.now() - began)} ms`,
      )
      socket.close()
      process.exit(0)
    }
    startCall()
  }
})

socket.bind(0, host, () => {
  local = socket.address().port
  // no packet before the UAS's port is bound (read from the kernel's tables every 100 ms), then one OPTIONS every
  // 2 s until it answers: a listener under valgrind binds seconds after it starts and answers slowly at first, and
  // OPTIONS sent every 200 ms piled up in its socket and were all answered, a varying count in the work measured
  probing = setInterval(() => {
    if (!udpBound(port)) return
    clearInterval(probing)
    probing = setInterval(probe, 2000)
    probe()
  }, 100)
})

setTimeout(() => {
  console.error(`closed-loop-uac: timed out after ${timeoutMs} ms with ${ended} of ${calls} calls ended`)
  process.exit(1)
}, timeoutMs).unref()
