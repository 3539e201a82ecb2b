/**
 * Seed flow "Basic SIP Call Flow" (RFC 3665 §3.1), with the "SIP Registration Flow" in front of it:
 * Bob registers with the proxy of example.com (found through DNS SRV — a static zone here), Alice calls
 * sip:bob@example.com, the proxy looks Bob up in its location service and forwards, Bob rings and answers with
 * an SDP answer negotiated from Alice's offer (RFC 3264, @sipkit/codec/sdp), Alice ACKs, and later hangs up.
 *
 * The proxy is @sipkit/fsm/proxy run by the runtime (`proxyByLocation`): it Record-Routes the INVITE, so the ACK and
 * the BYE go through it on the route set, as in the seed's ladder.
 *
 * Run: `node docs/examples/basic-call.ts` (after `npm run build`); tested by packages/transport-node/test/examples.test.ts.
 */
import { fileURLToPath } from "node:url"
import { negotiate, parseSdp, printSdp } from "@sipkit/codec/sdp"
import { makeRegistrarConfig } from "@sipkit/fsm/registrar"
import { later, memoryLocation, proxyByLocation, registrarHandler } from "@sipkit/transport-node"
import { Effect, Stream } from "effect"
import { recordLadder, settle, start } from "./support.ts"

export const aliceOffer = [
  "v=0",
  "o=alice 2890844526 2890844526 IN IP4 127.0.0.1",
  "s=Session",
  "c=IN IP4 127.0.0.1",
  "t=0 0",
  "m=audio 49170 RTP/AVP 0 8 97",
  "a=rtpmap:0 PCMU/8000",
  "a=rtpmap:8 PCMA/8000",
  "a=rtpmap:97 opus/48000/2",
  "",
].join("\r\n")

/** Bob's side of RFC 3264: he can do PCMU only, so the answer keeps PCMU (the seed's "Negotiated: PCMU"). */
const bobSdp = (offer: string): string | undefined => {
  const parsed = parseSdp(offer)
  if (parsed._tag === "Err") return undefined
  const outcome = negotiate(parsed.value, {
    username: "bob",
    sessionId: "2890844527",
    sessionVersion: "2890844527",
    address: "127.0.0.1",
    media: [{ type: "audio", port: 49172, codecs: [{ encoding: "PCMU", clockRate: 8000 }] }],
  })
  return outcome._tag === "Ok" ? printSdp(outcome.value.description) : undefined
}

export const program = Effect.scoped(
  Effect.gen(function* () {
    const location = memoryLocation()
    const proxyEp = yield* start("Proxy", {
      register: registrarHandler(makeRegistrarConfig({ domains: ["example.com"], minExpires: 1 }), location),
      // §16.5 over the location service: Bob's bindings are the targets (480 when he has none)
      invite: () => Effect.succeed(proxyByLocation(location, ["example.com"])),
    })
    const zone = {
      srv: {
        "_sip._udp.example.com": [
          { priority: 0, weight: 0, port: proxyEp.port, target: "proxy.example.com" },
        ],
      },
      a: { "proxy.example.com": ["127.0.0.1"] },
    }
    const bob = yield* start(
      "Bob",
      {
        invite: (request, ctx) =>
          Effect.gen(function* () {
            yield* ctx.respond(180)
            const answer = bobSdp(new TextDecoder().decode(request.body))
            yield* ctx.respond(answer === undefined ? 488 : 200, answer === undefined ? {} : { body: answer })
            return later()
          }),
      },
      zone,
    )
    const alice = yield* start("Alice", {}, zone)
    const ladder = yield* recordLadder([alice, proxyEp, bob])

    const registration = yield* bob.endpoint.register({
      registrar: "sip:example.com",
      aor: "sip:bob@example.com",
    })
    const call = yield* alice.endpoint.call("sip:bob@example.com", aliceOffer)
    const events = yield* call.events.pipe(
      Stream.takeUntil((e) => e._tag === "Answered" || e._tag === "Failed"),
      Stream.runCollect,
    )
    yield* settle
    yield* call.hangup
    yield* settle
    const answered = events.find((e) => e._tag === "Answered")
    return {
      registeredFor: yield* registration.expires,
      events: events.map((e) => e._tag),
      answer: answered?._tag === "Answered" ? answered.sdp : undefined,
      ladder: yield* ladder.lines,
    }
  }),
)

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  Effect.runPromise(program).then((r) => console.log(r.ladder.join("\n")))
}
