/**
 * HashTrie — an immutable string-keyed map as a hash array mapped trie (32-way branching on an FNV-1a hash of the
 * key), behind the `PersistentMap` face of the proxy's map.
 *
 * An update copies one path from the root to a leaf: at most seven arrays of at most 32 entries, however many calls
 * the UA core holds (a runtime keeps an ended call for 64·T1, so at a thousand calls a second that is some 32 000).
 * Reading walks the same path. Keys whose hashes collide share a leaf.
 *
 * Never: mutation of a node once built.
 */
import type { PersistentMap } from "../proxy/PersistentMap.js"

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

const lookup = <V>(root: TrieNode<V> | undefined, hash: number, key: string): V | undefined => {
  let node = root
  let shift = 0
  while (node !== undefined) {
    if (isLeaf(node)) return node.hash === hash ? node.entries.find((e) => e[0] === key)?.[1] : undefined
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
  added: { value: boolean },
): TrieNode<V> => {
  if (node === undefined) {
    added.value = true
    return { hash, entries: [[key, value]] }
  }
  if (isLeaf(node)) {
    if (node.hash === hash) {
      const at = node.entries.findIndex((e) => e[0] === key)
      if (at < 0) added.value = true
      const entries = at < 0 ? [...node.entries, [key, value] as const] : node.entries.slice()
      if (at >= 0) entries[at] = [key, value]
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
    added.value = true
    children.splice(at, 0, { hash, entries: [[key, value]] })
    return { bitmap: node.bitmap | bit, children }
  }
  children[at] = insert(node.children[at], hash, shift + bits, key, value, added)
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
  const child = node.children[at]!
  const next = remove(child, hash, shift + bits, key)
  if (next === child) return node
  const children = node.children.slice()
  if (next === undefined) children.splice(at, 1)
  else children[at] = next
  const bitmap = next === undefined ? node.bitmap & ~bit : node.bitmap
  if (children.length === 0) return undefined
  // a branch left with one leaf is that leaf: lookups compare the whole hash at a leaf
  const only = children.length === 1 ? children[0]! : undefined
  return only !== undefined && isLeaf(only) ? only : { bitmap, children }
}

function* walk<V>(node: TrieNode<V> | undefined): Generator<readonly [string, V]> {
  if (node === undefined) return
  if (isLeaf(node)) {
    yield* node.entries
    return
  }
  for (const child of node.children) yield* walk(child)
}

const fromRoot = <V>(root: TrieNode<V> | undefined, size: number): PersistentMap<V> => {
  const self: PersistentMap<V> = {
    size,
    get: (key) => lookup(root, hashOf(key), key),
    has: (key) => lookup(root, hashOf(key), key) !== undefined,
    keys: function* () {
      for (const [key] of walk(root)) yield key
    },
    values: function* () {
      for (const [, value] of walk(root)) yield value
    },
    entries: () => walk(root),
    set: (key, value) => {
      const added = { value: false }
      const next = insert(root, hashOf(key), 0, key, value, added)
      return fromRoot(next, added.value ? size + 1 : size)
    },
    delete: (key) => {
      if (root === undefined) return self
      const next = remove(root, hashOf(key), 0, key)
      return next === root ? self : fromRoot(next, size - 1)
    },
  }
  return self
}

export const emptyHashTrie = <V>(): PersistentMap<V> => fromRoot<V>(undefined, 0)
