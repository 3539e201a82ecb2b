/**
 * The engine as a runner of @sipkit/fsm/ua: what the UA core decides is what crosses the wire — the To option and
 * a preloaded route (§8.1.2) on our calls and registrations, the application's answers built by the core (Record-Route
 * copy, its headers, a response refused after the final one), a delegated BYE, and the §8.2 checks of the core.
 */
import * as dgram from "node:dgram"
import { expect, it } from "@effect/vitest"
import {
  getHeader,
  getHeaderValues,
  getTo,
  makeResponse,
  parseMessage,
  type Request,
  serializeMessage,
} from "@sipkit/codec"
import { Deferred, Effect, Fiber, Queue, Stream } from "effect"
import { describe } from "vitest"
import type { EndpointShape } from "../src/Endpoint.js"
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

  it.live("a fallback handler answers any method, an extension method too; OPTIONS falls to it as well", () =>
    Effect.gen(function* () {
      const b = yield* endpoint([udp4], {
        fallback: (request) => Effect.succeed(respond(request.method === "FOO" ? 299 : 298)),
      })
      const a = yield* endpoint([udp4])
      expect((yield* a.request("FOO", uriOf(b))).status).toBe(299)
      expect((yield* a.request("OPTIONS", uriOf(b))).status).toBe(298)
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

  it.live(
    "a UAS hanging up before the ACK of its 2xx: the BYE waits for the ACK (§15) and inDialog gets its response",
    () =>
      Effect.gen(function* () {
        const byeDone = yield* Deferred.make<number>()
        const self = yield* Deferred.make<EndpointShape>()
        const b = yield* endpoint([udp4], {
          invite: (_request, ctx) =>
            Effect.gen(function* () {
              yield* ctx.respond(200, { body: offer })
              const id = ctx.dialog()?.id ?? ""
              yield* Effect.forkDetach(
                Deferred.await(self).pipe(
                  Effect.flatMap((ep) => ep.inDialog(id, "BYE")),
                  Effect.flatMap((r) => Deferred.succeed(byeDone, r.status)),
                  Effect.catch((e) => Deferred.succeed(byeDone, e.status)),
                ),
              )
              return later()
            }),
        })
        yield* Deferred.succeed(self, b)
        const port = b.listeners[0]!.local.port
        // a bare UDP peer that answers the BYE but sends its ACK only when told
        const inbox = yield* Queue.unbounded<string>()
        const socket = dgram.createSocket("udp4")
        socket.on("message", (data) => Queue.offerUnsafe(inbox, data.toString()))
        yield* Effect.callback<void>((resume) => {
          socket.bind(0, "127.0.0.1", () => resume(Effect.void))
        })
        const mine = (socket.address() as { port: number }).port
        const send = (text: string) => socket.send(text, port, "127.0.0.1")
        const head = (method: string, seq: number, toTag = "") =>
          `${method} sip:bob@127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${mine};branch=z9hG4bK${method}${seq}\r\n` +
          `From: <sip:alice@127.0.0.1>;tag=al\r\nTo: <sip:bob@127.0.0.1>${toTag}\r\nCall-ID: bye-before-ack\r\n` +
          `CSeq: ${seq} ${method}\r\nContact: <sip:alice@127.0.0.1:${mine}>\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`
        send(head("INVITE", 1))
        const ok = yield* Queue.take(inbox).pipe(Effect.timeout("2 seconds"))
        expect(ok.startsWith("SIP/2.0 200")).toBe(true)
        const parsed = parseMessage(ok)
        const to = parsed._tag === "Ok" ? getTo(parsed.value) : undefined
        const tag = to?._tag === "Ok" ? (to.value.params.find((p) => p.name === "tag")?.value ?? "") : ""
        yield* Effect.sleep(100)
        // no BYE yet: only 2xx retransmissions (the BYE waits for the ACK)
        const early = yield* Queue.clear(inbox)
        expect(early.every((m) => m.startsWith("SIP/2.0 200"))).toBe(true)
        send(head("ACK", 1, `;tag=${tag}`))
        const bye = yield* Queue.take(inbox).pipe(
          Effect.repeat({ until: (m) => m.startsWith("BYE ") }),
          Effect.timeout("2 seconds"),
        )
        const byeMessage = parseMessage(bye)
        if (byeMessage._tag === "Ok" && byeMessage.value._tag === "Request")
          socket.send(serializeMessage(makeResponse(byeMessage.value, 200)), port, "127.0.0.1")
        expect(yield* Deferred.await(byeDone).pipe(Effect.timeout("2 seconds"))).toBe(200)
        socket.close()
      }),
  )
})
