import * as net from "node:net"
import { expect, it } from "@effect/vitest"
import { Effect, Queue } from "effect"
import { describe } from "vitest"
import { WebSocket } from "ws"
import { makeStreamTransport } from "../src/transport/StreamTransport.js"
import type { Inbound, Transport } from "../src/transport/Transport.js"
import { makeUdpTransport } from "../src/transport/Udp.js"
import { makeWebSocketTransport } from "../src/transport/WebSocketTransport.js"
import { testCert } from "./support/certs.js"
import { lineFraming } from "./support/lineFraming.js"

const enc = (s: string) => new TextEncoder().encode(s)
const inbox = Queue.unbounded<Inbound<string>>()
const next = (q: Queue.Queue<Inbound<string>>) => Queue.take(q).pipe(Effect.timeout("3 seconds"))
const nextMessage = (q: Queue.Queue<Inbound<string>>) =>
  Effect.gen(function* () {
    for (;;) {
      const e = yield* next(q)
      if (e._tag === "Message") return e
    }
  })

type Kind = "UDP" | "TCP" | "TLS" | "WS" | "WSS"
const make = (kind: Kind, host: string, inbound: Queue.Queue<Inbound<string>>, extra: object = {}) => {
  const base = { host, port: 0, framing: lineFraming, inbound }
  const cert = testCert()
  const tls = { cert: cert.cert, key: cert.key, ca: cert.cert }
  switch (kind) {
    case "UDP":
      return makeUdpTransport(base)
    case "TCP":
      return makeStreamTransport({ ...base, kind: "TCP", ...extra })
    case "TLS":
      return makeStreamTransport({ ...base, kind: "TLS", tls, ...extra })
    case "WS":
      return makeWebSocketTransport({ ...base, kind: "WS", ...extra })
    case "WSS":
      return makeWebSocketTransport({ ...base, kind: "WSS", tls, ...extra })
  }
}

const pingPong = (
  a: Transport,
  qa: Queue.Queue<Inbound<string>>,
  b: Transport,
  qb: Queue.Queue<Inbound<string>>,
) =>
  Effect.gen(function* () {
    yield* a.send(b.local, enc("hello\n"))
    const got = yield* nextMessage(qb)
    expect(got.message).toBe("hello")
    expect(got.remote.transport).toBe(a.kind)
    expect(got.remote.host).toBe(a.local.host === "::" ? "::1" : a.local.host)
    // answer on the connection the message came on (§18.2.2), to the address it came from
    yield* b.send(got.remote, enc("world\n"), got.connection)
    const back = yield* nextMessage(qa)
    expect(back.message).toBe("world")
    return got
  })

describe("every transport, loopback, IPv4 and IPv6", () => {
  for (const kind of ["UDP", "TCP", "TLS", "WS", "WSS"] as const) {
    for (const host of ["127.0.0.1", "::1"]) {
      it.live(`${kind} over ${host}: request and response, connection reused`, () =>
        Effect.gen(function* () {
          const qa = yield* inbox
          const qb = yield* inbox
          const a = yield* make(kind, host, qa)
          const b = yield* make(kind, host, qb)
          const first = yield* pingPong(a, qa, b, qb)
          const second = yield* pingPong(a, qa, b, qb)
          expect(second.connection).toBe(first.connection)
          expect(yield* a.connectionCount).toBe(kind === "UDP" ? 0 : 1)
          expect(yield* b.connectionCount).toBe(kind === "UDP" ? 0 : 1)
        }),
      )
    }
  }
})

describe("UDP sends", () => {
  it.live("fifty sends in one turn arrive in order; a bad port, size or address family fails at once", () =>
    Effect.gen(function* () {
      const qa = yield* inbox
      const qb = yield* inbox
      const a = yield* make("UDP", "127.0.0.1", qa)
      const b = yield* make("UDP", "127.0.0.1", qb)
      const sendNow = a.sendNow!
      for (let i = 0; i < 50; i++) expect(sendNow(b.local, enc(`m${i}\n`))).toBeUndefined()
      const got: Array<string> = []
      for (let i = 0; i < 50; i++) got.push((yield* nextMessage(qb)).message)
      expect(got).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`))
      expect(sendNow({ ...b.local, port: 0 }, enc("x\n"))?._tag).toBe("TransportError")
      expect(sendNow(b.local, new Uint8Array(65_508))?._tag).toBe("TransportError")
      expect(sendNow({ host: "::1", port: b.local.port }, enc("x\n"))?._tag).toBe("TransportError")
    }),
  )
})

describe("stream connections", () => {
  it.live("TCP: a message split over many writes and several coalesced in one arrive whole", () =>
    Effect.gen(function* () {
      const q = yield* inbox
      const server = yield* make("TCP", "127.0.0.1", q)
      const socket = net.connect(server.local.port, "127.0.0.1")
      yield* Effect.callback<void>((resume) => void socket.once("connect", () => resume(Effect.void)))
      for (const piece of ["he", "l", "lo\nsec", "ond\nthird\n"]) {
        socket.write(piece)
        yield* Effect.sleep(5)
      }
      const got = [yield* nextMessage(q), yield* nextMessage(q), yield* nextMessage(q)].map((m) => m.message)
      expect(got).toEqual(["hello", "second", "third"])
      socket.destroy()
    }),
  )

  it.live("a peer that sends garbage loses its connection; other peers carry on", () =>
    Effect.gen(function* () {
      const q = yield* inbox
      const server = yield* make("TCP", "127.0.0.1", q)
      const good = yield* make("TCP", "127.0.0.1", yield* inbox, { listen: false })
      const bad = net.connect(server.local.port, "127.0.0.1")
      yield* Effect.callback<void>((resume) => void bad.once("connect", () => resume(Effect.void)))
      const badClosed = Effect.callback<void>((resume) => void bad.once("close", () => resume(Effect.void)))
      bad.write("fine\nGARBAGE\n")
      expect((yield* nextMessage(q)).message).toBe("fine")
      const malformed = yield* next(q)
      expect(malformed._tag).toBe("Malformed")
      const closed = yield* next(q)
      expect(closed._tag === "Closed" && closed.reason).toContain("framing error")
      yield* badClosed.pipe(Effect.timeout("2 seconds"))
      yield* good.send(server.local, enc("still here\n"))
      expect((yield* nextMessage(q)).message).toBe("still here")
      expect(yield* server.connectionCount).toBe(1)
    }),
  )

  it.live("a peer that sends too much without a message is cut off", () =>
    Effect.gen(function* () {
      const q = yield* inbox
      const server = yield* make("TCP", "127.0.0.1", q, { maxUnframedBytes: 1000 })
      const flood = net.connect(server.local.port, "127.0.0.1")
      flood.on("error", () => {})
      yield* Effect.callback<void>((resume) => void flood.once("connect", () => resume(Effect.void)))
      flood.write("x".repeat(5000))
      const malformed = yield* next(q)
      expect(malformed._tag === "Malformed" && malformed.error.status).toBe(413)
      expect((yield* next(q))._tag).toBe("Closed")
      flood.destroy()
    }),
  )

  it.live("idle connections are closed after the idle timeout", () =>
    Effect.gen(function* () {
      const q = yield* inbox
      const server = yield* make("TCP", "127.0.0.1", q, { idleTimeoutMs: 150 })
      const client = yield* make("TCP", "127.0.0.1", yield* inbox, { listen: false })
      yield* client.send(server.local, enc("hi\n"))
      yield* nextMessage(q)
      const closed = yield* next(q)
      expect(closed._tag === "Closed" && closed.reason).toBe("idle timeout")
      expect(yield* server.connectionCount).toBe(0)
    }),
  )

  it.live("connecting to a port nobody listens on fails with a TransportError", () =>
    Effect.gen(function* () {
      const client = yield* make("TCP", "127.0.0.1", yield* inbox, { listen: false })
      const probe = net.createServer()
      const port = yield* Effect.callback<number>((resume) => {
        probe.listen(0, "127.0.0.1", () => {
          const p = (probe.address() as net.AddressInfo).port
          probe.close(() => resume(Effect.succeed(p)))
        })
      })
      const error = yield* Effect.flip(client.send({ host: "127.0.0.1", port }, enc("x\n")))
      expect(error._tag).toBe("TransportError")
      expect(error.reason).toContain("connect failed")
    }),
  )

  it.live("TLS: a client that does not trust the certificate cannot connect", () =>
    Effect.gen(function* () {
      const server = yield* make("TLS", "127.0.0.1", yield* inbox)
      const cert = testCert()
      const client = yield* makeStreamTransport({
        host: "127.0.0.1",
        port: 0,
        framing: lineFraming,
        inbound: yield* inbox,
        kind: "TLS",
        listen: false,
        tls: { cert: cert.cert, key: cert.key },
      })
      const error = yield* Effect.flip(client.send(server.local, enc("x\n")))
      expect(error.reason).toMatch(/self.signed|certificate/i)
    }),
  )

  it.live("WS: a handshake without the sip subprotocol is refused (RFC 7118 §4.1)", () =>
    Effect.gen(function* () {
      const server = yield* make("WS", "127.0.0.1", yield* inbox)
      const outcome = yield* Effect.callback<string>((resume) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.local.port}/`, "chat")
        ws.on("open", () => resume(Effect.succeed("open")))
        ws.on("error", (e) => resume(Effect.succeed(`error: ${e.message}`)))
      })
      expect(outcome).toMatch(/^error/)
    }),
  )

  it.live("closing the scope closes listeners and connections", () =>
    Effect.gen(function* () {
      const q = yield* inbox
      const server = yield* make("TCP", "127.0.0.1", q)
      const port = yield* Effect.scoped(
        Effect.gen(function* () {
          const client = yield* make("TCP", "127.0.0.1", yield* inbox)
          yield* client.send(server.local, enc("hi\n"))
          yield* nextMessage(q)
          return client.local.port
        }),
      )
      const closed = yield* next(q)
      expect(closed._tag).toBe("Closed")
      const refused = yield* Effect.callback<boolean>((resume) => {
        const s = net.connect(port, "127.0.0.1")
        s.on("connect", () => resume(Effect.succeed(false)))
        s.on("error", () => resume(Effect.succeed(true)))
      })
      expect(refused).toBe(true)
    }),
  )
})

describe("several transports on one endpoint", () => {
  it.live("UDP, TCP and WS on IPv4 and IPv6 feed one inbound queue", () =>
    Effect.gen(function* () {
      const q = yield* inbox
      const listeners = [
        yield* make("UDP", "127.0.0.1", q),
        yield* make("UDP", "::1", q),
        yield* make("TCP", "127.0.0.1", q),
        yield* make("TCP", "::1", q),
        yield* make("WS", "127.0.0.1", q),
      ]
      const clientQ = yield* inbox
      for (const l of listeners) {
        const client = yield* make(l.kind as Kind, l.local.host, clientQ)
        yield* client.send(l.local, enc(`to ${l.kind} ${l.local.host}\n`))
        const got = yield* nextMessage(q)
        expect(got.message).toBe(`to ${l.kind} ${l.local.host}`)
        expect(got.local.port).toBe(l.local.port)
      }
    }),
  )
})
