/**
 * Seed flow "Early Media Flow" (RFC 3960): the PBX answers the INVITE with 183 Session Progress carrying SDP
 * (a=sendonly: an announcement), later the callee picks up and the 200 OK completes the call. The caller's event
 * stream shows EarlyMedia (with the 183's SDP) before Answered.
 *
 * Run: `node docs/examples/early-media.ts` (after `npm run build`).
 */
import { fileURLToPath } from "node:url"
import { later } from "@sipkit/transport-node"
import { Effect, Stream } from "effect"
import { recordLadder, settle, start } from "./support.ts"

const sdp = (direction: string) =>
  `v=0\r\no=pbx 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0\r\na=${direction}\r\n`

export const program = Effect.scoped(
  Effect.gen(function* () {
    const pbx = yield* start("PBX", {
      invite: (_request, ctx) =>
        Effect.gen(function* () {
          yield* ctx.respond(183, { body: sdp("sendonly") }) // "Please wait while we connect your call..."
          yield* Effect.sleep(100)
          yield* ctx.respond(200, { body: sdp("sendrecv") })
          return later()
        }),
    })
    const caller = yield* start("Caller")
    const ladder = yield* recordLadder([caller, pbx])
    const call = yield* caller.endpoint.call(pbx.uri("ivr"), "v=0\r\n")
    const events = yield* call.events.pipe(
      Stream.takeUntil((e) => e._tag === "Answered" || e._tag === "Failed"),
      Stream.runCollect,
    )
    yield* call.hangup
    yield* settle
    return {
      events: events.map((e) => e._tag),
      earlyMedia: events.flatMap((e) => (e._tag === "EarlyMedia" ? [e.sdp] : [])),
      ladder: yield* ladder.lines,
    }
  }),
)

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  Effect.runPromise(program).then((r) => console.log(r.ladder.join("\n")))
}
