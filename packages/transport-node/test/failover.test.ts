/** RFC 3263 through the engine: a request to a domain goes to its SRV targets in order and fails over on a 503
 * or a transport error (§4.3); a call follows the same rules. Static zones only. */
import { expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { describe } from "vitest"
import { respond } from "../src/Handlers.js"
import { endpoint, tcp4, udp4 } from "./support/endpoints.js"
import { freePort } from "./support/sipp.js"

const srv = (name: string, ports: ReadonlyArray<number>) => ({
  srv: { [name]: ports.map((port, i) => ({ priority: i, weight: 0, port, target: `host${i}.example.org` })) },
  a: Object.fromEntries(ports.map((_, i) => [`host${i}.example.org`, ["127.0.0.1"]])),
})

describe("RFC 3263 failover through the engine", () => {
  it.live("503 from the first SRV target → the request goes to the next", () =>
    Effect.gen(function* () {
      const hits: Array<string> = []
      const down = yield* endpoint([udp4], {
        message: () => Effect.sync(() => hits.push("down")).pipe(Effect.as(respond(503))),
      })
      const up = yield* endpoint([udp4], {
        message: () => Effect.sync(() => hits.push("up")).pipe(Effect.as(respond(200))),
      })
      const zone = srv("_sip._udp.example.org", [down.listeners[0]!.local.port, up.listeners[0]!.local.port])
      const client = yield* endpoint([udp4], {}, {}, zone)
      const response = yield* client.request("MESSAGE", "sip:bob@example.org", { body: "hi" })
      expect(response.status).toBe(200)
      expect(hits).toEqual(["down", "up"])
    }),
  )

  it.live("a refused TCP connection → the next target, at once", () =>
    Effect.gen(function* () {
      const dead = yield* freePort()
      const up = yield* endpoint([tcp4])
      const zone = srv("_sip._tcp.example.org", [dead, up.listeners[0]!.local.port])
      const client = yield* endpoint([tcp4], {}, {}, zone)
      const started = Date.now()
      expect((yield* client.request("OPTIONS", "sip:bob@example.org")).status).toBe(200)
      expect(Date.now() - started).toBeLessThan(2000)
    }),
  )

  it.live("every target fails: the last failure is reported (503)", () =>
    Effect.gen(function* () {
      const zone = srv("_sip._tcp.example.org", [yield* freePort(), yield* freePort()])
      const client = yield* endpoint([tcp4], {}, {}, zone)
      const failure = yield* Effect.flip(client.request("OPTIONS", "sip:bob@example.org"))
      expect(failure.status).toBe(503)
    }),
  )

  it.live("a name that does not resolve: 503 without sending anything", () =>
    Effect.gen(function* () {
      const client = yield* endpoint([udp4])
      const failure = yield* Effect.flip(client.request("OPTIONS", "sip:bob@nowhere.invalid"))
      expect(failure.status).toBe(503)
      expect((yield* client.stats).messagesOut).toEqual({})
    }),
  )

  it.live("a call to a domain is placed through DNS too", () =>
    Effect.gen(function* () {
      const callee = yield* endpoint([udp4], {
        invite: () => Effect.succeed(respond(200, { body: "v=0\r\n" })),
      })
      const client = yield* endpoint(
        [udp4],
        {},
        {},
        srv("_sip._udp.example.org", [callee.listeners[0]!.local.port]),
      )
      const call = yield* client.call("sip:bob@example.org", "v=0\r\n")
      const events = yield* call.events.pipe(Stream.take(1), Stream.runCollect, Effect.timeout("3 seconds"))
      expect(events.map((e) => e._tag)).toEqual(["Answered"])
      yield* call.hangup
    }),
  )
})
