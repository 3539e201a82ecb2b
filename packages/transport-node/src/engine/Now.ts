/**
 * Now — the engine's hot path runs what is synchronous at once and builds an Effect only for what is left.
 *
 * A `…Now` function does its synchronous work when called (a reducer step, a UDP send, a timer set) and returns the
 * `Rest`: the Effect still to run after it, or `undefined` when nothing is left. Most steps of a call (a request in,
 * its responses out) are synchronous end to end, so they cost no Effect at all; an asynchronous part (a stream
 * transport's write, a handler that waits, a dialog store) is chained in order behind what came before it.
 *
 * A `…Now` function must be called where its effects may happen: inside an `Effect.suspend` (or another `…Now`).
 *
 * Never: reorders work — whatever follows an Effect runs after it.
 */
import { Effect } from "effect"

/** What is left to run after the synchronous part: an Effect, or `undefined` for nothing. */
export type Rest = Effect.Effect<void> | undefined

/** `Effect.void` (a handler or hook with nothing to do) is nothing left. */
export const restOf = (effect: Effect.Effect<void>): Rest => (effect === Effect.void ? undefined : effect)

/** The Effect form of a `Rest`. */
export const runRest = (rest: Rest): Effect.Effect<void> => rest ?? Effect.void

/** `first`, then `next()`: at once when `first` left nothing, else after it. */
export const thenNow = (first: Rest, next: () => Rest): Rest =>
  first === undefined ? next() : Effect.andThen(first, later(next))

/** `each(item)` for every item in order; the first that leaves an Effect defers the items after it. */
export const eachNow = <A>(items: ReadonlyArray<A>, each: (item: A) => Rest, from = 0): Rest => {
  for (let i = from; i < items.length; i++) {
    const rest = each(items[i] as A)
    if (rest !== undefined)
      return i + 1 === items.length
        ? rest
        : Effect.andThen(
            rest,
            later(() => eachNow(items, each, i + 1)),
          )
  }
  return undefined
}

/** The lazy Effect of a `…Now` call (for a timer's value, or a caller that builds the Effect before running it). */
export const later = (now: () => Rest): Effect.Effect<void> => Effect.suspend(() => runRest(now()))
