/**
 * Register — a UA's registration (RFC 3261 §10.2): REGISTER to the registrar with our Contact, answer a Digest
 * challenge, read the granted expiry (§10.2.4: the Contact's `expires`, else the Expires header), refresh before
 * it runs out, and unregister (`Expires: 0`, §10.2.2) when asked. One Call-ID and an increasing CSeq for all of
 * them (§10.2 "SHOULD use the same Call-ID ... incremented CSeq"). The REGISTER and its Digest retry are built by
 * @sipkit/fsm/ua (`makeRegister`, `retryWithCredentials`), the granted expiry read by its `grantedExpiry`; this
 * module sends them and keeps the refresh timer.
 */
import type { Response } from "@sipkit/codec"
import { grantedExpiry, makeRegister } from "@sipkit/fsm/ua"
import { Effect, Fiber, FiberSet, Ref } from "effect"
import { preloadedRoute } from "./Call.js"
import { type Credentials, RequestFailed, sendWithAuth, targetsFor } from "./Client.js"
import type { Core } from "./Core.js"
import { localContact } from "./Server.js"
import { stripBrackets, uaOf } from "./UaCore.js"

export interface RegisterOptions {
  /** The registrar's URI, e.g. `sip:example.com` (§10.2: the Request-URI). */
  readonly registrar: string
  /** The address-of-record, e.g. `sip:alice@example.com` (To and From). */
  readonly aor: string
  readonly expires?: number | undefined
  readonly credentials?: Credentials | undefined
  /** Our Contact; default: this endpoint's address on the transport used. */
  readonly contact?: string | undefined
  /** Refresh this many seconds before expiry (default: 30 s, or half the expiry when shorter than a minute). */
  readonly refreshMargin?: number | undefined
  /** §8.1.2: register through this proxy (`;lr` is added): preloaded as the Route, the REGISTER goes there. */
  readonly outboundProxy?: string | undefined
  /** §8.1.2: a preloaded route set, instead of `outboundProxy`. */
  readonly route?: ReadonlyArray<string> | undefined
}

export interface Registration {
  /** The expiry the registrar granted the last time, in seconds. */
  readonly expires: Effect.Effect<number>
  /** Successful REGISTERs so far (the first one included). */
  readonly count: Effect.Effect<number>
  /** Stops refreshing and removes the binding (Expires: 0). */
  readonly unregister: Effect.Effect<Response, RequestFailed>
}

export const register = (core: Core, options: RegisterOptions) =>
  Effect.gen(function* () {
    const asked = options.expires ?? 3600
    const callId = core.ids.callId()
    const tag = core.ids.tag()
    const route = preloadedRoute(options)
    const nextHop = route?.[0] === undefined ? options.registrar : stripBrackets(route[0])
    const [first] = yield* targetsFor(core, nextHop)
    const contact =
      options.contact ??
      (first === undefined ? `<sip:${core.config.user}@localhost>` : localContact(core, first))
    let seq = 0
    const send = (expires: number) =>
      Effect.gen(function* () {
        seq += 2 // leaves room for the CSeq the Digest retry takes
        const request = makeRegister(
          uaOf(core).state.config,
          {
            registrar: options.registrar,
            aor: options.aor,
            contact,
            expires,
            callId,
            fromTag: tag,
            seq,
            ...(route === undefined ? {} : { route }),
            headers: [["User-Agent", core.config.userAgent]],
          },
          core.ids.tag(),
        )
        const sent = yield* sendWithAuth(core, request, nextHop, {
          credentials: options.credentials,
        })
        if (sent.response.status < 200 || sent.response.status >= 300) {
          return yield* new RequestFailed({ status: sent.response.status, reason: sent.response.reason })
        }
        return sent.response
      })

    const granted = yield* Ref.make(grantedExpiry(yield* send(asked), contact, asked))
    const count = yield* Ref.make(1)
    const refreshIn = (seconds: number) => {
      const margin = options.refreshMargin ?? (seconds > 60 ? 30 : seconds / 2)
      return Math.max(1, seconds - margin) * 1000
    }
    const loop = Effect.gen(function* () {
      for (;;) {
        yield* Effect.sleep(refreshIn(yield* Ref.get(granted)))
        const response = yield* send(asked).pipe(Effect.option)
        if (response._tag === "Some") {
          yield* Ref.set(granted, grantedExpiry(response.value, contact, asked))
          yield* Ref.update(count, (n) => n + 1)
        }
      }
    })
    const fiber = yield* FiberSet.run(core.fibers, loop)
    const registration: Registration = {
      expires: Ref.get(granted),
      count: Ref.get(count),
      unregister: Fiber.interrupt(fiber).pipe(Effect.andThen(send(0))),
    }
    return registration
  })
