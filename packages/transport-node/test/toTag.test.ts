/**
 * Server.onRequest reads a new request's To tag once (codec `getToTag`, as the UA core reads it, §12.2.2): without a
 * tag the request goes to the core as outside any dialog, its call not looked up again (`call: null`); with one it
 * is looked up among the dialogs (481 when none, §12.2.2); a To that does not parse is the core's to refuse (§8.2).
 * Raw requests over TCP on loopback, each answered by the MESSAGE handler or the stack; and over UDP, with a Route
 * naming the endpoint, where the two ways part: a tagged request of no dialog of ours is passed on as Record-Routed
 * (§16.4), a tagless one is its handler's (either shortcut gone wrong fails it: checked by mutating the condition).
 */
import * as dgram from "node:dgram"
import * as net from "node:net"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { describe } from "vitest"
import { respond } from "../src/Handlers.js"
import { endpoint, tcp4, udp4 } from "./support/endpoints.js"

const message = (branch: string, port: number, to: string) =>
  [
    "MESSAGE sip:bob@127.0.0.1 SIP/2.0",
    `Via: SIP/2.0/TCP 127.0.0.1:${port};branch=z9hG4bK${branch}`,
    "Max-Forwards: 70",
    "From: <sip:raw@127.0.0.1>;tag=r1",
    `To: ${to}`,
    `Call-ID: totag-${branch}`,
    "CSeq: 1 MESSAGE",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n")

/** The status line answering one request written on a fresh connection (bounded by a timeout). */
const answerTo = (port: number, branch: string, to: string) =>
  Effect.callback<string>((resume) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(message(branch, socket.localPort!, to)))
    let text = ""
    socket.on("data", (d: Buffer) => {
      text += d.toString()
      const line = text.match(/^SIP\/2\.0 \d{3}[^\r]*/m)
      if (line !== null) {
        socket.destroy()
        resume(Effect.succeed(line[0]))
      }
    })
  }).pipe(Effect.timeout("3 seconds"))

describe("a request's To tag, read once by the server side", () => {
  it.live(
    "no tag → the handler (outside a dialog); a tag of no dialog → 481; a To that does not parse → 400",
    () =>
      Effect.gen(function* () {
        let handled = 0
        const ep = yield* endpoint([tcp4], {
          message: () => {
            handled++
            return Effect.succeed(respond(202))
          },
        })
        const port = ep.listeners[0]!.local.port
        expect(yield* answerTo(port, "a", "<sip:bob@127.0.0.1>")).toBe("SIP/2.0 202 Accepted")
        // `tag` as a parameter of the URI inside the brackets is not the To tag: still outside a dialog
        expect(yield* answerTo(port, "b", "<sip:bob@127.0.0.1;tag=in-uri>")).toBe("SIP/2.0 202 Accepted")
        expect(handled).toBe(2)
        expect(yield* answerTo(port, "c", "<sip:bob@127.0.0.1>;tag=no-such-dialog")).toBe(
          "SIP/2.0 481 Call/Transaction Does Not Exist",
        )
        expect(yield* answerTo(port, "d", "<sip:bob@127.0.0.1;tag=x")).toMatch(/^SIP\/2\.0 400 /)
        expect(handled).toBe(2)
      }),
  )
})

/** A raw UDP peer on loopback: the first datagram it receives after sending (bounded by a timeout), as text. */
const udpPeer = Effect.acquireRelease(
  Effect.callback<dgram.Socket>((resume) => {
    const socket = dgram.createSocket("udp4")
    socket.bind(0, "127.0.0.1", () => resume(Effect.succeed(socket)))
  }),
  (socket) => Effect.sync(() => socket.close()),
)
const firstAnswer = (socket: dgram.Socket, port: number, text: string) =>
  Effect.callback<string>((resume) => {
    socket.once("message", (m) => resume(Effect.succeed(m.toString("latin1"))))
    socket.send(Buffer.from(text, "latin1"), port, "127.0.0.1")
  }).pipe(Effect.timeout("3 seconds"))

/** A MESSAGE from `peer` whose top Route names the endpoint (loose routing, §16.4) and whose Request-URI is the
 * peer itself: forwarded, it comes back to the peer; handled or refused here, its response does. */
const routedMessage = (branch: string, peer: number, ep: number, toTag: string | undefined) =>
  [
    `MESSAGE sip:peer@127.0.0.1:${peer} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${peer};branch=z9hG4bK${branch}`,
    "Max-Forwards: 70",
    `Route: <sip:127.0.0.1:${ep};lr>`,
    "From: <sip:raw@127.0.0.1>;tag=r1",
    `To: <sip:peer@127.0.0.1>${toTag === undefined ? "" : `;tag=${toTag}`}`,
    `Call-ID: routed-${branch}`,
    "CSeq: 1 MESSAGE",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n")

describe("the To tag decides whether a new request names a call (Server.onRequest)", () => {
  // The two ways in differ where the request also carries a Route naming this endpoint: a request in a dialog
  // (To tag) that names none of ours is one this endpoint Record-Routed as a proxy and is passed on (§16.4,
  // §16.12), while a request outside any dialog (no To tag) is the UA core's and its handler's whatever its Route
  // says. A shortcut that took a tagged request for one naming no call would answer it here (481); one that took
  // a tagless request for one naming a call would pass it on instead of running the handler.
  it.live(
    "a tagless request goes to its handler; a tagged one of no dialog of ours, on our route, is passed on",
    () =>
      Effect.gen(function* () {
        let handled = 0
        const ep = yield* endpoint([udp4], {
          message: () => {
            handled++
            return Effect.succeed(respond(202))
          },
        })
        const port = ep.listeners[0]!.local.port
        const peer = yield* udpPeer
        const peerPort = peer.address().port
        const initial = yield* firstAnswer(peer, port, routedMessage("t1", peerPort, port, undefined))
        expect(initial.slice(0, initial.indexOf("\r\n"))).toBe("SIP/2.0 202 Accepted")
        expect(handled).toBe(1)
        const inDialog = yield* firstAnswer(peer, port, routedMessage("t2", peerPort, port, "far-end"))
        // forwarded to the Request-URI (the peer) with our Route entry taken off, not answered here
        expect(inDialog.slice(0, inDialog.indexOf("\r\n"))).toBe(
          `MESSAGE sip:peer@127.0.0.1:${peerPort} SIP/2.0`,
        )
        expect(inDialog).not.toMatch(/\r\nRoute:/i)
        expect(handled).toBe(1)
      }),
  )
})
