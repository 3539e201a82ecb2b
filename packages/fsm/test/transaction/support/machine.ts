/**
 * A single machine driven in virtual time: it applies a machine's outputs the way a runtime would (timers into a
 * list of deadlines, everything else into a log) and fires timers in deadline order. Stopped timers are still
 * fired unless `honourStop` is set, so every test also checks that stale firings are no-ops.
 */
import type { Output, Step, TimerFired, TimerName } from "../../../src/transaction/index.js"

export interface Logged {
  readonly at: number
  readonly output: Output
}

export interface PendingTimer {
  readonly timer: TimerName
  readonly id: number
  readonly at: number
}

export class Driven<S extends { readonly _tag: string }, E> {
  now = 0
  state: S
  readonly log: Array<Logged> = []
  timers: Array<PendingTimer> = []

  constructor(
    private readonly stepFn: (state: S, event: E | TimerFired) => Step<S>,
    started: Step<S>,
    private readonly honourStop = false,
  ) {
    this.state = started.state
    this.apply(started.outputs)
  }

  private apply(outputs: ReadonlyArray<Output>): void {
    for (const output of outputs) {
      this.log.push({ at: this.now, output })
      if (output._tag === "StartTimer") {
        this.timers.push({ timer: output.timer, id: output.id, at: this.now + output.after })
      } else if (output._tag === "StopTimer" && this.honourStop) {
        this.timers = this.timers.filter((t) => t.id !== output.id)
      }
    }
  }

  send(event: E | TimerFired): ReadonlyArray<Output> {
    const next = this.stepFn(this.state, event)
    this.state = next.state
    this.apply(next.outputs)
    return next.outputs
  }

  /** Fire the earliest pending timer (ties by id); false when none is left. */
  fireNext(): boolean {
    const sorted = [...this.timers].sort((a, b) => a.at - b.at || a.id - b.id)
    const next = sorted[0]
    if (next === undefined) return false
    this.timers = this.timers.filter((t) => t !== next)
    this.now = next.at
    this.send({ _tag: "TimerFired", timer: next.timer, id: next.id })
    return true
  }

  /** Fire timers until none is left or `until` (ms) is passed; bounded. */
  run(until = Number.POSITIVE_INFINITY): void {
    for (let i = 0; i < 10_000; i++) {
      const earliest = Math.min(...this.timers.map((t) => t.at))
      if (!Number.isFinite(earliest) || earliest > until) return
      this.fireNext()
    }
    throw new Error("timers never ran out")
  }

  /** Times (ms) at which an output of `tag` was produced. */
  times(tag: Output["_tag"]): ReadonlyArray<number> {
    return this.log.filter((l) => l.output._tag === tag).map((l) => l.at)
  }

  outputs(tag: Output["_tag"]): ReadonlyArray<Output> {
    return this.log.filter((l) => l.output._tag === tag).map((l) => l.output)
  }
}
