/**
 * Fresh — the tags and branches one step needs, derived from the event's `nonce` (the runtime's randomness).
 *
 * `branch()` gives `z9hG4bK<nonce>.<n>`: the magic cookie of §8.1.1.7 and a counter so two requests of one step
 * never share a branch. The counter lives in one step only.
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
    return `${this.#nonce}${this.#n++ === 0 ? "" : `.${this.#n}`}`
  }
}

export const makeFresh = (nonce: string): Fresh => new StepFresh(nonce)

/** A Via header value for a new request of this UA. */
export const viaFor = (sentBy: string, fresh: Fresh): string => `${sentBy};branch=${fresh.branch()}`
