/**
 * Server.onRequest reads a new request's To tag once (codec `getToTag`, as the UA core reads it, §12.2.2): without a
 * tag the request goes to the core as outside any dialog, its call not looked up again (`call: null`); with one it
 * is looked up among the dialogs (481 when none, §12.2.2); a To that does not parse is the core's to refuse (§8.2).
 * Raw requests over TCP on loopback, each answered by the MESSAGE handler or the stack.
 */
import * as net from "node:net"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { describe } from "vitest"
import { respond } from "../src/Handlers.js"
import { endpoint, tcp4 } from "./support/endpoints.js"

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
