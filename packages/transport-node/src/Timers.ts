/**
 * Timers — the endpoint's single timer facility.
 *
 * One `TimerHeap` of deadlines and ONE fiber that sleeps until the earliest of them, then hands every due value to
 * `onFire` (the engine turns it into a `TimerFired` event for the reducer that asked). There is no fiber and no OS
 * timer per transaction: scheduling is a heap insert plus, when the new deadline is the earliest, a wake-up of the
 * sleeping fiber. Time is Effect's `Clock`, so tests drive it with `TestClock.adjust`.
 *
 * Never: interprets what it fires. A stale firing is the reducer's business (RFC timers are idempotent there).
 */
import { Clock, Effect, Queue } from "effect"
import { makeTimerHeap } from "./TimerHeap.js"

export interface Timers<A> {
  /** Fires `value` after `delayMs`, replacing any pending timer with the same key. */
  readonly schedule: (key: string, delayMs: number, value: A) => Effect.Effect<void>
  readonly cancel: (key: string) => Effect.Effect<void>
  /** `schedule` done at once (the engine's synchronous hot path, engine/Now.ts). */
  readonly scheduleNow: (key: string, delayMs: number, value: A) => void
  /** `cancel` done at once. */
  readonly cancelNow: (key: string) => void
  /** Live timers (for counters and tests). */
  readonly size: Effect.Effect<number>
}

/**
 * Starts the timer fiber in the current scope; it stops when the scope closes. A failure or defect of `onFire`
 * is logged and does not stop the facility.
 */
export const makeTimers = <A, R>(onFire: (value: A, key: string) => Effect.Effect<void, never, R>) =>
  Effect.gen(function* () {
    const heap = makeTimerHeap<A>()
    // the clock of the scope that made the facility: the timer fiber runs on it, so deadlines are read from it too
    // (scheduling is then a plain synchronous step, no generator per timer)
    const clock = yield* Clock.clockWith(Effect.succeed)
    const wake = yield* Queue.sliding<void>(1)
    let sleepingUntil = Number.POSITIVE_INFINITY

    const fireDue = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      for (const due of heap.popDue(now)) {
        yield* onFire(due.value, due.key).pipe(
          Effect.catchCause((cause) => Effect.logError("timer handler failed", cause)),
        )
      }
    })

    const waitForNext = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const next = heap.nextDeadline()
      sleepingUntil = next ?? Number.POSITIVE_INFINITY
      if (next === undefined) return yield* Queue.take(wake)
      if (next <= now) return
      yield* Effect.raceFirst(Effect.sleep(next - now), Queue.take(wake))
    })

    yield* Effect.forkScoped(Effect.forever(Effect.andThen(fireDue, waitForNext)))

    const scheduleNow = (key: string, delayMs: number, value: A): void => {
      const deadline = clock.currentTimeMillisUnsafe() + Math.max(0, delayMs)
      heap.schedule(key, deadline, value)
      if (deadline < sleepingUntil) {
        sleepingUntil = deadline
        Queue.offerUnsafe(wake, undefined)
      }
    }
    const cancelNow = (key: string): void => void heap.cancel(key)

    const timers: Timers<A> = {
      schedule: (key, delayMs, value) => Effect.sync(() => scheduleNow(key, delayMs, value)),
      cancel: (key) => Effect.sync(() => cancelNow(key)),
      scheduleNow,
      cancelNow,
      size: Effect.sync(() => heap.size()),
    }
    return timers
  })
