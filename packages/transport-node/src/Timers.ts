/**
 * Timers — the endpoint's single timer facility.
 *
 * One `TimerHeap` of deadlines and ONE sleeper fiber that sleeps until the earliest of them, then hands every due
 * value to `onFire` (the engine turns it into a `TimerFired` event for the reducer that asked). There is no fiber
 * and no OS timer per transaction: scheduling is a heap insert plus, when the new deadline is the earliest, a new
 * sleeper in place of the old one. Time is Effect's `Clock`, so tests drive it with `TestClock.adjust`.
 *
 * Wake-ups are coalesced: the sleeper wakes at most once per `resolutionMs` (default 10 ms) and fires everything due
 * then, so a timer may fire up to that much after its deadline. Under load thousands of deadlines fall in every
 * second (a 200 ms Timer 100 and a 500 ms 2xx retransmission per call, most of them stopped before they are due);
 * waking for each one (a sleeper fiber, a node timer, a scheduler round trip) cost more than the work they do. The
 * SIP timers are 500 ms (T1) or more, except the 200 ms before a 100 Trying.
 *
 * Never: interprets what it fires. A stale firing is the reducer's business (RFC timers are idempotent there).
 */
import { Clock, Duration, Effect, Fiber } from "effect"
import { makeTimerHeap, type TimerHandle } from "./TimerHeap.js"

export interface Timers<A> {
  /** Fires `value` after `delayMs`, replacing any pending timer with the same key. */
  readonly schedule: (key: string, delayMs: number, value: A) => Effect.Effect<void>
  readonly cancel: (key: string) => Effect.Effect<void>
  /** `schedule` done at once (the engine's synchronous hot path, engine/Now.ts). */
  readonly scheduleNow: (key: string, delayMs: number, value: A) => void
  /** `cancel` done at once. */
  readonly cancelNow: (key: string) => void
  /** Fires `value` after `delayMs`; no key: the handle cancels it (`dropNow`). For an owner that keeps its timers.
   * The handle's `deadline` is in ms since the facility started (not the clock's epoch). */
  readonly addNow: (delayMs: number, value: A) => TimerHandle<A>
  /** Cancels a timer set by `addNow`, if it has not fired. */
  readonly dropNow: (handle: TimerHandle<A>) => void
  /** Live timers (for counters and tests). */
  readonly size: Effect.Effect<number>
  /** Now, in the ms of the handles' deadlines (since the facility started): for an owner that keeps deadlines of its
   * own (engine/FinalTx.ts's queue). */
  readonly now: () => number
}

/**
 * Starts the timer facility in the current scope; it stops when the scope closes (`resolutionMs`: the least time
 * between two wake-ups, 10 by default; 0 wakes for every deadline). A failure or defect of `onFire`
 * is logged and does not stop the facility.
 *
 * One sleeper fiber at a time waits for the earliest deadline on the scope's clock; a timer set earlier than that
 * replaces the sleeper (no fiber is woken per timer set). The due values fire in order in the sleeper, which then
 * arms the next one.
 */
export const makeTimers = <A, R>(
  onFire: (value: A, key: string | undefined) => Effect.Effect<void, never, R>,
  options: {
    readonly resolutionMs?: number
    /**
     * Fires a value at once, in the sleeper (its synchronous part: a reducer step, a UDP send), answering what is
     * left to run, or undefined (engine/Now.ts): used instead of `onFire` when given, so a due timer whose work is
     * synchronous builds no Effect.
     */
    readonly fireNow?: (value: A) => Effect.Effect<void, never, R> | undefined
  } = {},
) =>
  Effect.gen(function* () {
    const resolution = Math.max(0, options.resolutionMs ?? 10)
    const heap = makeTimerHeap<A>()
    // the clock of the scope that made the facility: deadlines are read from it and the sleeper sleeps on it
    const clock = yield* Clock.clockWith(Effect.succeed)
    // deadlines are kept in ms since the facility started: small integers, which V8 stores in the entry itself;
    // the clock's own ms (about 1.7e12) are a boxed number in each of the tens of thousands of entries
    const epoch = clock.currentTimeMillisUnsafe()
    const now = (): number => clock.currentTimeMillisUnsafe() - epoch
    const context = yield* Effect.context<R>()
    const fork = Effect.runForkWith(context)
    let sleeper: Fiber.Fiber<void> | undefined
    let armedFor = Number.POSITIVE_INFINITY
    let firing = false
    let closed = false
    /** When the sleeper last woke (ms on the clock): the next wake is `resolution` later at the earliest. */
    let lastWake = Number.NEGATIVE_INFINITY

    /** `fireNow` for `due[from …]` in order: at once until one leaves work, the rest after that work. */
    const fireFrom = (
      fireNow: (value: A) => Effect.Effect<void, never, R> | undefined,
      due: ReadonlyArray<{ readonly value: A }>,
      from: number,
    ): Effect.Effect<void, never, R> => {
      for (let i = from; i < due.length; i++) {
        let rest: Effect.Effect<void, never, R> | undefined
        try {
          rest = fireNow(due[i]!.value)?.pipe(
            Effect.catchCause((cause) => Effect.logError("timer handler failed", cause)),
          )
        } catch (defect) {
          rest = Effect.logError("timer handler failed", defect)
        }
        if (rest !== undefined)
          return i + 1 === due.length
            ? rest
            : Effect.andThen(
                rest,
                Effect.suspend(() => fireFrom(fireNow, due, i + 1)),
              )
      }
      return Effect.void
    }

    /** Fires what is due now, in order, then arms the next deadline. */
    const fireDue: Effect.Effect<void, never, R> = Effect.suspend(() => {
      firing = true
      lastWake = now()
      const due = heap.popDue(lastWake)
      const fireNow = options.fireNow
      if (fireNow !== undefined) return fireFrom(fireNow, due, 0)
      return Effect.forEach(
        due,
        (d) =>
          onFire(d.value, d.key).pipe(
            Effect.catchCause((cause) => Effect.logError("timer handler failed", cause)),
          ),
        { discard: true },
      )
    }).pipe(
      Effect.ensuring(
        Effect.sync(() => {
          firing = false
          sleeper = undefined
          armedFor = Number.POSITIVE_INFINITY
          arm()
        }),
      ),
    )

    /** A sleeper for the earliest deadline (not sooner than `resolution` after the last wake), unless one already
     * waits for it (or fires now). */
    const arm = (): void => {
      if (closed || firing) return
      const next = heap.nextDeadline()
      if (next === undefined) return
      const at = Math.max(next, lastWake + resolution)
      if (at >= armedFor) return
      sleeper?.interruptUnsafe()
      armedFor = at
      const delay = Math.max(0, at - now())
      sleeper = fork(Effect.andThen(clock.sleep(Duration.millis(delay)), fireDue))
    }

    yield* Effect.addFinalizer(() =>
      Effect.suspend(() => {
        closed = true
        const last = sleeper
        sleeper = undefined
        return last === undefined ? Effect.void : Fiber.interrupt(last)
      }),
    )

    const scheduleNow = (key: string, delayMs: number, value: A): void => {
      heap.schedule(key, now() + Math.max(0, delayMs), value)
      arm()
    }
    const cancelNow = (key: string): void => void heap.cancel(key)
    const addNow = (delayMs: number, value: A): TimerHandle<A> => {
      const handle = heap.add(now() + Math.max(0, delayMs), value)
      arm()
      return handle
    }
    const dropNow = (handle: TimerHandle<A>): void => void heap.drop(handle)

    const timers: Timers<A> = {
      schedule: (key, delayMs, value) => Effect.sync(() => scheduleNow(key, delayMs, value)),
      cancel: (key) => Effect.sync(() => cancelNow(key)),
      scheduleNow,
      cancelNow,
      addNow,
      dropNow,
      size: Effect.sync(() => heap.size()),
      now,
    }
    return timers
  })
