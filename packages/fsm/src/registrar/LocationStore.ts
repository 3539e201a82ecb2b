/**
 * LocationStore — the location service of RFC 3261 §10 as an interface, and its in-memory value implementation.
 *
 * A store maps an address-of-record (canonical form, see Aor.ts) to its bindings. The registrar writes it, the proxy
 * reads it (§16.5). The interface is the four operations the issue names: get the bindings of an AOR, put them,
 * remove an AOR, expire what has lapsed. Time is always an argument.
 *
 * The in-memory implementation is an immutable value: every write returns a new store and leaves the old one intact,
 * so a test can keep each state and compare it with a model. A runtime store (Redis, SQL) keeps the same operation
 * names and wraps their results in its own effect type; it pairs with `processRegister`, which works on the bindings
 * of one AOR.
 *
 * Never: clocks, I/O.
 */
import { type Binding, isLive } from "./Binding.js"

export interface LocationStore {
  /** The live bindings of `aor` at `now` (ms), in the order they were first added. */
  readonly get: (aor: string, now: number) => ReadonlyArray<Binding>
  /** Replaces every binding of `aor`; an empty list removes the AOR. */
  readonly put: (aor: string, bindings: ReadonlyArray<Binding>) => LocationStore
  /** Removes every binding of `aor`. */
  readonly remove: (aor: string) => LocationStore
  /** Drops every binding that has lapsed at `now` (ms), and every AOR left without bindings. */
  readonly expire: (now: number) => LocationStore
  /** Every AOR that holds at least one binding (lapsed or not, until `expire` runs). */
  readonly aors: () => ReadonlyArray<string>
}

/** An empty in-memory store, or one holding the given bindings. */
export const makeMemoryLocationStore = (
  entries: Iterable<readonly [string, ReadonlyArray<Binding>]> = [],
): LocationStore => fromMap(new Map([...entries].filter(([, bindings]) => bindings.length > 0)))

const fromMap = (table: ReadonlyMap<string, ReadonlyArray<Binding>>): LocationStore => ({
  get: (aor, now) => (table.get(aor) ?? []).filter((binding) => isLive(binding, now)),
  put: (aor, bindings) => fromMap(withEntry(table, aor, bindings)),
  remove: (aor) => fromMap(withEntry(table, aor, [])),
  expire: (now) =>
    fromMap(
      new Map(
        [...table]
          .map(([aor, bindings]) => [aor, bindings.filter((binding) => isLive(binding, now))] as const)
          .filter(([, bindings]) => bindings.length > 0),
      ),
    ),
  aors: () => [...table.keys()],
})

const withEntry = (
  table: ReadonlyMap<string, ReadonlyArray<Binding>>,
  aor: string,
  bindings: ReadonlyArray<Binding>,
): ReadonlyMap<string, ReadonlyArray<Binding>> => {
  const next = new Map(table)
  if (bindings.length === 0) next.delete(aor)
  else next.set(aor, bindings)
  return next
}
