/**
 * Inbox — the endpoint's input, one event at a time in arrival order, each handled at once where it can be.
 *
 * A transport hands an event over as it arrives (`deliver`). When nothing is being handled, the event's synchronous
 * part (engine/Now.ts) runs right there, in the socket's callback, and only what is left runs on a fiber; while
 * such a rest runs, later events wait in arrival order and are handled when it ends. A datagram answered
 * synchronously (most of a call) then costs no fiber and no scheduler round trip.
 *
 * Never: handles two events at once, or reorders them.
 */
import { Cause, Effect, type Fiber } from "effect"
import type { Rest } from "./Now.js"

export interface Inbox<E> {
  readonly deliver: (event: E) => void
  /** Stops handling (the endpoint's scope is closing): what waits is dropped, a rest still running is interrupted. */
  readonly close: () => void
}

export const makeInbox = <E>(
  handleNow: (event: E) => Rest,
  fork: (effect: Effect.Effect<void>) => Fiber.Fiber<void>,
  onFailure: (cause: Cause.Cause<unknown>) => Effect.Effect<void>,
): Inbox<E> => {
  const waiting: Array<E> = []
  let busy = false
  let closed = false
  let running: Fiber.Fiber<void> | undefined

  const handle = (event: E): Rest => {
    try {
      return handleNow(event)
    } catch (defect) {
      // a bug in the engine must not stop the input: it is logged like any other failure
      return onFailure(Cause.die(defect))
    }
  }

  const drain = (): void => {
    busy = true
    running = undefined
    while (!closed && waiting.length > 0) {
      const rest = handle(waiting.shift() as E)
      if (rest === undefined) continue
      const fiber = fork(Effect.catchCause(rest, onFailure))
      if (fiber.pollUnsafe() === undefined) {
        running = fiber
        fiber.addObserver(drain)
        return
      }
    }
    busy = false
  }

  return {
    deliver: (event) => {
      if (closed) return
      waiting.push(event)
      if (!busy) drain()
    },
    close: () => {
      closed = true
      waiting.length = 0
      running?.interruptUnsafe()
    },
  }
}
