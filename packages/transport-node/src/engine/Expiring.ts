/**
 * Expiring — what the engine lets go 64·T1 after it was queued: a server transaction after its final response
 * (Timer J of a non-INVITE, Timer L of an INVITE: engine/FinalTx.ts) and an ended call of the UA core (`Forget`,
 * engine/UaCore.ts). Every call leaves three of them for 32 s, so each is a small record here, not a timer of the
 * facility (a job, an entry and a slot in a bucket each).
 *
 * All of them run the same 64·T1 of the endpoint's T1, so they come due in the order they were queued: one queue,
 * oldest first (`next`), and ONE timer of the facility (a `TimerJob` of tag `Expiring`) waiting for the oldest. When
 * it fires, every record whose deadline has come takes its step (`expire`), in order, and the timer waits for the
 * next one. A record queued with an earlier deadline than the newest (a clock set back) waits for the newest.
 *
 * Never: removes a record before its deadline (a record's owner lets go of it by other means: a transaction
 * record leaves `core.info`, and its step then finds nothing to do).
 */
import { Effect } from "effect"
import type { Core } from "./Core.js"
import { later, type Rest } from "./Now.js"

/** A record queued to be let go 64·T1 later. */
export abstract class Expiring {
  /** The next record of the queue (queued after this one), or undefined for the newest. */
  next: Expiring | undefined
  constructor(
    /** When it comes due: ms on the timer facility's clock (`Timers.now`). */
    readonly deadline: number,
  ) {
    this.next = undefined
  }
  /** Its step when it comes due (what is left of it, engine/Now.ts). */
  abstract expire(core: Core): Rest
}

/** The deadline for a record queued now that comes due `after` ms later (never before the newest queued). */
export const deadlineAfter = (core: Core, after: number): number =>
  Math.max(core.timers.now() + after, core.expiringLast?.deadline ?? 0)

/** Queues `record` (its deadline from `deadlineAfter`); the queue's timer is armed if it was not. */
export const expireLater = (core: Core, record: Expiring): void => {
  const last = core.expiringLast
  if (last === undefined) core.expiringFirst = record
  else last.next = record
  core.expiringLast = record
  arm(core, core.timers.now())
}

/** The queue's timer fired (`TimerJob` `Expiring`): the records that are due take their step, in order. */
export const expiringFired = (core: Core): Rest => {
  core.expiringArmed = false
  return expireDue(core)
}

const expireDue = (core: Core): Rest => {
  const now = core.timers.now()
  for (;;) {
    const record = core.expiringFirst
    if (record === undefined || record.deadline > now) break
    core.expiringFirst = record.next
    if (record.next === undefined) core.expiringLast = undefined
    record.next = undefined
    let rest: Rest
    // as the timer facility does for each timer: a defect of one step is logged, and the queue goes on
    try {
      rest = record.expire(core)
    } catch (defect) {
      rest = Effect.logError("expiring record failed", defect)
    }
    if (rest !== undefined)
      return Effect.andThen(
        rest.pipe(Effect.catchCause((cause) => Effect.logError("expiring record failed", cause))),
        later(() => expireDue(core)),
      )
  }
  arm(core, now)
  return undefined
}

/** One timer of the facility for the oldest record, unless one is set (it is then for that record or earlier). */
const arm = (core: Core, now: number): void => {
  const first = core.expiringFirst
  if (first === undefined || core.expiringArmed) return
  core.expiringArmed = true
  core.timers.addNow(first.deadline - now, expiringJob)
}

const expiringJob = { _tag: "Expiring" } as const
