import { expect, it } from "@effect/vitest"
import { getHeader, makeRequest } from "@sipkit/codec"
import { Deferred, Effect, Fiber, Stream } from "effect"
import { describe } from "vitest"
import { formatWireEvent, type WireEvent } from "../src/engine/WireLog.js"
import { later, proxy, proxyByLocation, respond } from "../src/Handlers.js"
import { memoryLocation } from "../src/Location.js"
import { endpoint, tcp4, udp4, uriOf } from "./support/endpoints.js"

describe("configuration is checked by the schema", () => {
  for (const [label, config] of [
    ["no listener", { listeners: [] }],
    ["a port out of range", { listeners: [{ transport: "UDP", host: "127.0.0.1", port: 70000 }] }],
    ["an unknown transport", { listeners: [{ transport: "SCTP", host: "127.0.0.1", port: 0 }] }],
  ] as const) {
    it.live(`rejects ${label}`, () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(endpoint(config.listeners as never))
        expect(String(error)).toMatch(/listeners|port|transport|Expected/i)
      }),
    )
  }
})

describe("graceful shutdown", () => {
  it.live("stops taking new requests (503), lets a pending INVITE finish, then returns", () =>
    Effect.gen(function* () {
      const gate = yield* Deferred.make<void>()
      const server = yield* endpoint([udp4], {
        invite: (_req, ctx) =>
          Effect.gen(function* () {
            yield* ctx.respond(180)
            yield* Effect.forkDetach(
              Deferred.await(gate).pipe(Effect.andThen(ctx.respond(200, { body: "v=0\r\n" }))),
            )
            return later()
          }),
      })
      const client = yield* endpoint([udp4])
      const call = yield* client.call(uriOf(server), undefined)
      const events = yield* Effect.forkChild(
        call.events.pipe(
          Stream.takeUntil((e) => e._tag === "Answered"),
          Stream.runCollect,
        ),
      )
      yield* Effect.sleep(100)
      const stopping = yield* Effect.forkChild(server.shutdown)
      yield* Effect.sleep(20)
      expect((yield* client.request("OPTIONS", uriOf(server))).status).toBe(503)
      expect(stopping.pollUnsafe()).toBeUndefined()
      yield* Deferred.succeed(gate, undefined)
      yield* Fiber.join(stopping).pipe(Effect.timeout("3 seconds"))
      expect((yield* Fiber.join(events)).map((e) => e._tag)).toEqual(["Ringing", "Answered"])
    }),
  )

  it.live("is bounded: a transaction that never finishes does not hold it past shutdownTimeoutMs", () =>
    Effect.gen(function* () {
      const server = yield* endpoint(
        [udp4],
        { invite: () => Effect.succeed(later()) },
        { shutdownTimeoutMs: 300 },
      )
      const client = yield* endpoint([udp4])
      yield* client.call(uriOf(server), undefined)
      yield* Effect.sleep(100)
      const started = Date.now()
      yield* server.shutdown
      const took = Date.now() - started
      expect(took).toBeGreaterThanOrEqual(250)
      expect(took).toBeLessThan(1500)
    }),
  )
})

describe("graceful shutdown of a caller", () => {
  it.live(
    "our call still ringing is CANCELled: the callee sees it, the stream ends with 487, no wait for the bound",
    () =>
      Effect.gen(function* () {
        const calleeSawCancel = yield* Deferred.make<void>()
        const callee = yield* endpoint([udp4], {
          invite: (_r, ctx) =>
            Effect.gen(function* () {
              yield* ctx.respond(180)
              yield* Effect.forkDetach(
                Deferred.await(ctx.cancelled).pipe(
                  Effect.andThen(Deferred.succeed(calleeSawCancel, undefined)),
                ),
              )
              return later()
            }),
        })
        const caller = yield* endpoint([udp4], {}, { shutdownTimeoutMs: 5000 })
        const call = yield* caller.call(uriOf(callee), undefined)
        const events = yield* Effect.forkChild(Stream.runCollect(call.events))
        yield* Effect.sleep(100)
        const started = Date.now()
        yield* caller.shutdown
        expect(Date.now() - started).toBeLessThan(2000)
        yield* Deferred.await(calleeSawCancel).pipe(Effect.timeout("2 seconds"))
        const all = yield* Fiber.join(events).pipe(Effect.timeout("2 seconds"))
        expect(all.map((e) => (e._tag === "Failed" ? `Failed ${e.status}` : e._tag))).toEqual([
          "Ringing",
          "Failed 487",
        ])
      }),
  )
})

describe("proxy(targets): forking", () => {
  it.live("forks an INVITE to two phones; one busy, one answers: the caller is answered", () =>
    Effect.gen(function* () {
      const busy = yield* endpoint([udp4], { invite: () => Effect.succeed(respond(486)) })
      const phone = yield* endpoint([udp4], {
        invite: (_r, ctx) =>
          Effect.gen(function* () {
            yield* ctx.respond(180)
            yield* Effect.sleep(50)
            yield* ctx.respond(200, { body: "v=0\r\n" })
            return later()
          }),
      })
      const proxyEp = yield* endpoint([udp4], {
        invite: () => Effect.succeed(proxy([uriOf(busy), uriOf(phone)])),
      })
      const caller = yield* endpoint([udp4])
      const call = yield* caller.call(uriOf(proxyEp), "v=0\r\n")
      const events = yield* call.events.pipe(
        Stream.takeUntil((e) => e._tag === "Answered" || e._tag === "Failed"),
        Stream.runCollect,
        Effect.timeout("3 seconds"),
      )
      // the proxy answers 100 at once (§16.2), then relays the 180 and the 200
      expect(events.map((e) => e._tag)).toEqual(["Trying", "Ringing", "Answered"])
      yield* call.hangup
    }),
  )

  it.live("after a 2xx the branch still ringing is CANCELled (§16.7 step 10) and answers 487", () =>
    Effect.gen(function* () {
      const cancelled = yield* Deferred.make<void>()
      const ringsForever = yield* endpoint([udp4], {
        invite: (_r, ctx) =>
          Effect.gen(function* () {
            yield* ctx.respond(180)
            yield* Effect.forkDetach(
              Deferred.await(ctx.cancelled).pipe(Effect.andThen(Deferred.succeed(cancelled, undefined))),
            )
            return later()
          }),
      })
      const answers = yield* endpoint([udp4], {
        invite: () => Effect.sleep(100).pipe(Effect.as(respond(200, { body: "v=0\r\n" }))),
      })
      const p = yield* endpoint([udp4], {
        invite: () => Effect.succeed(proxy([uriOf(ringsForever), uriOf(answers)])),
      })
      const caller = yield* endpoint([udp4])
      const call = yield* caller.call(uriOf(p), "v=0\r\n")
      const events = yield* call.events.pipe(
        Stream.takeUntil((e) => e._tag === "Answered"),
        Stream.runCollect,
        Effect.timeout("3 seconds"),
      )
      expect(events.map((e) => e._tag)).toEqual(["Trying", "Ringing", "Answered"])
      yield* Deferred.await(cancelled).pipe(Effect.timeout("3 seconds"))
      expect((yield* ringsForever.stats).messagesOut["487"]).toBe(1)
      yield* call.hangup
    }),
  )

  it.live("the proxied call's 200 carries the proxy's Record-Route; ACK and BYE follow the route set", () =>
    Effect.gen(function* () {
      const phone = yield* endpoint([udp4], {
        invite: () => Effect.succeed(respond(200, { body: "v=0\r\n" })),
      })
      const p = yield* endpoint([udp4], { invite: () => Effect.succeed(proxy([uriOf(phone)])) })
      const caller = yield* endpoint([udp4])
      const seen: Array<WireEvent> = []
      const record = (ep: typeof caller) =>
        Effect.forkScoped(ep.wire.pipe(Stream.runForEach((e) => Effect.sync(() => void seen.push(e)))))
      yield* record(caller)
      yield* record(phone)
      yield* Effect.yieldNow
      const call = yield* caller.call(uriOf(p), "v=0\r\n")
      yield* call.events.pipe(
        Stream.takeUntil((e) => e._tag === "Answered" || e._tag === "Failed"),
        Stream.runCollect,
        Effect.timeout("3 seconds"),
      )
      yield* call.hangup.pipe(Effect.timeout("3 seconds"))
      const proxyPort = p.listeners[0]!.local.port
      const recordRoute = `<sip:127.0.0.1:${proxyPort};lr>`
      const isRequest = (e: WireEvent, direction: string, method: string) =>
        e.direction === direction && e.message._tag === "Request" && e.message.method === method
      const ok = seen.find(
        (e) => e.direction === "in" && e.message._tag === "Response" && e.message.status === 200,
      )
      expect(ok !== undefined && getHeader(ok.message, "Record-Route")).toBe(recordRoute)
      for (const method of ["ACK", "BYE"]) {
        // the caller sends to the proxy with the route set as Route (§12.2.1.1) …
        const out = seen.find((e) => e.direction === "out" && isRequest(e, "out", method))
        expect(out?.remote.port).toBe(proxyPort)
        expect(out !== undefined && getHeader(out.message, "Route")).toBe(recordRoute)
        // … and the phone gets it from the proxy, our Route entry removed (§16.4) and its Via on top (§16.6)
        const arrived = seen.find((e) => isRequest(e, "in", method))
        expect(arrived?.remote.port).toBe(proxyPort)
        expect(arrived !== undefined && getHeader(arrived.message, "Route")).toBeUndefined()
        expect(arrived !== undefined && getHeader(arrived.message, "Via")).toContain(`:${proxyPort};branch=`)
      }
      // the INVITE that reached the phone had Max-Forwards decremented (§16.6 step 3)
      const invite = seen.find((e) => isRequest(e, "in", "INVITE"))
      expect(invite !== undefined && getHeader(invite.message, "Max-Forwards")).toBe("69")
    }),
  )

  it.live("proxyByLocation: the Location service's bindings are the targets; none → 480 (§16.5)", () =>
    Effect.gen(function* () {
      const phone = yield* endpoint([udp4], { message: () => Effect.succeed(respond(202)) })
      const location = memoryLocation()
      const p = yield* endpoint([udp4], {
        message: () => Effect.succeed(proxyByLocation(location, ["example.com"])),
      })
      // example.com is served by the proxy (DNS SRV in a static zone)
      const zone = {
        srv: {
          "_sip._udp.example.com": [
            { priority: 0, weight: 0, port: p.listeners[0]!.local.port, target: "proxy.example.com" },
          ],
        },
        a: { "proxy.example.com": ["127.0.0.1"] },
      }
      const c = yield* endpoint([udp4], {}, {}, zone)
      const ask = (user: string) =>
        c.request("MESSAGE", `sip:${user}@example.com`, { body: "hi" }).pipe(Effect.timeout("3 seconds"))
      expect((yield* ask("bob")).status).toBe(480)
      yield* location.store("sip:bob@example.com", [
        {
          uri: uriOf(phone),
          expiresAt: Date.now() + 60_000,
          q: undefined,
          callId: "c",
          cseq: 1,
          instance: undefined,
          regId: undefined,
        },
      ])
      expect((yield* ask("bob")).status).toBe(202)
    }),
  )

  it.live(
    "a fork over TCP: the proxy's Via names the transport it used (§18.1.1) and the call completes",
    () =>
      Effect.gen(function* () {
        const phone = yield* endpoint([tcp4], {
          invite: () => Effect.succeed(respond(200, { body: "v=0\r\n" })),
        })
        const p = yield* endpoint([udp4, tcp4], {
          invite: () => Effect.succeed(proxy([uriOf(phone, "TCP")])),
        })
        const caller = yield* endpoint([udp4])
        const seen: Array<WireEvent> = []
        yield* Effect.forkScoped(
          phone.wire.pipe(Stream.runForEach((e) => Effect.sync(() => void seen.push(e)))),
        )
        yield* Effect.yieldNow
        const call = yield* caller.call(uriOf(p), "v=0\r\n")
        const events = yield* call.events.pipe(
          Stream.takeUntil((e) => e._tag === "Answered" || e._tag === "Failed"),
          Stream.runCollect,
          Effect.timeout("3 seconds"),
        )
        expect(events.map((e) => e._tag)).toContain("Answered")
        yield* call.hangup.pipe(Effect.timeout("3 seconds"))
        const invite = seen.find(
          (e) => e.direction === "in" && e.message._tag === "Request" && e.message.method === "INVITE",
        )
        expect(invite?.transport).toBe("TCP")
        expect(invite !== undefined && getHeader(invite.message, "Via")).toMatch(/^SIP\/2\.0\/TCP /)
        const bye = seen.find(
          (e) => e.direction === "in" && e.message._tag === "Request" && e.message.method === "BYE",
        )
        expect(bye).toBeDefined()
      }),
  )

  it.live("a request proxied back to the proxy itself is a loop: 482 (§16.3 step 4)", () =>
    Effect.gen(function* () {
      const self: { uri: string } = { uri: "" }
      const p = yield* endpoint([udp4], { message: () => Effect.succeed(proxy([self.uri])) })
      self.uri = uriOf(p)
      const c = yield* endpoint([udp4])
      const response = yield* c.request("MESSAGE", uriOf(p), { body: "hi" }).pipe(Effect.timeout("3 seconds"))
      expect(response.status).toBe(482)
    }),
  )

  it.live(
    "every branch fails: the best final response goes back with its own headers (§16.7 steps 6–7)",
    () =>
      Effect.gen(function* () {
        const a = yield* endpoint([udp4], { message: () => Effect.succeed(respond(486)) })
        const challenge = 'Digest realm="b", nonce="n1"'
        const b = yield* endpoint([udp4], {
          message: () => Effect.succeed(respond(401, { headers: [["WWW-Authenticate", challenge]] })),
        })
        const p = yield* endpoint([udp4], { message: () => Effect.succeed(proxy([uriOf(a), uriOf(b)])) })
        const c = yield* endpoint([udp4])
        const response = yield* c.request("MESSAGE", uriOf(p), { body: "hi" })
        // a 401 is preferred within 4xx (it tells how to resubmit), relayed with its challenge, not re-made
        expect(response.status).toBe(401)
        expect(getHeader(response, "WWW-Authenticate")).toBe(challenge)
      }),
  )
})

describe("logging", () => {
  it("one line per message with direction, transport, addresses, first line, CSeq, Call-ID, tx and dialog", () => {
    const message = makeRequest({
      method: "BYE",
      uri: "sip:bob@[::1]:5060",
      headers: [
        ["CSeq", "2 BYE"],
        ["Call-ID", "abc"],
      ],
    })
    const line = formatWireEvent({
      seq: 1,
      direction: "out",
      message,
      transport: "UDP",
      local: { host: "::1", port: 5070 },
      remote: { host: "::1", port: 5060 },
      transaction: "tx1",
      dialog: "abc;l;r",
      retransmission: true,
    })
    expect(line).toBe(
      'sip out UDP [::1]:5070 -> [::1]:5060 BYE sip:bob@[::1]:5060 cseq="2 BYE" call-id=abc tx=tx1 dialog=abc;l;r retransmission',
    )
    expect(line.includes("\n")).toBe(false)
  })
})
