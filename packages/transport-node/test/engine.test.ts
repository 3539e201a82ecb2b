import * as dgram from "node:dgram"
import { expect, it } from "@effect/vitest"
import { getHeader } from "@sipkit/codec"
import { Deferred, Effect, Fiber, Layer, Stream } from "effect"
import { describe } from "vitest"
import { staticDnsLayer } from "../src/dns/SipDns.js"
import { Endpoint, layer } from "../src/Endpoint.js"
import { later, reject, respond } from "../src/Handlers.js"
import { cryptoIds, Ids } from "../src/Ids.js"
import { endpoint, tcp4, udp4, uriOf } from "./support/endpoints.js"

describe("engine: server side answers", () => {
  it.live("OPTIONS without a handler: 200 with Allow, Accept, Supported (§11.2)", () =>
    Effect.gen(function* () {
      const b = yield* endpoint([udp4], { message: () => Effect.succeed(respond(202)) })
      const a = yield* endpoint([udp4])
      const response = yield* a.request("OPTIONS", uriOf(b))
      expect(response.status).toBe(200)
      expect(getHeader(response, "Allow")).toContain("MESSAGE")
      expect(getHeader(response, "Accept")).toContain("application/sdp")
      expect(getHeader(response, "Supported")).toBeDefined()
      expect(getHeader(response, "To")).toMatch(/;tag=/)
    }),
  )

  it.live(
    "a method without a handler: 405 with Allow if a SIP RFC defines it, else 501 with Allow (§8.2.1)",
    () =>
      Effect.gen(function* () {
        const b = yield* endpoint([udp4])
        const a = yield* endpoint([udp4])
        const subscribe = yield* a.request("SUBSCRIBE", uriOf(b))
        expect(subscribe.status).toBe(405)
        expect(getHeader(subscribe, "Allow")).toContain("OPTIONS")
        expect(getHeader(subscribe, "Allow")).not.toContain("SUBSCRIBE")
        const unknown = yield* a.request("NEWMETHOD", uriOf(b))
        expect(unknown.status).toBe(501)
        expect(getHeader(unknown, "Allow")).toBe(getHeader(subscribe, "Allow"))
      }),
  )

  it.live("a handler's decision is the response; body and headers go through", () =>
    Effect.gen(function* () {
      const b = yield* endpoint([udp4], {
        message: (req) =>
          Effect.succeed(
            respond(200, { body: `echo ${new TextDecoder().decode(req.body)}`, headers: [["X-Test", "1"]] }),
          ),
        info: () => Effect.succeed(reject(486, "Busy Here")),
      })
      const a = yield* endpoint([udp4])
      const ok = yield* a.request("MESSAGE", uriOf(b), { body: "hi" })
      expect(ok.status).toBe(200)
      expect(new TextDecoder().decode(ok.body)).toBe("echo hi")
      expect(getHeader(ok, "X-Test")).toBe("1")
      const busy = yield* a.request("INFO", uriOf(b))
      expect([busy.status, busy.reason]).toEqual([486, "Busy Here"])
    }),
  )

  it.live("provisional now, final later from another fiber (no fixed delay)", () =>
    Effect.gen(function* () {
      const gate = yield* Deferred.make<void>()
      const b = yield* endpoint([udp4], {
        message: (_req, ctx) =>
          Effect.gen(function* () {
            yield* ctx.respond(180)
            yield* Effect.forkDetach(
              Deferred.await(gate).pipe(Effect.andThen(ctx.respond(200, { body: "late" }))),
            )
            return later()
          }),
      })
      const a = yield* endpoint([udp4])
      const provisionals: Array<number> = []
      const fiber = yield* Effect.forkChild(
        a.request("MESSAGE", uriOf(b), {
          onProvisional: (r) =>
            Effect.sync(() => provisionals.push(r.status)).pipe(
              Effect.andThen(Deferred.succeed(gate, undefined)),
            ),
        }),
      )
      const response = yield* Fiber.join(fiber)
      expect(provisionals).toEqual([180])
      expect(response.status).toBe(200)
    }),
  )

  it.live.each([
    ["UDP", udp4],
    ["TCP", tcp4],
  ] as const)(
    "respondNow: a provisional sent at once goes out before the answer given at once (%s)",
    ([kind, at]) =>
      Effect.gen(function* () {
        const refusals: Array<string | undefined> = []
        const b = yield* endpoint([at], {
          message: (_req, ctx) => {
            refusals.push(ctx.respondNow(183)?.message)
            refusals.push(ctx.respondNow(180)?.message)
            return Effect.succeed(respond(200, { body: "at once" }))
          },
          info: (_req, ctx) => {
            refusals.push(ctx.respondNow(200, { body: "final now" })?.message)
            // after the final response the transaction refuses another: a value, not a failure
            refusals.push(ctx.respondNow(180)?.message)
            return Effect.succeed(later())
          },
        })
        const a = yield* endpoint([at])
        const provisionals: Array<number> = []
        const response = yield* a.request("MESSAGE", uriOf(b, kind), {
          onProvisional: (r) => Effect.sync(() => void provisionals.push(r.status)),
        })
        expect(provisionals).toEqual([183, 180])
        expect([response.status, new TextDecoder().decode(response.body)]).toEqual([200, "at once"])
        expect(refusals).toEqual([undefined, undefined])
        const info = yield* a.request("INFO", uriOf(b, kind))
        expect([info.status, new TextDecoder().decode(info.body)]).toEqual([200, "final now"])
        expect(refusals.slice(2)).toEqual([undefined, "no pending transaction for a 180"])
      }),
  )

  it.live("over TCP too; stats count and the wire stream shows what crossed the wire", () =>
    Effect.gen(function* () {
      const b = yield* endpoint([tcp4])
      const a = yield* endpoint([tcp4])
      const seen = yield* Effect.forkChild(a.wire.pipe(Stream.take(2), Stream.runCollect))
      yield* Effect.sleep(10) // let the subscription start
      const response = yield* a.request("OPTIONS", uriOf(b, "TCP"))
      expect(response.status).toBe(200)
      const stats = yield* b.stats
      expect(stats.messagesIn["OPTIONS"]).toBe(1)
      expect(stats.messagesOut["200"]).toBe(1)
      const wire = yield* Fiber.join(seen)
      expect(wire.map((e) => `${e.direction} ${e.transport} ${e.message._tag}`)).toEqual([
        "out TCP Request",
        "in TCP Response",
      ])
      expect(wire[0]!.transaction).toBeDefined()
    }),
  )
})

describe("the endpoint as a Layer", () => {
  it.live(
    "Endpoint.layer builds the service from a schema-checked config; the scope closes its sockets",
    () =>
      Effect.gen(function* () {
        const EndpointLive = layer(
          { listeners: [{ transport: "UDP", host: "127.0.0.1", port: 0 }], logMessages: false },
          { message: () => Effect.succeed(respond(200)) },
        ).pipe(Layer.provide(Layer.mergeAll(Layer.succeed(Ids)(cryptoIds), staticDnsLayer({}))))
        const port = yield* Effect.scoped(
          Effect.gen(function* () {
            const ep = yield* Endpoint
            const client = yield* endpoint([udp4])
            expect((yield* client.request("MESSAGE", uriOf(ep))).status).toBe(200)
            return ep.listeners[0]!.local.port
          }).pipe(Effect.provide(EndpointLive)),
        )
        // the layer's scope is closed: the port can be bound again
        const socket = dgram.createSocket("udp4")
        const rebound = yield* Effect.callback<boolean>((resume) => {
          socket.once("error", () => resume(Effect.succeed(false)))
          socket.bind(port, "127.0.0.1", () => resume(Effect.succeed(true)))
        })
        socket.close()
        expect(rebound).toBe(true)
      }),
  )
})
