/**
 * Fresh — the tags and branches one step needs, derived from the event's `nonce` (the runtime's randomness).
 *
 * `branch()` gives `z9hG4bK<nonce>.<n>`: the magic cookie of §8.1.1.7 and a counter so two requests of one step
 * never share a branch. The counter lives in one step only.
 *
 * `tag()` gives the nonce itself, the same each time in one step: a step makes at most one new local tag (§19.3:
 * the To tag of the one request it answers, the From tag of the one dialog it starts, or a digest cnonce). The UAS
 * draws it before its §8.2 checks, which need a To tag only to reject; counting tags there made every answered
 * INVITE's To tag `<nonce>.2`.
 */
export interface Fresh {
  readonly branch: () => string
  readonly tag: () => string
}

/** One object per step (closures would be four): the counter is a field. */
class StepFresh implements Fresh {
  readonly #nonce: string
  #n = 0
  constructor(nonce: string) {
    this.#nonce = nonce
  }
  branch(): string {
    return `z9hG4bK${this.#nonce}.${this.#n++}`
  }
  tag(): string {
    return this.#nonce
  }
}

export const makeFresh = (nonce: string): Fresh => new StepFresh(nonce)

/** A Via header value for a new request of this UA. */
export const viaFor = (sentBy: string, fresh: Fresh): string => `${sentBy};branch=${fresh.branch()}`
