/**
 * PersistentMap — an immutable string-keyed map whose updates cost O(buckets + n/buckets), not O(n).
 *
 * The proxy keeps one entry per response context and per branch; copying a whole `Map` on every event would make
 * each event cost as much as all the calls in progress. Entries are spread over 64 buckets by an FNV-1a hash of the
 * key; an update copies the bucket array and the one bucket it touches. Reading is a `ReadonlyMap`-like view.
 *
 * Never: mutation of a value once built.
 */
export interface PersistentMap<V> {
  readonly size: number
  readonly get: (key: string) => V | undefined
  readonly has: (key: string) => boolean
  readonly keys: () => IterableIterator<string>
  readonly values: () => IterableIterator<V>
  readonly entries: () => IterableIterator<readonly [string, V]>
  /** A map with `key` set to `value`; this one is unchanged. */
  readonly set: (key: string, value: V) => PersistentMap<V>
  /** A map without `key` (this very map when it has no such key). */
  readonly delete: (key: string) => PersistentMap<V>
}

const bucketCount = 64

const bucketOf = (key: string): number => {
  let hash = 0x811c9dc5
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193)
  return (hash >>> 0) % bucketCount
}

export const emptyPersistentMap = <V>(): PersistentMap<V> =>
  fromBuckets<V>(
    Array.from({ length: bucketCount }, () => new Map<string, V>()),
    0,
  )

const fromBuckets = <V>(buckets: ReadonlyArray<ReadonlyMap<string, V>>, size: number): PersistentMap<V> => {
  const bucket = (key: string) => buckets[bucketOf(key)] ?? new Map<string, V>()
  const replace = (key: string, update: (copy: Map<string, V>) => void, delta: number) => {
    const index = bucketOf(key)
    const copy = new Map(buckets[index])
    update(copy)
    const next = buckets.slice()
    next[index] = copy
    return fromBuckets(next, size + delta)
  }
  const self: PersistentMap<V> = {
    size,
    get: (key) => bucket(key).get(key),
    has: (key) => bucket(key).has(key),
    keys: function* () {
      for (const b of buckets) yield* b.keys()
    },
    values: function* () {
      for (const b of buckets) yield* b.values()
    },
    entries: function* () {
      for (const b of buckets) yield* b.entries()
    },
    set: (key, value) => replace(key, (copy) => copy.set(key, value), bucket(key).has(key) ? 0 : 1),
    delete: (key) => (bucket(key).has(key) ? replace(key, (copy) => copy.delete(key), -1) : self),
  }
  return self
}
