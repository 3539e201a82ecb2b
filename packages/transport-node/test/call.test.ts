import { expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Stream } from "effect"
import { describe } from "vitest"
import { later, respond } from "../src/Handlers.js"
import { endpoint, tcp4, udp4, uriOf } from "./support/endpoints.js"

const offer =
  "v=0\r\no=a 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
const answer = offer.replace("o=a", "o=b").replace("4000", "5000")
const tags = (events: ReadonlyArray<{ readonly _tag: string }>) => events.map((e) => e._tag)

describe("calls between two endpoints", () => {
  for (const listener of [udp4, tcp4]) {
    it.live(
      `${listener.transport}: INVITE → 180 → 200 → ACK, dialog state kept across re-INVITE, BYE from the caller`,
      () =>
        Effect.gen(function* () {
          const acked = yield* Deferred.make<void>()
          const byed = yield* Deferred.make<string>()
          const callee = yield* endpoint([listener], {
            invite: (req, ctx) =>
              Effect.gen(function* () {
                const dialog = ctx.dialog()
                if (dialog !== undefined) {
                  // a re-INVITE: per-call state set on the first INVITE is still there
                  return respond(200, { body: `${answer}a=seen:${String(dialog.data.get("first"))}\r\n` })
                }
                yield* ctx.respond(180)
                yield* ctx.respond(200, { body: answer })
                ctx.dialog()?.data.set("first", new TextDecoder().decode(req.body).length)
                return later()
              }),
            ack: () => Deferred.succeed(acked, undefined).pipe(Effect.asVoid),
            bye: (_req, ctx) =>
              Deferred.succeed(byed, String(ctx.dialog()?.data.get("first"))).pipe(Effect.as(respond(200))),
          })
          const caller = yield* endpoint([listener])
          const handle = yield* caller.call(uriOf(callee, listener.transport), offer)
          const events = yield* Effect.forkChild(handle.events.pipe(Stream.runCollect))
          yield* Deferred.await(acked).pipe(Effect.timeout("3 seconds"))
          expect((yield* callee.stats).activeDialogs).toBe(1)
          const re = yield* handle.reoffer(offer)
          expect(new TextDecoder().decode(re.body)).toContain(`a=seen:${offer.length}`)
          yield* handle.hangup
          expect(yield* Deferred.await(byed)).toBe(String(offer.length))
          const all = yield* Fiber.join(events).pipe(Effect.timeout("3 seconds"))
          expect(tags(all)).toEqual(["Ringing", "Answered", "Ended"])
          const answered = all[1]!
          expect(answered._tag === "Answered" && answered.sdp).toBe(answer)
          expect((yield* callee.stats).activeDialogs).toBe(0)
          expect((yield* caller.stats).activeDialogs).toBe(0)
        }),
    )
  }

  it.live("the callee hangs up (BYE from the UAS side): the caller's stream ends with Ended(remote)", () =>
    Effect.gen(function* () {
      const dialogId = yield* Deferred.make<string>()
      const callee = yield* endpoint([udp4], {
        invite: () => Effect.succeed(respond(200, { body: answer })),
        ack: (_req, ctx) => Deferred.succeed(dialogId, ctx.dialog()!.id).pipe(Effect.asVoid),
      })
      const caller = yield* endpoint([udp4])
      const handle = yield* caller.call(uriOf(callee), offer)
      const events = yield* Effect.forkChild(handle.events.pipe(Stream.runCollect))
      const id = yield* Deferred.await(dialogId).pipe(Effect.timeout("3 seconds"))
      const bye = yield* callee.inDialog(id, "BYE")
      expect(bye.status).toBe(200)
      const all = yield* Fiber.join(events).pipe(Effect.timeout("3 seconds"))
      expect(all.map((e) => (e._tag === "Ended" ? `Ended:${e.by}` : e._tag))).toEqual([
        "Answered",
        "Ended:remote",
      ])
      expect((yield* callee.stats).activeDialogs).toBe(0)
      expect((yield* caller.stats).activeDialogs).toBe(0)
    }),
  )

  it.live("CANCEL after 180: the caller gets 487, the callee's handler sees `cancelled`", () =>
    Effect.gen(function* () {
      const sawCancel = yield* Deferred.make<void>()
      const callee = yield* endpoint([udp4], {
        invite: (_req, ctx) =>
          Effect.gen(function* () {
            yield* ctx.respond(180)
            yield* Effect.forkDetach(
              Deferred.await(ctx.cancelled).pipe(Effect.andThen(Deferred.succeed(sawCancel, undefined))),
            )
            return later()
          }),
      })
      const caller = yield* endpoint([udp4])
      const handle = yield* caller.call(uriOf(callee), offer)
      const events = yield* Effect.forkChild(handle.events.pipe(Stream.runCollect))
      yield* Effect.sleep(100)
      yield* handle.cancel
      yield* Deferred.await(sawCancel).pipe(Effect.timeout("3 seconds"))
      const all = yield* Fiber.join(events).pipe(Effect.timeout("3 seconds"))
      expect(tags(all)).toEqual(["Ringing", "Failed"])
      const failed = all[1]!
      expect(failed._tag === "Failed" && failed.status).toBe(487)
    }),
  )

  it.live("a call to nobody fails with 408 after Timer B (64·T1)", () =>
    Effect.gen(function* () {
      const caller = yield* endpoint([udp4], {}, { timers: { t1: 10, t2: 40, t4: 50 } })
      const handle = yield* caller.call("sip:nobody@127.0.0.1:9", offer)
      const all = yield* handle.events.pipe(Stream.runCollect, Effect.timeout("5 seconds"))
      expect(all).toEqual([{ _tag: "Failed", status: 408, reason: "Request Timeout" }])
      expect((yield* caller.stats).retransmissions).toBeGreaterThanOrEqual(5)
    }),
  )
})
