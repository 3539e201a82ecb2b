/**
 * Seed flow "REFER (Call Transfer) Flow" (RFC 3515): Alice and Bob are in a call; Bob sends REFER (Refer-To:
 * Carol) inside the dialog; Alice accepts (202), reports progress with NOTIFY (sipfrag "SIP/2.0 100 Trying"),
 * calls Carol, reports the outcome with a second NOTIFY ("SIP/2.0 200 OK", subscription terminated), and hangs up
 * on Bob. Alice's handlers reach her own endpoint through a Deferred filled once it is built.
 *
 * Run: `node docs/examples/refer.ts` (after `npm run build`).
 */
import { fileURLToPath } from "node:url"
import { getHeader } from "@sipkit/codec"
import { type CallHandle, type EndpointShape, later, respond } from "@sipkit/transport-node"
import { Deferred, Effect, Fiber, Stream } from "effect"
import { recordLadder, settle, start } from "./support.ts"

const sdp = "v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"

const notify = (endpoint: EndpointShape, dialogId: string, frag: string, state: string) =>
  endpoint.inDialog(dialogId, "NOTIFY", {
    headers: [
      ["Event", "refer"],
      ["Subscription-State", state],
    ],
    body: `${frag}\r\n`,
    contentType: "message/sipfrag",
  })

export const program = Effect.scoped(
  Effect.gen(function* () {
    const aliceEndpoint = yield* Deferred.make<EndpointShape>()
    const transferred = yield* Deferred.make<CallHandle>()
    const notified: Array<string> = []
    const carol = yield* start("Carol", { invite: () => Effect.succeed(respond(200, { body: sdp })) })
    const alice = yield* start("Alice", {
      invite: () => Effect.succeed(respond(200, { body: sdp })),
      refer: (request, ctx) =>
        Effect.gen(function* () {
          const me = yield* Deferred.await(aliceEndpoint)
          const dialogId = ctx.dialog()!.id
          const target = (getHeader(request, "Refer-To") ?? "").replace(/^<|>$/g, "")
          yield* ctx.respond(202)
          yield* Effect.forkDetach(
            Effect.gen(function* () {
              yield* notify(me, dialogId, "SIP/2.0 100 Trying", "active;expires=60")
              const call = yield* me.call(target, sdp)
              const outcome = yield* call.events.pipe(
                Stream.takeUntil((e) => e._tag === "Answered" || e._tag === "Failed"),
                Stream.runCollect,
              )
              const ok = outcome.some((e) => e._tag === "Answered")
              yield* notify(
                me,
                dialogId,
                ok ? "SIP/2.0 200 OK" : "SIP/2.0 503 Service Unavailable",
                "terminated;reason=noresource",
              )
              yield* me.inDialog(dialogId, "BYE")
              yield* Deferred.succeed(transferred, call)
            }),
          )
          return later()
        }),
    })
    yield* Deferred.succeed(aliceEndpoint, alice.endpoint)
    const bob = yield* start("Bob", {
      notify: (request) =>
        Effect.sync(() => {
          notified.push(new TextDecoder().decode(request.body).trim())
          return respond(200)
        }),
    })
    const ladder = yield* recordLadder([alice, bob, carol])
    // the existing call, Bob → Alice
    const call = yield* bob.endpoint.call(alice.uri("alice"), sdp)
    const bobEvents = yield* Effect.forkChild(Stream.runCollect(call.events))
    yield* Effect.sleep(100)
    const refer = yield* call.refer(carol.uri("carol"))
    const aliceToCarol = yield* Deferred.await(transferred)
    const bobSaw = yield* Fiber.join(bobEvents)
    yield* aliceToCarol.hangup
    yield* settle
    return {
      referStatus: refer.status,
      notified,
      bobCall: bobSaw.map((e) => (e._tag === "Ended" ? `Ended ${e.by}` : e._tag)),
      ladder: yield* ladder.lines,
    }
  }),
)

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  Effect.runPromise(program).then((r) => console.log(r.ladder.join("\n")))
}
