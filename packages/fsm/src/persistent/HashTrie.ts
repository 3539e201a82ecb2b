/**
 * HashTrie — the `PersistentMap` as a hash array mapped trie: 32-way branching on an FNV-1a hash of the key.
 *
 * An update copies one path from the root to a leaf (at most seven arrays of at most 32 entries) and makes one map
 * object, however many entries the map holds; reading walks the same path. A leaf holds one key and its value;
 * keys whose whole hashes collide share a collision node.
 * The map is a class so that an update allocates its nodes and one object, not a closure per operation.
 *
 * Never: mutation of a node once built.
 */
import type { PersistentMap } from "./PersistentMap.js"

/** One key (the usual case: a whole 32-bit hash is rarely shared). */
interface Leaf<V> {
  readonly hash: number
  readonly key: string
  readonly value: V
}
/** Keys whose whole hashes are equal. */
interface Collision<V> {
  readonly hash: number
  readonly entries: ReadonlyArray<readonly [string, V]>
}
interface Branch<V> {
  readonly bitmap: number
  readonly children: ReadonlyArray<TrieNode<V>>
}
type TrieNode<V> = Leaf<V> | Collision<V> | Branch<V>

const bits = 5
const mask = 31

const isBranch = <V>(node: TrieNode<V>): node is Branch<V> => (node as Branch<V>).children !== undefined
const isLeaf = <V>(node: Leaf<V> | Collision<V>): node is Leaf<V> => (node as Leaf<V>).key !== undefined

const hashOf = (key: string): number => {
  let hash = 0x811c9dc5
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193)
  return hash >>> 0
}

const popcount = (x: number): number => {
  let v = x - ((x >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

const slot = (bitmap: number, bit: number): number => popcount(bitmap & (bit - 1))

/** What `find` gives for a key the map does not hold. */
const absent: unique symbol = Symbol("absent")

/** The value under `key`; `absent` when there is none (a value may itself be `undefined`). */
const find = <V>(root: TrieNode<V> | undefined, hash: number, key: string): V | typeof absent => {
  let node = root
  let shift = 0
  while (node !== undefined) {
    if (!isBranch(node)) {
      if (node.hash !== hash) return absent
      if (isLeaf(node)) return node.key === key ? node.value : absent
      for (const entry of node.entries) if (entry[0] === key) return entry[1]
      return absent
    }
    const bit = 1 << ((hash >>> shift) & mask)
    if ((node.bitmap & bit) === 0) return absent
    node = node.children[slot(node.bitmap, bit)]
    shift += bits
  }
  return absent
}

const entriesOf = <V>(node: Leaf<V> | Collision<V>): ReadonlyArray<readonly [string, V]> =>
  isLeaf(node) ? [[node.key, node.value]] : node.entries

/** `node` with `key` set; `added.n` grows by one when the key is new. */
const insert = <V>(
  node: TrieNode<V> | undefined,
  hash: number,
  shift: number,
  key: string,
  value: V,
  added: { n: number },
): TrieNode<V> => {
  if (node === undefined) {
    added.n++
    return { hash, key, value }
  }
  if (!isBranch(node)) {
    if (node.hash === hash) {
      if (isLeaf(node) && node.key === key) return { hash, key, value }
      const entries = entriesOf(node).slice()
      const at = entries.findIndex((e) => e[0] === key)
      if (at < 0) {
        added.n++
        entries.push([key, value])
      } else entries[at] = [key, value]
      return { hash, entries }
    }
    // two different hashes part somewhere in their 32 bits, so this ends by shift 30
    const split: Branch<V> = { bitmap: 1 << ((node.hash >>> shift) & mask), children: [node] }
    return insert(split, hash, shift, key, value, added)
  }
  const bit = 1 << ((hash >>> shift) & mask)
  const at = slot(node.bitmap, bit)
  const children = node.children.slice()
  if ((node.bitmap & bit) === 0) {
    added.n++
    children.splice(at, 0, { hash, key, value })
    return { bitmap: node.bitmap | bit, children }
  }
  children[at] = insert(node.children[at], hash, shift + bits, key, value, added)
  return { bitmap: node.bitmap, children }
}

const holds = <V>(holding: V | typeof absent, value: V): boolean => holding === absent || value === holding

/** `holding`: remove the entry only when it holds this value (`absent`: whatever it holds). */
const removeFromLeaf = <V>(
  node: Leaf<V> | Collision<V>,
  hash: number,
  key: string,
  holding: V | typeof absent,
): TrieNode<V> | undefined => {
  if (node.hash !== hash) return node
  if (isLeaf(node)) return node.key === key && holds(holding, node.value) ? undefined : node
  const entries = node.entries.filter((e) => e[0] !== key || !holds(holding, e[1]))
  if (entries.length === node.entries.length) return node
  const [only] = entries
  if (entries.length === 1 && only !== undefined) return { hash, key: only[0], value: only[1] }
  return entries.length === 0 ? undefined : { hash, entries }
}

const remove = <V>(
  node: TrieNode<V>,
  hash: number,
  shift: number,
  key: string,
  holding: V | typeof absent,
): TrieNode<V> | undefined => {
  if (!isBranch(node)) return removeFromLeaf(node, hash, key, holding)
  const bit = 1 << ((hash >>> shift) & mask)
  if ((node.bitmap & bit) === 0) return node
  const at = slot(node.bitmap, bit)
  const child = node.children[at]
  if (child === undefined) return node
  const next = remove(child, hash, shift + bits, key, holding)
  if (next === child) return node
  const children = node.children.slice()
  if (next === undefined) children.splice(at, 1)
  else children[at] = next
  if (children.length === 0) return undefined
  // a branch left with one leaf is that leaf: lookups compare the whole hash at a leaf
  const only = children.length === 1 ? children[0] : undefined
  if (only !== undefined && !isBranch(only)) return only
  return { bitmap: next === undefined ? node.bitmap & ~bit : node.bitmap, children }
}

function* walk<V>(node: TrieNode<V> | undefined): Generator<readonly [string, V]> {
  if (node === undefined) return
  if (!isBranch(node)) {
    yield* entriesOf(node)
    return
  }
  for (const child of node.children) yield* walk(child)
}

class HashTrie<V> implements PersistentMap<V> {
  /** Internal: the trie. A plain field, so that two maps of the same entries compare equal structurally. */
  readonly root: TrieNode<V> | undefined
  readonly size: number

  constructor(root: TrieNode<V> | undefined, size: number) {
    this.root = root
    this.size = size
  }

  get(key: string): V | undefined {
    const found = find(this.root, hashOf(key), key)
    return found === absent ? undefined : found
  }

  has(key: string): boolean {
    return find(this.root, hashOf(key), key) !== absent
  }

  *keys(): IterableIterator<string> {
    for (const [key] of walk(this.root)) yield key
  }

  *values(): IterableIterator<V> {
    for (const [, value] of walk(this.root)) yield value
  }

  entries(): IterableIterator<readonly [string, V]> {
    return walk(this.root)
  }

  set(key: string, value: V): PersistentMap<V> {
    const added = { n: 0 }
    const root = insert(this.root, hashOf(key), 0, key, value, added)
    return new HashTrie(root, this.size + added.n)
  }

  delete(key: string): PersistentMap<V> {
    return this.without(key, absent)
  }

  deleteIf(key: string, value: V): PersistentMap<V> {
    return this.without(key, value)
  }

  private without(key: string, holding: V | typeof absent): PersistentMap<V> {
    if (this.root === undefined) return this
    const next = remove(this.root, hashOf(key), 0, key, holding)
    return next === this.root ? this : new HashTrie(next, this.size - 1)
  }
}

export const emptyHashTrie = <V>(): PersistentMap<V> => new HashTrie<V>(undefined, 0)
