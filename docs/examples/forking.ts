/**
 * Seed flow "Forking Proxy Flow" (RFC 3261 §16.7): the proxy forks Alice's INVITE to Bob's office, mobile and
 * home phones at once. Office and mobile ring, home is busy (486), mobile answers: the proxy relays the 200 and
 * CANCELs the office branch (§16.7 step 10), which answers 487. The proxy Record-Routed the INVITE, so Alice's ACK
 * of the 200 (end to end) and her BYE go through it on the route set.
 *
 * Run: `node docs/examples/forking.ts` (after `npm run build`).
 */
import { fileURLToPath } from "node:url"
import { later, proxy, respond } from "@sipkit/transport-node"
import { Effect, Stream } from "effect"
import { recordLadder, settle, start } from "./support.ts"

const ringing = (answerAfterMs: number | undefined) =>
  ({
    invite: (_request, ctx) =>
      Effect.gen(function* () {
        yield* ctx.respond(180)
        if (answerAfterMs !== undefined) {
          yield* Effect.sleep(answerAfterMs)
          yield* ctx.respond(200, { body: "v=0\r\no=mobile 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" })
        }
        return later()
      }),
  }) satisfies Parameters<typeof start>[1]

export const program = Effect.scoped(
  Effect.gen(function* () {
    const office = yield* start("Office", ringing(undefined))
    const mobile = yield* start("Mobile", ringing(150))
    const home = yield* start("Home", { invite: () => Effect.succeed(respond(486)) })
    const proxyEp = yield* start("Proxy", {
      invite: () => Effect.succeed(proxy([office.uri("bob"), mobile.uri("bob"), home.uri("bob")])),
    })
    const alice = yield* start("Alice")
    const ladder = yield* recordLadder([alice, proxyEp, office, mobile, home])
    const call = yield* alice.endpoint.call(proxyEp.uri("bob"), "v=0\r\n")
    const events = yield* call.events.pipe(
      Stream.takeUntil((e) => e._tag === "Answered" || e._tag === "Failed"),
      Stream.runCollect,
    )
    yield* settle
    yield* call.hangup
    yield* settle
    return {
      events: events.map((e) => e._tag),
      officeCancelled: ((yield* office.endpoint.stats).messagesOut["487"] ?? 0) === 1,
      ladder: yield* ladder.lines,
    }
  }),
)

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  Effect.runPromise(program).then((r) => console.log(r.ladder.join("\n")))
}
