/**
 * Proxy — the `proxy(targets)` decision: a stateful forking proxy in its simplest RFC 3261 §16 form. The request
 * is forwarded to every target at once (§16.6: new Request-URI, Max-Forwards − 1, our Via on top); provisional
 * responses other than 100 are relayed (§16.7 step 5); the first 2xx is relayed at once and the branches still
 * pending are CANCELled (§16.7 step 10); a CANCEL from upstream is passed on to every pending branch (§16.10);
 * otherwise the best final status (lowest, 6xx first, §16.7 step 6) is answered when every branch has answered.
 * A branch that times out counts as 408, a transport failure as 503.
 *
 * Not done here: relaying the best response's own headers (a fresh response with its status is sent),
 * Record-Route, loop detection (§16.3) — @sipkit/fsm/proxy has the full core; see docs/runtime.md.
 */
import { getHeader, type Request, type Response, removeFirstHeaderValue, setHeader } from "@sipkit/codec"
import { respond as respondEvent } from "@sipkit/fsm/transaction"
import { Deferred, Effect, FiberSet } from "effect"
import type { RequestContext } from "../Handlers.js"
import { makeCancel } from "./Call.js"
import { runClientTx, sendToUri } from "./Client.js"
import { type Core, type Destination, dispatch } from "./Core.js"

/** Relays a response we received on a branch through server transaction `key`, our Via popped (§16.7 step 3). */
const relay = (core: Core, key: string, response: Response) =>
  Effect.suspend(() => {
    const info = core.info.get(key)
    if (info === undefined || info.side !== "server" || info.final) return Effect.void
    if (response.status >= 200) info.final = true
    return dispatch(core, key, respondEvent(removeFirstHeaderValue(response, "Via")))
  })

const rank = (status: number): number => (status >= 600 ? 0 : status)

export const proxy = (core: Core, key: string, ctx: RequestContext, targets: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const maxForwards = Number(getHeader(ctx.request, "Max-Forwards") ?? "70")
    if (maxForwards <= 0) return yield* ctx.respond(483).pipe(Effect.ignore)
    if (targets.length === 0) return yield* ctx.respond(480).pipe(Effect.ignore)
    let answered = false
    const finals: Array<number> = []
    const pending = new Map<string, { request: Request; destination: Destination }>()
    const cancelPending = Effect.suspend(() => {
      const branches = [...pending.values()]
      pending.clear()
      return Effect.forEach(
        branches,
        (b) =>
          FiberSet.run(
            core.fibers,
            runClientTx(core, makeCancel(b.request), b.destination).pipe(Effect.ignore),
          ),
        { discard: true },
      )
    })
    // §16.10: a CANCEL for the request is passed on to every branch still pending
    yield* Effect.forkChild(Deferred.await(ctx.cancelled).pipe(Effect.andThen(cancelPending)))
    const forward = (target: string) => {
      const request: Request = setHeader(
        { ...ctx.request, uri: target },
        "Max-Forwards",
        String(maxForwards - 1),
      )
      return sendToUri(core, request, target, {
        onProvisional: (r) => (r.status === 100 ? Effect.void : relay(core, key, r)),
        onSent: (sent, destination) =>
          Effect.sync(() => void pending.set(target, { request: sent, destination })),
      }).pipe(
        Effect.flatMap((sent) =>
          Effect.suspend(() => {
            pending.delete(target)
            if (sent.response.status < 300) {
              answered = true
              // §16.7 step 10: after a 2xx, CANCEL the branches still pending
              return relay(core, key, sent.response).pipe(Effect.andThen(cancelPending))
            }
            finals.push(sent.response.status)
            return Effect.void
          }),
        ),
        Effect.catch((failure) =>
          Effect.sync(() => {
            pending.delete(target)
            finals.push(failure.status)
          }),
        ),
      )
    }
    yield* Effect.forEach(targets, forward, { concurrency: "unbounded", discard: true })
    if (answered) return
    const best = [...finals].sort((a, b) => rank(a) - rank(b))[0] ?? 408
    yield* ctx.respond(best).pipe(Effect.ignore)
  })
