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

export const makeFresh = (nonce: string): Fresh => {
  let n = 0
  return {
    branch: () => `z9hG4bK${nonce}.${n++}`,
    tag: () => `${nonce}${n++ === 0 ? "" : `.${n}`}`,
  }
}

/** A Via header value for a new request of this UA. */
export const viaFor = (sentBy: string, fresh: Fresh): string => `${sentBy};branch=${fresh.branch()}`
