/**
 * Location — the location service (RFC 3261 §10: bindings of addresses-of-record to contacts) as an Effect
 * service, and a registrar handler that runs @sipkit/fsm's §10.3 registrar over it.
 *
 * The store interface is Effect-returning so a shared store (Redis, SQL) can fill it later; `memoryLocation`
 * keeps the fsm's immutable `LocationStore` value in memory.
 */
import { getHeader } from "@sipkit/codec"
import {
  type Binding,
  canonicalAor,
  makeMemoryLocationStore,
  processRegister,
  type RegistrarConfig,
} from "@sipkit/fsm/registrar"
import { Clock, Context, Effect, Layer } from "effect"
import { type Handler, reply } from "./Handlers.js"

export interface LocationShape {
  /** The live bindings of an AOR at `now` (ms). */
  readonly lookup: (aor: string, now: number) => Effect.Effect<ReadonlyArray<Binding>>
  /** Replaces the bindings of an AOR (an empty list removes it). */
  readonly store: (aor: string, bindings: ReadonlyArray<Binding>) => Effect.Effect<void>
}

export class Location extends Context.Service<Location, LocationShape>()("@sipkit/transport-node/Location") {}

export const memoryLocation = (): LocationShape => {
  let store = makeMemoryLocationStore()
  return {
    lookup: (aor, now) => Effect.sync(() => store.get(aor, now)),
    store: (aor, bindings) =>
      Effect.sync(() => {
        store = store.put(aor, bindings)
      }),
  }
}

export const memoryLocationLayer = Layer.sync(Location)(memoryLocation)

/**
 * A `register` handler: §10.3 by @sipkit/fsm's `processRegister` (domain, Require, Digest when the config has an
 * authenticator, Contact `*`, expiry bounds, 423, out-of-order CSeq), bindings in `location`.
 */
export const registrarHandler =
  (config: RegistrarConfig, location: LocationShape): Handler =>
  (request, ctx) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const to = getHeader(request, "To") ?? ""
      const toTag = ctx.toTag ?? /;\s*tag=([^;\s]+)/i.exec(to)?.[1] ?? "registrar"
      // the fsm asks for the AOR's bindings synchronously: read them first (the AOR is the To URI in canonical
      // form, §10.3 step 5)
      const aor = canonicalAor(/<([^>]+)>/.exec(to)?.[1] ?? to.split(";")[0]!.trim())
      const known = aor._tag === "Ok" ? yield* location.lookup(aor.value, now) : []
      const decision = processRegister(config, { request, now, toTag }, (a) =>
        aor._tag === "Ok" && a === aor.value ? known : [],
      )
      if (decision._tag === "Commit") yield* location.store(decision.aor, decision.bindings)
      return reply(decision.response)
    })
