/**
 * flatJoin — `[a, b, …].join(sep)` without building the array: the keys the cores keep (a call's ref, a UAS call's
 * INVITE key, a transaction's key) are made for every message.
 *
 * Why `join` at all: it makes one flat string. A template literal or `+` makes a tree of concatenations (V8's cons
 * strings) over its parts, and a part read from a message is a view into the datagram's text: a key kept in a map
 * would keep that whole text alive as long as it is kept, and every hash and comparison of it would walk the tree.
 * `join` copies the parts into one new string; the array it is given is only read. So each arity has one array,
 * written, joined and emptied again (it keeps no part alive) — the array literal cost ~64 bytes per key.
 *
 * Never: reentrancy (nothing here calls out: the parts are strings and numbers, whose conversion runs no user code).
 */

const two: Array<string | number> = ["", ""]
const three: Array<string | number> = ["", "", ""]
const five: Array<string | number> = ["", "", "", "", ""]

/** `[a, b].join(sep)`. */
export const join2 = (sep: string, a: string, b: string): string => {
  two[0] = a
  two[1] = b
  const joined = two.join(sep)
  two[0] = two[1] = ""
  return joined
}

/** `[a, b, c].join(sep)`. */
export const join3 = (sep: string, a: string, b: string, c: string | number): string => {
  three[0] = a
  three[1] = b
  three[2] = c
  const joined = three.join(sep)
  three[0] = three[1] = three[2] = ""
  return joined
}

/** `[a, b, c, d, e].join(sep)`. */
export const join5 = (sep: string, a: string, b: string, c: string, d: string, e: string): string => {
  five[0] = a
  five[1] = b
  five[2] = c
  five[3] = d
  five[4] = e
  const joined = five.join(sep)
  five[0] = five[1] = five[2] = five[3] = five[4] = ""
  return joined
}
