/**
 * Timers — the transaction timers of RFC 3261 §17 (Table 4) and RFC 6026 §8.11, as data.
 *
 * A machine never reads a clock: it asks for a timer with a `StartTimer { timer, id, after }` output and is told
 * about it with a `TimerFired { timer, id }` event. This module says how long each timer runs, from T1, T2, T4 and
 * the transport's reliability. It never arms anything itself.
 *
 * Table 4 (RFC 3261 §A) with RFC 6026 (Timers L and M):
 *
 * | Timer | Value (unreliable)   | Reliable | Meaning                                         |
 * |-------|----------------------|----------|-------------------------------------------------|
 * | A     | initially T1         | not used | INVITE request retransmit interval, UDP only    |
 * | B     | 64*T1                | 64*T1    | INVITE transaction timeout timer                |
 * | D     | > 32 s               | 0        | Wait time for response retransmits             |
 * | E     | initially T1         | not used | non-INVITE request retransmit interval, UDP only|
 * | F     | 64*T1                | 64*T1    | non-INVITE transaction timeout timer            |
 * | G     | initially T1         | not used | INVITE response retransmit interval             |
 * | H     | 64*T1                | 64*T1    | Wait time for ACK receipt                       |
 * | I     | T4                   | 0        | Wait time for ACK retransmits                   |
 * | J     | 64*T1                | 0        | Wait time for non-INVITE request retransmits    |
 * | K     | T4                   | 0        | Wait time for response retransmits              |
 * | L     | 64*T1                | 64*T1    | Wait time for accepted INVITE request retransmits (RFC 6026) |
 * | M     | 64*T1                | 64*T1    | Wait time for 2xx retransmissions / forked 2xx (RFC 6026)    |
 *
 * plus `Trying100`, the 200 ms after which the INVITE server transaction sends its own 100 (Trying) when the TU
 * has not answered (§17.2.1). A timer of value 0 is never armed: the machine takes the transition at once.
 */

/** The name of a transaction timer, as in the RFC. */
export type TimerName = "A" | "B" | "D" | "E" | "F" | "G" | "H" | "I" | "J" | "K" | "L" | "M" | "Trying100"

/** Every timer name, in table order (for docs and tests). */
export const timerNames: ReadonlyArray<TimerName> = [
  "A",
  "B",
  "D",
  "E",
  "F",
  "G",
  "H",
  "I",
  "J",
  "K",
  "L",
  "M",
  "Trying100",
]

/** T1, T2, T4 in milliseconds (§17.1.1.1, Table 4); `trying` is the §17.2.1 "200 ms" of the INVITE server. */
export interface TimerConfig {
  /** RTT estimate, default 500 ms. */
  readonly t1: number
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses, default 4 s. */
  readonly t2: number
  /** Maximum duration a message will remain in the network, default 5 s. */
  readonly t4: number
  /** Delay before the INVITE server transaction sends 100 (Trying) on its own, default 200 ms. */
  readonly trying: number
  /** Timer D on unreliable transports: "at least 32 seconds" (§17.1.1.2), default 32 s. */
  readonly timerD: number
}

/** The defaults of RFC 3261 Table 4. */
export const defaultTimerConfig: TimerConfig = { t1: 500, t2: 4000, t4: 5000, trying: 200, timerD: 32000 }

/** The defaults with some values replaced. */
export const makeTimerConfig = (overrides: Partial<TimerConfig> = {}): TimerConfig => ({
  ...defaultTimerConfig,
  ...overrides,
})

/**
 * The duration of a timer when it is first armed, or `undefined` when the timer is not used on this transport
 * (A, E, G on a reliable transport). A result of 0 means "fire at once": the machines never arm such a timer,
 * they take the transition directly.
 */
export const timerDuration = (
  timer: TimerName,
  config: TimerConfig,
  reliable: boolean,
): number | undefined => {
  switch (timer) {
    case "A":
    case "E":
    case "G":
      return reliable ? undefined : config.t1
    case "B":
    case "F":
    case "H":
    case "L":
    case "M":
      return 64 * config.t1
    case "D":
      return reliable ? 0 : config.timerD
    case "I":
    case "K":
      return reliable ? 0 : config.t4
    case "J":
      return reliable ? 0 : 64 * config.t1
    case "Trying100":
      return config.trying
  }
}

/** A timer this transaction has asked for and not yet seen fire. `id` tells a current firing from a stale one. */
export interface ArmedTimer {
  readonly timer: TimerName
  readonly id: number
  /** The duration it was armed with (the retransmit interval, for A, E and G). */
  readonly after: number
}

/** Arm `timer` with the next id after `lastId`. */
export const armTimer = (lastId: number, timer: TimerName, after: number): ArmedTimer => ({
  timer,
  id: lastId + 1,
  after,
})

/** True when a `TimerFired { timer, id }` is the firing of this armed timer (not stale, not repeated). */
export const isFiringOf = (armed: ArmedTimer | undefined, timer: TimerName, id: number): boolean =>
  armed !== undefined && armed.timer === timer && armed.id === id
