/**
 * floor-uas — the least a Node UAS can do for SIPp's built-in `uac` scenario, to show what Node itself costs per
 * call (issue 8's load benchmark, target `node-floor`; not in the default set). No parser, no transaction, no
 * dialog, no timers: the INVITE gets a 180 and a 200 and the BYE a 200, each made by copying the request's Via,
 * From, To (with a counter as To tag), Call-ID and CSeq lines; anything else is ignored. It is NOT a UAS anyone
 * should run (no retransmission handling, no validation): it is the floor under every real one on this runtime —
 * a datagram in, the `message` event, a string, a `send` — against which `sip listen`'s CPU per call reads.
 * Usage: `node sipp/floor-uas.ts [port] [address]`.
 */
import { createSocket, type RemoteInfo } from "node:dgram"

const port = Number(process.argv[2] ?? 15060)
const address = process.argv[3] ?? "127.0.0.1"
// the same 4 MiB socket buffers the harness gives every target
const socket = createSocket({ type: "udp4", recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 })
let tags = 0

/** The whole header line `Name: …` as SIPp writes it (full names, one line each). */
const line = (text: string, name: string): string => {
  const at = text.indexOf(`\r\n${name}:`) + 2
  return text.slice(at, text.indexOf("\r\n", at))
}

const reply = (text: string, status: string, tag: string, to: RemoteInfo): void => {
  const toLine = tag === "" ? line(text, "To") : `${line(text, "To")};tag=${tag}`
  socket.send(
    `SIP/2.0 ${status}\r\n${line(text, "Via")}\r\n${line(text, "From")}\r\n${toLine}\r\n` +
      `${line(text, "Call-ID")}\r\n${line(text, "CSeq")}\r\nContact: <sip:uas@${address}:${port}>\r\n` +
      "Content-Length: 0\r\n\r\n",
    to.port,
    to.address,
  )
}

socket.on("message", (datagram, from) => {
  const text = datagram.toString("latin1")
  if (text.startsWith("INVITE ")) {
    const tag = `floor${(tags++).toString(36)}`
    reply(text, "180 Ringing", tag, from)
    reply(text, "200 OK", tag, from)
  } else if (text.startsWith("BYE ")) reply(text, "200 OK", "", from)
})
socket.bind(port, address, () => process.stderr.write(`floor-uas listening on udp ${address}:${port}\n`))
process.on("SIGTERM", () => process.exit(0))
process.on("SIGINT", () => process.exit(0))
