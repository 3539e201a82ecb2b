/** The engine over real sockets: SIP framing on TCP, bad peers, a connection lost mid-transaction, the MTU rule,
 * and every transport (TLS, WS, WSS, IPv6) carrying a request and its response. */
import * as dgram from "node:dgram"
import * as net from "node:net"
import { expect, it } from "@effect/vitest"
import { Effect, Fiber, Stream } from "effect"
import { describe } from "vitest"
import type { ListenerConfig } from "../src/Config.js"
import { respond } from "../src/Handlers.js"
import { testCert } from "./support/certs.js"
import { endpoint, tcp4, udp4, uriOf } from "./support/endpoints.js"
import { freePort } from "./support/sipp.js"

const options = (branch: string, port: number) =>
  [
    "OPTIONS sip:bob@127.0.0.1 SIP/2.0",
    `Via: SIP/2.0/TCP 127.0.0.1:${port};branch=z9hG4bK${branch}`,
    "Max-Forwards: 70",
    "From: <sip:raw@127.0.0.1>;tag=r1",
    "To: <sip:bob@127.0.0.1>",
    `Call-ID: raw-${branch}`,
    "CSeq: 1 OPTIONS",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n")

const connect = (port: number) =>
  Effect.callback<net.Socket>((resume) => {
    const s = net.connect(port, "127.0.0.1", () => resume(Effect.succeed(s)))
  })

/** Reads from a raw socket until `count` status lines arrived (bounded by a timeout). */
const readResponses = (socket: net.Socket, count: number) =>
  Effect.callback<Array<string>>((resume) => {
    let text = ""
    const onData = (d: Buffer) => {
      text += d.toString()
      const lines = text.match(/^SIP\/2\.0 \d{3}[^\r]*/gm) ?? []
      if (lines.length >= count) {
        socket.off("data", onData)
        resume(Effect.succeed(lines))
      }
    }
    socket.on("data", onData)
  }).pipe(Effect.timeout("3 seconds"))

describe("TCP framing through the engine", () => {
  it.live(
    "a request split into one-byte writes, then two requests coalesced in one write, all answered",
    () =>
      Effect.gen(function* () {
        const ep = yield* endpoint([tcp4])
        const port = ep.listeners[0]!.local.port
        const socket = yield* connect(port)
        const local = socket.localPort!
        const reading = yield* Effect.forkChild(readResponses(socket, 3))
        for (const byte of options("split", local)) {
          socket.write(byte)
        }
        yield* Effect.sleep(20)
        socket.write(options("one", local) + options("two", local))
        const lines = yield* Fiber.join(reading)
        expect(lines).toEqual(["SIP/2.0 200 OK", "SIP/2.0 200 OK", "SIP/2.0 200 OK"])
        expect((yield* ep.stats).messagesIn["OPTIONS"]).toBe(3)
        socket.destroy()
      }),
  )

  it.live("a peer sending garbage loses its connection; the endpoint keeps serving others", () =>
    Effect.gen(function* () {
      const ep = yield* endpoint([tcp4])
      const port = ep.listeners[0]!.local.port
      const bad = yield* connect(port)
      const closed = Effect.callback<void>((resume) => void bad.once("close", () => resume(Effect.void)))
      bad.write("this is not SIP at all\r\n\r\n")
      yield* closed.pipe(Effect.timeout("3 seconds"))
      expect((yield* ep.stats).malformed).toBe(1)
      const client = yield* endpoint([tcp4])
      expect((yield* client.request("OPTIONS", uriOf(ep, "TCP"))).status).toBe(200)
    }),
  )

  it.live("UDP garbage is counted and dropped", () =>
    Effect.gen(function* () {
      const ep = yield* endpoint([udp4])
      const socket = dgram.createSocket("udp4")
      socket.send("garbage\r\n\r\n", ep.listeners[0]!.local.port, "127.0.0.1")
      yield* Effect.sleep(100)
      socket.close()
      expect((yield* ep.stats).malformed).toBe(1)
    }),
  )

  it.live("the connection drops mid-transaction: the INVITE fails at once with 503, not after Timer B", () =>
    Effect.gen(function* () {
      const server = net.createServer((s) => s.once("data", () => s.destroy()))
      const port = yield* Effect.callback<number>((resume) => {
        server.listen(0, "127.0.0.1", () =>
          resume(Effect.succeed((server.address() as net.AddressInfo).port)),
        )
      })
      yield* Effect.addFinalizer(() => Effect.sync(() => server.close()))
      const ep = yield* endpoint([tcp4], {}, { timers: { t1: 500, t2: 4000, t4: 5000 } })
      const handle = yield* ep.call(`sip:bob@127.0.0.1:${port};transport=tcp`, undefined)
      const started = Date.now()
      const events = yield* handle.events.pipe(Stream.runCollect, Effect.timeout("5 seconds"))
      expect(events.map((e) => (e._tag === "Failed" ? e.status : e._tag))).toEqual([503])
      expect(Date.now() - started).toBeLessThan(2000)
    }),
  )
})

describe("§18.1.1: above the MTU a UDP request goes over TCP", () => {
  it.live("a 2 kB MESSAGE switches to TCP; pinned to UDP it stays UDP", () =>
    Effect.gen(function* () {
      const port = yield* freePort()
      const peer = yield* endpoint(
        [
          { transport: "UDP", host: "127.0.0.1", port },
          { transport: "TCP", host: "127.0.0.1", port },
        ],
        { message: () => Effect.succeed(respond(200)) },
      )
      const seen = yield* Effect.forkChild(
        peer.wire.pipe(
          Stream.filter((e) => e.direction === "in"),
          Stream.take(2),
          Stream.runCollect,
        ),
      )
      yield* Effect.sleep(10)
      const me = yield* endpoint([udp4, tcp4])
      const body = "x".repeat(2000)
      expect((yield* me.request("MESSAGE", `sip:bob@127.0.0.1:${port}`, { body })).status).toBe(200)
      expect(
        (yield* me.request("MESSAGE", `sip:bob@127.0.0.1:${port}`, { body, noMtuSwitch: true })).status,
      ).toBe(200)
      const arrivals = yield* Fiber.join(seen)
      expect(arrivals.map((e) => e.transport)).toEqual(["TCP", "UDP"])
    }),
  )
})

describe("every transport through the engine", () => {
  const cert = testCert()
  const tlsFiles = { certFile: cert.certPath, keyFile: cert.keyPath, caFile: cert.certPath }
  const cases: ReadonlyArray<readonly [string, ListenerConfig]> = [
    ["UDP over IPv6", { transport: "UDP", host: "::1", port: 0 }],
    ["TCP over IPv6", { transport: "TCP", host: "::1", port: 0 }],
    ["TLS", { transport: "TLS", host: "127.0.0.1", port: 0, ...tlsFiles }],
    ["TLS over IPv6", { transport: "TLS", host: "::1", port: 0, ...tlsFiles }],
    ["WS (RFC 7118)", { transport: "WS", host: "127.0.0.1", port: 0 }],
    ["WSS", { transport: "WSS", host: "127.0.0.1", port: 0, ...tlsFiles }],
  ]
  for (const [label, listener] of cases) {
    it.live(`${label}: OPTIONS and its 200, Via names the transport`, () =>
      Effect.gen(function* () {
        const server = yield* endpoint([listener])
        const client = yield* endpoint([listener])
        const seen = yield* Effect.forkChild(server.wire.pipe(Stream.take(1), Stream.runCollect))
        yield* Effect.sleep(10)
        const response = yield* client.request("OPTIONS", uriOf(server, listener.transport))
        expect(response.status).toBe(200)
        const [incoming] = yield* Fiber.join(seen)
        expect(incoming!.transport).toBe(listener.transport)
        const via = incoming!.message.headers.find((h) => h.name === "Via")!.value
        expect(via.startsWith(`SIP/2.0/${listener.transport} `)).toBe(true)
      }),
    )
  }

  it.live("one endpoint with UDP, TCP and WS on IPv4 and IPv6 answers on each", () =>
    Effect.gen(function* () {
      const listeners: Array<ListenerConfig> = [
        udp4,
        tcp4,
        { transport: "WS", host: "127.0.0.1", port: 0 },
        { transport: "UDP", host: "::1", port: 0 },
        { transport: "TCP", host: "::1", port: 0 },
      ]
      const server = yield* endpoint(listeners)
      const client = yield* endpoint(listeners)
      for (const l of server.listeners) {
        const host = l.local.host.includes(":") ? `[${l.local.host}]` : l.local.host
        const uri = `sip:bob@${host}:${l.local.port}${l.transport === "UDP" ? "" : `;transport=${l.transport.toLowerCase()}`}`
        expect((yield* client.request("OPTIONS", uri)).status).toBe(200)
      }
    }),
  )
})
