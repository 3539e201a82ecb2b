/**
 * Seed flow "CANCEL Flow" (RFC 3261 §9): Alice calls Bob through a proxy, Bob rings, Alice gives up. The proxy
 * answers the CANCEL with 200 and cancels its own branch; Bob answers his CANCEL with 200 and the INVITE with 487;
 * the 487 reaches Alice, whose INVITE client transaction ACKs it (§17.1.1.3), as does the proxy's.
 *
 * Run: `node docs/examples/cancel.ts` (after `npm run build`).
 */
import { fileURLToPath } from "node:url"
import { later, proxy } from "@sipkit/transport-node"
import { Deferred, Effect, Fiber, Stream } from "effect"
import { recordLadder, settle, start } from "./support.ts"

export const program = Effect.scoped(
  Effect.gen(function* () {
    const bobSawCancel = yield* Deferred.make<void>()
    const bob = yield* start("Bob", {
      invite: (_request, ctx) =>
        Effect.gen(function* () {
          yield* ctx.respond(180)
          yield* Effect.forkDetach(
            Deferred.await(ctx.cancelled).pipe(Effect.andThen(Deferred.succeed(bobSawCancel, undefined))),
          )
          return later()
        }),
    })
    const proxyEp = yield* start("Proxy", { invite: () => Effect.succeed(proxy([bob.uri("bob")])) })
    const alice = yield* start("Alice")
    const ladder = yield* recordLadder([alice, proxyEp, bob])
    const call = yield* alice.endpoint.call(proxyEp.uri("bob"), "v=0\r\n")
    const events = yield* Effect.forkChild(Stream.runCollect(call.events))
    yield* Effect.sleep(150) // Bob is ringing
    yield* call.cancel
    yield* Deferred.await(bobSawCancel)
    const all = yield* Fiber.join(events)
    yield* settle
    return {
      events: all.map((e) => (e._tag === "Failed" ? `Failed ${e.status}` : e._tag)),
      ladder: yield* ladder.lines,
    }
  }),
)

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  Effect.runPromise(program).then((r) => console.log(r.ladder.join("\n")))
}
