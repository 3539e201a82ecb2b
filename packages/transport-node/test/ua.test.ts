/**
 * The engine as a runner of @sipkit/fsm/ua: what the UA core decides is what crosses the wire — the To option and
 * a preloaded route (§8.1.2) on our calls and registrations, the application's answers built by the core (Record-Route
 * copy, its headers, a response refused after the final one), a delegated BYE, and the §8.2 checks of the core.
 */
import { expect, it } from "@effect/vitest"
import { getHeader, getHeaderValues, type Request } from "@sipkit/codec"
import { Deferred, Effect, Fiber, Stream } from "effect"
import { describe } from "vitest"
import { later, respond } from "../src/Handlers.js"
import { endpoint, udp4, uriOf } from "./support/endpoints.js"

const offer =
  "v=0\r\no=a 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
const proxyUri = (ep: Parameters<typeof uriOf>[0]) => uriOf(ep).replace("sip:bob@", "sip:")

describe("our requests, as the UA core builds them", () => {
  it.live(
    "call(): the To option and an outbound proxy: Route <proxy;lr> preloaded, sent to the proxy (§8.1.2)",
    () =>
      Effect.gen(function* () {
        const seen = yield* Deferred.make<Request>()
        const proxy = yield* endpoint([udp4], {
          invite: (request) => Deferred.succeed(seen, request).pipe(Effect.as(respond(486))),
        })
        const bob = yield* endpoint([udp4])
        const alice = yield* endpoint([udp4])
        const call = yield* alice.call(uriOf(bob), offer, {
          to: '"Bob" <sip:bob@example.com>',
          outboundProxy: proxyUri(proxy),
        })
        const events = yield* call.events.pipe(Stream.runCollect, Effect.timeout("3 seconds"))
        const request = yield* Deferred.await(seen)
        expect(request.uri).toBe(uriOf(bob))
        expect(getHeaderValues(request, "Route")).toEqual([`<${proxyUri(proxy)};lr>`])
        expect(getHeader(request, "To")).toBe('"Bob" <sip:bob@example.com>')
        expect(events.map((e) => e._tag)).toEqual(["Failed"])
        expect(events[0]?._tag === "Failed" && events[0].status).toBe(486)
      }),
  )

  it.live("request(): a preloaded route set goes out as Route headers, to the first entry (§8.1.2)", () =>
    Effect.gen(function* () {
      const seen = yield* Deferred.make<Request>()
      const proxy = yield* endpoint([udp4], {
        message: (request) => Deferred.succeed(seen, request).pipe(Effect.as(respond(202))),
      })
      const a = yield* endpoint([udp4])
      const response = yield* a.request("MESSAGE", "sip:bob@example.com", {
        route: [proxyUri(proxy), "<sip:edge.example.com;lr>"],
        body: "hi",
      })
      expect(response.status).toBe(202)
      const request = yield* Deferred.await(seen)
      expect(request.uri).toBe("sip:bob@example.com")
      expect(getHeaderValues(request, "Route")).toEqual([
        `<${proxyUri(proxy)};lr>`,
        "<sip:edge.example.com;lr>",
      ])
      expect(getHeader(request, "Contact")).toBeUndefined()
    }),
  )

  it.live("register(): through an outbound proxy, Route preloaded, the Request-URI still the registrar", () =>
    Effect.gen(function* () {
      const seen = yield* Deferred.make<Request>()
      const proxy = yield* endpoint([udp4], {
        register: (request) =>
          Deferred.succeed(seen, request).pipe(Effect.as(respond(200, { headers: [["Expires", "300"]] }))),
      })
      const phone = yield* endpoint([udp4])
      const registration = yield* phone.register({
        registrar: "sip:example.com",
        aor: "sip:alice@example.com",
        outboundProxy: proxyUri(proxy),
      })
      const request = yield* Deferred.await(seen)
      expect(request.uri).toBe("sip:example.com")
      expect(getHeaderValues(request, "Route")).toEqual([`<${proxyUri(proxy)};lr>`])
      expect(yield* registration.expires).toBe(300)
    }),
  )
})

describe("the application's answers, built by the UA core", () => {
  it.live(
    "a 200 carries the request's Record-Route (§12.1.1) and the handler's headers; a second final is refused",
    () =>
      Effect.gen(function* () {
        const second = yield* Deferred.make<string>()
        const callee = yield* endpoint([udp4], {
          invite: (_request, ctx) =>
            Effect.gen(function* () {
              yield* ctx.respond(200, { body: offer, headers: [["X-App", "yes"]] })
              const refused = yield* ctx.respond(486).pipe(Effect.flip)
              yield* Deferred.succeed(second, refused._tag)
              return later()
            }),
        })
        const caller = yield* endpoint([udp4])
        const call = yield* caller.call(uriOf(callee), offer, {
          headers: [["Record-Route", "<sip:rr.example.com;lr>"]],
        })
        const events = yield* call.events.pipe(
          Stream.takeUntil((e) => e._tag === "Answered" || e._tag === "Failed"),
          Stream.runCollect,
          Effect.timeout("3 seconds"),
        )
        const answered = events.find((e) => e._tag === "Answered")
        expect(answered?._tag === "Answered" && getHeaderValues(answered.response, "Record-Route")).toEqual([
          "<sip:rr.example.com;lr>",
        ])
        expect(answered?._tag === "Answered" && getHeader(answered.response, "X-App")).toBe("yes")
        expect(yield* Deferred.await(second)).toBe("ResponseRefused")
      }),
  )

  it.live("a bye handler answers the BYE; its 2xx ends the call on both sides", () =>
    Effect.gen(function* () {
      const byed = yield* Deferred.make<boolean>()
      const callee = yield* endpoint([udp4], {
        invite: () => Effect.succeed(respond(200, { body: offer })),
        bye: (_request, ctx) =>
          Deferred.succeed(byed, ctx.dialog() !== undefined).pipe(
            Effect.as(respond(200, { headers: [["X-Bye", "ok"]] })),
          ),
      })
      const caller = yield* endpoint([udp4])
      const call = yield* caller.call(uriOf(callee), offer)
      const events = yield* Effect.forkChild(call.events.pipe(Stream.runCollect))
      yield* Effect.sleep(200)
      const bye = yield* call.request("BYE")
      expect([bye.status, getHeader(bye, "X-Bye")]).toEqual([200, "ok"])
      expect(yield* Deferred.await(byed)).toBe(true)
      const all = yield* Fiber.join(events).pipe(Effect.timeout("3 seconds"))
      expect(all.map((e) => e._tag)).toEqual(["Answered", "Ended"])
      yield* Effect.sleep(50)
      expect((yield* callee.stats).activeDialogs).toBe(0)
    }),
  )

  it.live("§8.2 by the core: an unknown Require gets 420 with Unsupported before any handler runs", () =>
    Effect.gen(function* () {
      let ran = false
      const b = yield* endpoint([udp4], {
        message: () =>
          Effect.sync(() => {
            ran = true
            return respond(200)
          }),
      })
      const a = yield* endpoint([udp4])
      const response = yield* a.request("MESSAGE", uriOf(b), { headers: [["Require", "foo"]], body: "hi" })
      expect([response.status, getHeader(response, "Unsupported")]).toEqual([420, "foo"])
      expect(ran).toBe(false)
    }),
  )
})
