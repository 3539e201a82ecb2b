/**
 * sip-uas — a minimal UAS on the npm package `sip` (kirm/sip.js), the reference point of issue 8's load benchmark.
 *
 * It answers what SIPp's built-in `uac` scenario sends and nothing more: INVITE → 180 Ringing, then 200 OK (with
 * a To tag and a Contact); ACK → nothing; BYE → 200 OK; anything else → 200 OK. UDP only, one loopback address.
 * The package's own transaction layer absorbs retransmissions. Its UDP socket gets 4 MiB buffers, as every target
 * of the load harness does. Usage: `node sipp/sip-uas.ts [port] [address]`.
 */
import { createRequire } from "node:module"

const require = createRequire(import.meta.url)

// The same 4 MiB socket buffers the load harness gives SIPp (`-buff_size`) and `sip listen` asks for (the kernel
// caps them at net.core.rmem_max/wmem_max): the package creates its socket with `dgram.createSocket(type, onMessage)`,
// so the buffers are added there. Without them a burst overflows the default ~208 KiB and costs retransmissions.
const socketBufferBytes = 4 * 1024 * 1024
const dgram: typeof import("node:dgram") = require("node:dgram")
const createSocket = dgram.createSocket
// biome-ignore lint/suspicious/noExplicitAny: wraps the overloaded createSocket for the `sip` package's one call.
;(dgram as any).createSocket = (type: "udp4" | "udp6", listener?: (...args: Array<any>) => void) =>
  createSocket({ type, recvBufferSize: socketBufferBytes, sendBufferSize: socketBufferBytes }, listener)
// biome-ignore lint/suspicious/noExplicitAny: the `sip` package ships no types.
const sip: any = require("sip")

const port = Number(process.argv[2] ?? 15060)
const address = process.argv[3] ?? "127.0.0.1"
let tagCounter = 0

// biome-ignore lint/suspicious/noExplicitAny: a `sip` package message.
const answer = (rq: any, status: number, reason: string, toTag?: string): void => {
  const rs = sip.makeResponse(rq, status, reason)
  if (toTag !== undefined) {
    rs.headers.to = { ...rq.headers.to, params: { ...rq.headers.to.params, tag: toTag } }
    rs.headers.contact = [{ uri: `sip:uas@${address}:${port}` }]
  }
  sip.send(rs)
}

sip.start(
  { address, port, udp: true, tcp: false, logger: { error: (e: unknown) => process.stderr.write(`${e}\n`) } },
  // biome-ignore lint/suspicious/noExplicitAny: a `sip` package message.
  (rq: any) => {
    switch (rq.method) {
      case "INVITE": {
        const tag = `uas${(tagCounter++).toString(36)}`
        answer(rq, 180, "Ringing", tag)
        answer(rq, 200, "OK", tag)
        return
      }
      case "ACK":
        return
      default:
        answer(rq, 200, "OK")
    }
  },
)
process.stderr.write(`sip-uas (npm sip) listening on udp ${address}:${port}\n`)
process.on("SIGTERM", () => process.exit(0))
process.on("SIGINT", () => process.exit(0))
