/**
 * PersistentMap — an immutable string-keyed map whose updates cost O(1), not O(n), when made on the newest version.
 *
 * The reducers keep tables that a runtime holds for 64·T1 after their last use: transactions (Timers D, J, K, L),
 * the UA core's calls, the proxy's response contexts. At a thousand calls a second that is tens of thousands of
 * entries, and copying a whole `Map` on every event would make each event cost as much as all of them. The one
 * implementation is the rerooting map (`RerootingMap.ts`): the newest version owns a real `Map`, older ones hold
 * diffs to it. Every version, old ones included, answers as its own copy would, forever; reading or updating an old
 * one costs time proportional to the updates made since, so a reducer's usual linear use (step the newest state
 * only) is the cheap one.
 *
 * Iteration (`keys`, `values`, `entries`) walks a copy taken when it is called, in no particular order: updating
 * the map during the walk does not disturb it.
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
  /** A map with `key` set to `value` (this very map when it already holds that value); this one is unchanged. */
  readonly set: (key: string, value: V) => PersistentMap<V>
  /** A map without `key` (this very map when it has no such key). */
  readonly delete: (key: string) => PersistentMap<V>
  /** A map without `key` if it holds `value` (`===`), else this very map: an index entry removed only while it
   * still names what is removed, in one walk. */
  readonly deleteIf: (key: string, value: V) => PersistentMap<V>
}
