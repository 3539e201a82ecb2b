/**
 * A server transaction after its final response is held as one small record until Timer L / J
 * (engine/FinalTx.ts) instead of the fsm machine's state. What it does must stay what the reducer
 * (@sipkit/fsm/transaction) outputs in "Accepted" (an INVITE, RFC 6026 §7.1) and "Completed" (a non-INVITE,
 * §17.2.2): here the reducer is stepped with the very messages a raw UDP peer exchanged with the endpoint on
 * loopback, and each of its outputs is checked on the wire — `Send` as the datagram that comes back (byte for byte),
 * `Deliver` of an ACK as the `ack` handler's call, nothing as nothing (the next datagram is a probe's answer).
 */
import * as dgram from "node:dgram"
import * as net from "node:net"
import { expect, it } from "@effect/vitest"
import { makeResponse, parseMessage, type Request, type Response, serializeMessage } from "@sipkit/codec"
import {
  makeTimerConfig,
  type Output,
  receive,
  respond as respondEvent,
  TransactionTable,
} from "@sipkit/fsm/transaction"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { describe } from "vitest"
import { SipDns, staticDns } from "../src/dns/SipDns.js"
import { makeEndpoint } from "../src/Endpoint.js"
import { CompletedNonInvite, keptOf } from "../src/engine/FinalTx.js"
import { keepResponse, wireOf } from "../src/engine/KeptResponse.js"
import { respond } from "../src/Handlers.js"
import { cryptoIds, Ids } from "../src/Ids.js"

const T1 = 50
const timers = makeTimerConfig({ t1: T1, t2: 400, t4: 500 })
const live = (ms: number) => TestClock.withLive(Effect.sleep(ms))

/** A raw UDP peer on loopback: what it receives, as text, in order. */
const rawPeer = Effect.acquireRelease(
  Effect.callback<{ socket: dgram.Socket; port: number; texts: Array<string> }>((resume) => {
    const socket = dgram.createSocket("udp4")
    const texts: Array<string> = []
    socket.on("message", (m) => texts.push(m.toString("latin1")))
    socket.bind(0, "127.0.0.1", () => resume(Effect.succeed({ socket, port: socket.address().port, texts })))
  }),
  ({ socket }) => Effect.sync(() => socket.close()),
)

type Peer = Effect.Success<typeof rawPeer>

/** Sends `text` to `port` and waits (bounded, real time) until the peer has `count` datagrams in all. */
const exchange = (peer: Peer, port: number, text: string, count: number) =>
  Effect.gen(function* () {
    peer.socket.send(Buffer.from(text, "latin1"), port, "127.0.0.1")
    for (let i = 0; i < 200 && peer.texts.length < count; i++) yield* live(5)
    yield* live(20)
    return peer.texts.slice()
  })

const request = (
  method: string,
  port: number,
  from: number,
  branch: string,
  opts: { readonly toTag?: string; readonly cseq?: string; readonly callId?: string } = {},
) =>
  `${method} sip:bob@127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${from};branch=${branch}\r\n` +
  `From: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>${opts.toTag === undefined ? "" : `;tag=${opts.toTag}`}\r\n` +
  `Call-ID: ${opts.callId ?? "final-1"}\r\nCSeq: ${opts.cseq ?? `1 ${method}`}\r\n` +
  `Contact: <sip:alice@127.0.0.1:${from}>\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`

const parsed = (text: string) => {
  const m = parseMessage(new TextEncoder().encode(text))
  if (m._tag === "Err") throw new Error(`does not parse: ${m.error.reason}`)
  return m.value
}
const asRequest = (text: string): Request => parsed(text) as Request
const asResponse = (text: string): Response => parsed(text) as Response
const startLine = (text: string) => text.slice(0, text.indexOf("\r\n"))
const cseqOf = (text: string) => /\r\nCSeq: ([^\r]+)/.exec(text)?.[1]
const toTagOf = (text: string) => /\r\nTo: [^\r]*;tag=([^;\r]+)/.exec(text)?.[1]

/** The reducer's state after `request` and its final `response` (the same messages the endpoint had). */
const reducerAfter = (req: Request, response: Response) => {
  const started = TransactionTable.newTransaction("server", req, { reliable: false, timers })
  return TransactionTable.stepTransaction(started.state, respondEvent(response)).state
}
const tags = (outputs: ReadonlyArray<Output>) => outputs.map((o) => o._tag)

const answering = (acks: { n: number }, transport: "UDP" | "TCP" = "UDP") =>
  makeEndpoint(
    {
      listeners: [{ transport, host: "127.0.0.1", port: 0 }],
      logMessages: false,
      timers: { t1: T1, t2: 400, t4: 500 },
    },
    {
      invite: () => Effect.succeed(respond(200, { body: "v=0\r\n" })),
      ack: () =>
        Effect.sync(() => {
          acks.n++
          return respond(200)
        }),
    },
  ).pipe(Effect.provideService(Ids, cryptoIds), Effect.provideService(SipDns, staticDns({})))

describe("a server transaction after its final response does what the reducer says (loopback UDP)", () => {
  it.effect("retransmitted INVITE, ACK, BYE and a CANCEL after the call, then Timer J/L", () =>
    Effect.gen(function* () {
      const acks = { n: 0 }
      const peer = yield* rawPeer
      const ep = yield* answering(acks)
      const port = ep.listeners[0]!.local.port
      let probes = 0
      /** An OPTIONS outside the call: its 200 must be the next datagram (nothing came before it). */
      const probe = (count: number) =>
        Effect.gen(function* () {
          probes++
          const texts = yield* exchange(
            peer,
            port,
            request("OPTIONS", port, peer.port, `z9hG4bK-p${probes}`),
            count,
          )
          expect(texts).toHaveLength(count)
          expect(cseqOf(texts[count - 1]!)).toBe("1 OPTIONS")
        })

      // the call: INVITE → 200, ACK (on the INVITE's branch: it matches the transaction, RFC 6026 §8.7), BYE → 200
      const inviteText = request("INVITE", port, peer.port, "z9hG4bK-inv")
      let texts = yield* exchange(peer, port, inviteText, 1)
      expect(startLine(texts[0]!)).toBe("SIP/2.0 200 OK")
      const ok = texts[0]!
      const toTag = toTagOf(ok)!
      const ackText = request("ACK", port, peer.port, "z9hG4bK-inv", { toTag, cseq: "1 ACK" })
      yield* exchange(peer, port, ackText, 1)
      expect(acks.n).toBe(1)
      const byeText = request("BYE", port, peer.port, "z9hG4bK-bye", { toTag, cseq: "2 BYE" })
      texts = yield* exchange(peer, port, byeText, 2)
      expect(startLine(texts[1]!)).toBe("SIP/2.0 200 OK")
      const byeOk = texts[1]!
      yield* probe(3)

      const accepted = reducerAfter(asRequest(inviteText), asResponse(ok))
      const completed = reducerAfter(asRequest(byeText), asResponse(byeOk))
      expect(accepted._tag).toBe("Accepted")
      expect(completed._tag).toBe("Completed")

      // INVITE retransmitted: the reducer absorbs it (RFC 6026 §7.1) — nothing goes out
      expect(
        tags(TransactionTable.stepTransaction(accepted, receive(asRequest(inviteText))).outputs),
      ).toEqual([])
      peer.socket.send(Buffer.from(inviteText, "latin1"), port, "127.0.0.1")
      yield* probe(4)

      // ACK retransmitted: the reducer passes it up (Deliver) — the `ack` handler runs again, nothing goes out
      expect(tags(TransactionTable.stepTransaction(accepted, receive(asRequest(ackText))).outputs)).toEqual([
        "Deliver",
      ])
      peer.socket.send(Buffer.from(ackText, "latin1"), port, "127.0.0.1")
      yield* probe(5)
      expect(acks.n).toBe(2)

      // BYE retransmitted: the reducer sends its kept final response (§17.2.2) — the same bytes again
      const resend = TransactionTable.stepTransaction(completed, receive(asRequest(byeText))).outputs
      expect(tags(resend)).toEqual(["Send"])
      texts = yield* exchange(peer, port, byeText, 6)
      expect(texts[5]).toBe(byeOk)
      const sent = resend[0] as Extract<Output, { _tag: "Send" }>
      expect(new TextDecoder().decode(serializeMessage(sent.message))).toBe(byeOk)

      // a CANCEL of the INVITE still matches its transaction (§9.2): 200, and no 487 for the answered INVITE
      const cancelText = request("CANCEL", port, peer.port, "z9hG4bK-inv", { cseq: "1 CANCEL" })
      texts = yield* exchange(peer, port, cancelText, 7)
      expect(startLine(texts[6]!)).toBe("SIP/2.0 200 OK")
      expect(cseqOf(texts[6]!)).toBe("1 CANCEL")
      yield* probe(8)
      // one that matches nothing does not (481)
      const strayCancel = request("CANCEL", port, peer.port, "z9hG4bK-none", {
        cseq: "1 CANCEL",
        callId: "x",
      })
      texts = yield* exchange(peer, port, strayCancel, 9)
      expect(startLine(texts[8]!)).toBe("SIP/2.0 481 Call/Transaction Does Not Exist")

      // Timer J (64·T1 after the BYE's 200) and L (after the INVITE's): the records go then, not before
      const before = (yield* ep.stats).activeTransactions
      expect(before).toBeGreaterThanOrEqual(2)
      yield* TestClock.adjust(64 * T1 - 100)
      yield* live(20)
      expect((yield* ep.stats).activeTransactions).toBe(before)
      texts = yield* exchange(peer, port, byeText, 10)
      expect(texts[9]).toBe(byeOk)
      yield* TestClock.adjust(200)
      yield* live(20)
      expect((yield* ep.stats).activeTransactions).toBe(0)
      // the UA core has forgotten the ended call by then (its `Forget`, 64·T1 after the BYE): a CANCEL of the INVITE
      // (which it matched while it knew the call, above) and the BYE, new transactions now, find nothing: 481
      texts = yield* exchange(peer, port, cancelText, 11)
      expect(startLine(texts[10]!)).toBe("SIP/2.0 481 Call/Transaction Does Not Exist")
      texts = yield* exchange(peer, port, byeText, 12)
      expect(startLine(texts[11]!)).toBe("SIP/2.0 481 Call/Transaction Does Not Exist")
    }).pipe(Effect.scoped),
  )
})

describe("over TCP (reliable): nothing kept for Timer J", () => {
  it.effect(
    "the BYE's transaction ends with its 200 (J = 0); the INVITE's stays for Timer L (64·T1 on every transport)",
    () =>
      Effect.gen(function* () {
        const acks = { n: 0 }
        const ep = yield* answering(acks, "TCP")
        const port = ep.listeners[0]!.local.port
        const socket = yield* Effect.acquireRelease(
          Effect.callback<net.Socket>((resume) => {
            const s = net.connect(port, "127.0.0.1", () => resume(Effect.succeed(s)))
          }),
          (s) => Effect.sync(() => s.destroy()),
        )
        let text = ""
        socket.on("data", (d) => {
          text += d.toString("latin1")
        })
        const from = socket.address() as net.AddressInfo
        const tcp = (t: string) => t.replace("SIP/2.0/UDP", "SIP/2.0/TCP")
        /** Sends `t` and waits (bounded, real time) until `n` responses have come. */
        const ask = (t: string, n: number) =>
          Effect.gen(function* () {
            socket.write(tcp(t))
            for (let i = 0; i < 200 && (text.match(/^SIP\/2\.0 /gm) ?? []).length < n; i++) yield* live(5)
            yield* live(20)
          })
        yield* ask(request("INVITE", port, from.port, "z9hG4bK-tinv"), 1)
        const toTag = toTagOf(text)!
        expect(startLine(text)).toBe("SIP/2.0 200 OK")
        yield* ask(request("ACK", port, from.port, "z9hG4bK-tack", { toTag, cseq: "1 ACK" }), 1)
        yield* ask(request("BYE", port, from.port, "z9hG4bK-tbye", { toTag, cseq: "2 BYE" }), 2)
        expect(cseqOf(text.slice(text.lastIndexOf("SIP/2.0 ")))).toBe("2 BYE")
        // the INVITE's (Accepted, Timer L) only: the BYE's ended with its 200 (§17.2.2: J is 0 on a reliable transport)
        expect((yield* ep.stats).activeTransactions).toBe(1)
        yield* TestClock.adjust(64 * T1 + 100)
        yield* live(20)
        expect((yield* ep.stats).activeTransactions).toBe(0)
      }).pipe(Effect.scoped),
  )
})

describe("the kept response of a final record (keptOf)", () => {
  it("is the response kept: the same start line, fields and bytes", () => {
    const req = asRequest(request("MESSAGE", 5060, 5070, "z9hG4bK-m"))
    for (const [status, reason, body] of [
      [200, "OK", ""],
      [481, "Call/Transaction Does Not Exist", ""],
      [200, "Très bien", "ünïcode body\r\n"],
    ] as const) {
      const response = makeResponse(req, status, { reason, toTag: "t", body })
      const kept = keepResponse(response)
      const again = keptOf(
        new CompletedNonInvite(
          "k",
          0,
          { transport: "UDP", host: "h", port: 1, connection: undefined },
          kept.head,
          kept.body,
        ),
      )
      expect([again.version, again.status, again.reason]).toEqual(["SIP/2.0", status, reason])
      expect(wireOf(again)).toEqual(serializeMessage(response))
    }
  })
})
