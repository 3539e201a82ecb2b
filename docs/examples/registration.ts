/**
 * Seed flow "SIP Registration Flow" (RFC 3261 §10): the UA registers, the registrar challenges (401 with a
 * Digest WWW-Authenticate), the UA computes the response and registers again, the registrar stores the binding
 * and answers 200 with the Contact and its expiry. The registrar is @sipkit/fsm's §10.3 core
 * (`registrarHandler` over the in-memory location service) with its Digest authenticator.
 *
 * Run: `node docs/examples/registration.ts` (after `npm run build`).
 */
import { fileURLToPath } from "node:url"
import { makeDigestAuthenticator, makeRegistrarConfig } from "@sipkit/fsm/registrar"
import { memoryLocation, registrarHandler } from "@sipkit/transport-node"
import { Clock, Effect } from "effect"
import { recordLadder, settle, start } from "./support.ts"

export const program = Effect.scoped(
  Effect.gen(function* () {
    const location = memoryLocation()
    const authenticator = makeDigestAuthenticator({
      realm: "example.com",
      nonceSecret: "example nonce key",
      lookup: (username) => (username === "alice" ? { password: "wonderland" } : undefined),
    })
    const registrar = yield* start("Registrar", {
      register: registrarHandler(
        makeRegistrarConfig({ domains: ["example.com"], authenticator: () => authenticator }),
        location,
      ),
    })
    const zone = { a: { "example.com": ["127.0.0.1"] } }
    const phone = yield* start("Alice", {}, zone)
    const ladder = yield* recordLadder([phone, registrar])
    const registration = yield* phone.endpoint.register({
      registrar: `sip:example.com:${registrar.port}`,
      aor: "sip:alice@example.com",
      expires: 3600,
      credentials: { username: "alice", password: "wonderland" },
    })
    yield* settle
    const bindings = yield* location.lookup("sip:alice@example.com", yield* Clock.currentTimeMillis)
    return {
      expires: yield* registration.expires,
      bindings: bindings.map((b) => b.uri),
      ladder: yield* ladder.lines,
    }
  }),
)

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  Effect.runPromise(program).then((r) => console.log(r.ladder.join("\n")))
}
