/**
 * HashTrie — the `PersistentMap` as a hash array mapped trie: 32-way branching on an FNV-1a hash of the key.
 *
 * An update copies one path from the root to a leaf (at most seven arrays of at most 32 entries) and makes one map
 * object, however many entries the map holds; reading walks the same path. Keys whose hashes collide share a leaf.
 * The map is a class so that an update allocates its nodes and one object, not a closure per operation.
 *
 * Never: mutation of a node once built.
 */
import type { PersistentMap } from "./PersistentMap.js"

interface Leaf<V> {
  readonly hash: number
  readonly entries: ReadonlyArray<readonly [string, V]>
}
interface Branch<V> {
  readonly bitmap: number
  readonly children: ReadonlyArray<TrieNode<V>>
}
type TrieNode<V> = Leaf<V> | Branch<V>

const bits = 5
const mask = 31

const isLeaf = <V>(node: TrieNode<V>): node is Leaf<V> => "entries" in node

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

/** The leaf entry under `key`, or undefined. */
const find = <V>(
  root: TrieNode<V> | undefined,
  hash: number,
  key: string,
): readonly [string, V] | undefined => {
  let node = root
  let shift = 0
  while (node !== undefined) {
    if (isLeaf(node)) {
      if (node.hash !== hash) return undefined
      for (const entry of node.entries) if (entry[0] === key) return entry
      return undefined
    }
    const bit = 1 << ((hash >>> shift) & mask)
    if ((node.bitmap & bit) === 0) return undefined
    node = node.children[slot(node.bitmap, bit)]
    shift += bits
  }
  return undefined
}

const insert = <V>(
  node: TrieNode<V> | undefined,
  hash: number,
  shift: number,
  key: string,
  value: V,
): TrieNode<V> => {
  if (node === undefined) return { hash, entries: [[key, value]] }
  if (isLeaf(node)) {
    if (node.hash === hash) {
      const at = node.entries.findIndex((e) => e[0] === key)
      const entries = node.entries.slice()
      if (at < 0) entries.push([key, value])
      else entries[at] = [key, value]
      return { hash, entries }
    }
    // two different hashes part somewhere in their 32 bits, so this ends by shift 30
    const split: Branch<V> = { bitmap: 1 << ((node.hash >>> shift) & mask), children: [node] }
    return insert(split, hash, shift, key, value)
  }
  const bit = 1 << ((hash >>> shift) & mask)
  const at = slot(node.bitmap, bit)
  const children = node.children.slice()
  if ((node.bitmap & bit) === 0) {
    children.splice(at, 0, { hash, entries: [[key, value]] })
    return { bitmap: node.bitmap | bit, children }
  }
  children[at] = insert(node.children[at], hash, shift + bits, key, value)
  return { bitmap: node.bitmap, children }
}

const remove = <V>(node: TrieNode<V>, hash: number, shift: number, key: string): TrieNode<V> | undefined => {
  if (isLeaf(node)) {
    if (node.hash !== hash) return node
    const entries = node.entries.filter((e) => e[0] !== key)
    if (entries.length === node.entries.length) return node
    return entries.length === 0 ? undefined : { hash, entries }
  }
  const bit = 1 << ((hash >>> shift) & mask)
  if ((node.bitmap & bit) === 0) return node
  const at = slot(node.bitmap, bit)
  const child = node.children[at]
  if (child === undefined) return node
  const next = remove(child, hash, shift + bits, key)
  if (next === child) return node
  const children = node.children.slice()
  if (next === undefined) children.splice(at, 1)
  else children[at] = next
  if (children.length === 0) return undefined
  // a branch left with one leaf is that leaf: lookups compare the whole hash at a leaf
  const only = children.length === 1 ? children[0] : undefined
  if (only !== undefined && isLeaf(only)) return only
  return { bitmap: next === undefined ? node.bitmap & ~bit : node.bitmap, children }
}

function* walk<V>(node: TrieNode<V> | undefined): Generator<readonly [string, V]> {
  if (node === undefined) return
  if (isLeaf(node)) {
    yield* node.entries
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
    return find(this.root, hashOf(key), key)?.[1]
  }

  has(key: string): boolean {
    return find(this.root, hashOf(key), key) !== undefined
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
    const hash = hashOf(key)
    const had = find(this.root, hash, key) !== undefined
    return new HashTrie(insert(this.root, hash, 0, key, value), had ? this.size : this.size + 1)
  }

  delete(key: string): PersistentMap<V> {
    if (this.root === undefined) return this
    const next = remove(this.root, hashOf(key), 0, key)
    return next === this.root ? this : new HashTrie(next, this.size - 1)
  }
}

export const emptyHashTrie = <V>(): PersistentMap<V> => new HashTrie<V>(undefined, 0)
