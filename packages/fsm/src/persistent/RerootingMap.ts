/**
 * RerootingMap — the `PersistentMap` as a version tree over one mutable `Map` (Baker's trick; Conchon & Filliâtre,
 * "A persistent union-find data structure", 2007, §2).
 *
 * Why: the reducers use their tables linearly — the runtime steps only the newest state — so the newest version of
 * a map may own a real `Map` (V8 hashes a string once and keeps the hash in it) and update it in place. Every older
 * version holds a diff instead: one key, the value it had there (or none), and the next version. An update of the
 * newest version costs one `Map` operation and one object, with no hashing in JS and no path copied.
 *
 * Reading or updating an older version first *reroots*: it walks the diffs to the version that owns the `Map`, then
 * undoes them one by one, reversing each, until it owns the `Map` itself. Every version thus answers as if it were its
 * own copy, forever; an old one only costs time proportional to the updates between it and the owner. The walk is a
 * loop, not a recursion, so a version millions of updates old reroots without exhausting the stack.
 *
 * Memory: a diff points to the next (newer) version, never back, so under linear use the newest version reaches no
 * older one, and an old version nobody holds is garbage.
 *
 * Cuts: a forward chain meets a generational GC badly. A full GC moves the newest version, still live, to the old
 * generation; its next update turns it into a diff pointing at young objects, and a young collection takes every old
 * object for live, so that dead diff keeps the whole chain after it alive (each diff with the value it replaced)
 * until the next full GC ("nepotism"; under ua.bench it more than doubled what the young collections promoted). So
 * every `size + cutEvery` updates (an amortized O(1) copy of at most one entry per update) the version handing over
 * keeps a snapshot of its entries instead of a diff: the chain stops there, and a dead old diff holds at most that
 * many updates. The snapshot is one array of its keys and values in turn, taken before the update (~160
 * instructions an entry; a `Map` copy cost ~600, it hashes and inserts every key again): under linear use nobody reads
 * the version that holds it, and it is garbage once the newer ones are. Only a version read through it makes a `Map`
 * of it, once, and owns that `Map` from then on (the root of a tree of its own). One array, not two (keys, values):
 * it is twice as long, so V8 puts it in the large-object space from half the map size on, as it did the `Map` copy;
 * two arrays half as long stayed in the young generation, and the old dead diffs that reach them (above) had the
 * young collections promote 4.3× the bytes under ua.bench with 20,000 calls held.
 *
 * Equality: a version's iterator (`[Symbol.iterator]`) gives its entries sorted by key, the same order whatever the
 * history, and its only own enumerable field is `size`; the store and the diff are `#private`. So a structural
 * comparison that iterates (vitest's `toEqual`: equal sizes, then the iterated entries pairwise, then the own
 * enumerable fields) finds two maps of the same entries equal, and two maps that differ in any entry unequal.
 *
 * Never: a version that changes what it answers; a callback, or anything that could reenter, during a reroot.
 */
import type { PersistentMap } from "./PersistentMap.js"

/** The value a diff records for a key the version does not hold. */
const absent: unique symbol = Symbol("absent")
type Slot<V> = V | typeof absent

/** Updates between cuts, beyond the map's size (see Cuts above). */
const cutEvery = 8

const byKey = <V>(a: readonly [string, V], b: readonly [string, V]): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0

class Version<V> implements PersistentMap<V> {
  readonly size: number
  /** The shared `Map`, while this version owns it (it is the root of the version tree); else `undefined`. */
  #store: Map<string, V> | undefined
  /** While not the owner: this version is `#next` with `#key` set to `#value` (removed when `absent`). */
  #key: string
  #value: Slot<V>
  #next: Version<V> | undefined
  /** While the owner: the updates since the chain was last cut. */
  #age: number
  /** At a cut: this version's entries, `[key₀, value₀, key₁, value₁ …]`, instead of a store or a diff. */
  #entries: Array<string | V> | undefined

  constructor(size: number, store: Map<string, V> | undefined, age: number) {
    this.size = size
    this.#store = store
    this.#age = age
    this.#key = ""
    this.#value = absent
    this.#next = undefined
    this.#entries = undefined
  }

  /** The `Map` as this version sees it: rerooted here first when another version owns it. */
  #own(): Map<string, V> {
    return this.#store ?? this.#reroot()
  }

  /**
   * Undoes the diffs from the owner back to this version, each turned into the diff that redoes it. Two loops and no
   * allocation: the first reverses the `#next` links from here to the owner (or to a snapshot, which becomes the
   * owner of a `Map` of its own), the second walks them back.
   */
  #reroot(): Map<string, V> {
    let back: Version<V> | undefined
    let owner: Version<V> = this
    while (owner.#store === undefined && owner.#entries === undefined) {
      const next = owner.#next as Version<V>
      owner.#next = back
      back = owner
      owner = next
    }
    const store = owner.#store ?? owner.#materialize()
    while (back !== undefined) {
      const version: Version<V> = back
      back = version.#next
      owner.#becomeDiff(version.#key, version.#write(store), version)
      version.#becomeOwner(store, owner.#age)
      owner = version
    }
    return store
  }

  /** A snapshot version (a cut) becomes the owner of a `Map` of its entries, the root of a version tree of its own. */
  #materialize(): Map<string, V> {
    const entries = this.#entries as Array<string | V>
    const store = new Map<string, V>()
    for (let i = 0; i < entries.length; i += 2) store.set(entries[i] as string, entries[i + 1] as V)
    this.#becomeOwner(store, 0)
    return store
  }

  /** Applies this version's diff to `store`; what the key held before. */
  #write(store: Map<string, V>): Slot<V> {
    const key = this.#key
    const before = store.has(key) ? (store.get(key) as V) : absent
    if (this.#value === absent) store.delete(key)
    else store.set(key, this.#value)
    return before
  }

  /** Drops the diff, so that an owner keeps no value it no longer holds alive. */
  #becomeOwner(store: Map<string, V>, age: number): void {
    this.#store = store
    this.#age = age
    this.#key = ""
    this.#value = absent
    this.#next = undefined
    this.#entries = undefined
  }

  #becomeDiff(key: string, value: Slot<V>, next: Version<V>): void {
    this.#store = undefined
    this.#key = key
    this.#value = value
    this.#next = next
  }

  /** Whether the next update cuts the chain (see Cuts above): `size` is the size after it. */
  #cuts(size: number): boolean {
    return this.#age >= size + cutEvery
  }

  /** At a cut, before the update: this version keeps its entries as a snapshot and lets go of `store`. */
  #snapshot(store: Map<string, V>): void {
    const entries = new Array<string | V>(2 * store.size)
    let i = 0
    store.forEach((value, key) => {
      entries[i++] = key
      entries[i++] = value
    })
    this.#store = undefined
    this.#entries = entries
  }

  /**
   * A new owner of `store`, already updated; this version becomes the diff back (`key` held `before` here), unless
   * it took a snapshot (`cut`) before the update.
   */
  #handOver(store: Map<string, V>, size: number, key: string, before: Slot<V>, cut: boolean): Version<V> {
    if (cut) return new Version<V>(size, store, 0)
    const next = new Version<V>(size, store, this.#age + 1)
    this.#becomeDiff(key, before, next)
    return next
  }

  get(key: string): V | undefined {
    return this.#own().get(key)
  }

  has(key: string): boolean {
    return this.#own().has(key)
  }

  /** The keys as they were when called (a copy: updating this map meanwhile does not disturb the walk). */
  keys(): IterableIterator<string> {
    return Array.from(this.#own().keys()).values()
  }

  /** The values as they were when called (a copy). */
  values(): IterableIterator<V> {
    return Array.from(this.#own().values()).values()
  }

  /** The entries as they were when called (a copy), in no particular order. */
  entries(): IterableIterator<readonly [string, V]> {
    return Array.from(this.#own()).values()
  }

  /** The entries sorted by key: one order for the same entries, whatever the history (see Equality above). */
  [Symbol.iterator](): IterableIterator<readonly [string, V]> {
    return Array.from(this.#own()).sort(byKey).values()
  }

  set(key: string, value: V): PersistentMap<V> {
    const store = this.#own()
    const held = store.get(key)
    const before = held !== undefined || store.has(key) ? (held as V) : absent
    if (before !== absent && Object.is(before, value)) return this
    const size = before === absent ? this.size + 1 : this.size
    const cut = this.#cuts(size)
    if (cut) this.#snapshot(store)
    store.set(key, value)
    return this.#handOver(store, size, key, before, cut)
  }

  delete(key: string): PersistentMap<V> {
    const store = this.#own()
    const held = store.get(key)
    if (held === undefined && !store.has(key)) return this
    return this.#remove(store, key, held as V)
  }

  deleteIf(key: string, value: V): PersistentMap<V> {
    const store = this.#own()
    const held = store.get(key)
    if (held !== value || (held === undefined && !store.has(key))) return this
    return this.#remove(store, key, held as V)
  }

  #remove(store: Map<string, V>, key: string, held: V): Version<V> {
    const cut = this.#cuts(this.size - 1)
    if (cut) this.#snapshot(store)
    store.delete(key)
    return this.#handOver(store, this.size - 1, key, held, cut)
  }
}

/** An empty map; each call makes a new version tree. */
export const emptyRerootingMap = <V>(): PersistentMap<V> => new Version<V>(0, new Map(), 0)
