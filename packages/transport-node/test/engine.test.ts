import { expect, it } from "@effect/vitest"
import { getHeader } from "@sipkit/codec"
import { Deferred, Effect, Fiber, Stream } from "effect"
import { describe } from "vitest"
import { later, reject, respond } from "../src/Handlers.js"
import { endpoint, tcp4, udp4, uriOf } from "./support/endpoints.js"

describe("engine: server side answers", () => {
  it.live("OPTIONS without a handler: 200 with Allow, Accept, Supported (§11.2)", () =>
    Effect.gen(function* () {
      const b = yield* endpoint([udp4], { message: () => Effect.succeed(respond(202)) })
      const a = yield* endpoint([udp4])
      const response = yield* a.request("OPTIONS", uriOf(b))
      expect(response.status).toBe(200)
      expect(getHeader(response, "Allow")).toContain("MESSAGE")
      expect(getHeader(response, "Accept")).toBe("application/sdp")
      expect(getHeader(response, "Supported")).toBeDefined()
      expect(getHeader(response, "To")).toMatch(/;tag=/)
    }),
  )

  it.live("a method without a handler gets 501 with Allow", () =>
    Effect.gen(function* () {
      const b = yield* endpoint([udp4])
      const a = yield* endpoint([udp4])
      const response = yield* a.request("SUBSCRIBE", uriOf(b))
      expect(response.status).toBe(501)
      expect(getHeader(response, "Allow")).toContain("OPTIONS")
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
