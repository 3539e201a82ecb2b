/**
 * Headers — raw header access on a message, by name (case-insensitive, compact forms equal to long forms:
 * `getHeader(m, "v") === getHeader(m, "Via")`). Values are the raw text; typed accessors live in `headers/`.
 *
 * Every change returns a new message (a plain object: it no longer carries the parsed source bytes, so it
 * serializes from its fields). Header order is kept: `setHeader` replaces in place of the first field.
 */
import { compactOf, headerKey, isListHeader, nameMatches } from "./HeaderNames.js"
import { firstListItem, restOfList, splitList } from "./Lists.js"
import type { Header, SipMessage } from "./Message.js"

/** A name lookup: canonical key and compact form. */
interface Lookup {
  readonly key: string
  readonly compact: string | undefined
}

const lookup = (name: string): Lookup => {
  const key = headerKey(name)
  return { key, compact: compactOf(key) }
}

const matches = (h: Header, l: Lookup): boolean => nameMatches(h.name, l.key, l.compact)

/** Index of the first field named `key` (canonical lower-case) or -1 — the hot-path lookup of typed getters. */
export const findHeaderIndex = (
  headers: ReadonlyArray<Header>,
  key: string,
  compact: string | undefined,
): number => {
  for (let i = 0; i < headers.length; i++) if (nameMatches(headers[i]!.name, key, compact)) return i
  return -1
}

/** Every field named `key`, in order. */
export const findHeaders = (
  headers: ReadonlyArray<Header>,
  key: string,
  compact: string | undefined,
): Header[] => {
  const out: Header[] = []
  for (const h of headers) if (nameMatches(h.name, key, compact)) out.push(h)
  return out
}

/** The first field's raw value, or undefined. */
export const getHeader = (message: SipMessage, name: string): string | undefined => {
  const l = lookup(name)
  const i = findHeaderIndex(message.headers, l.key, l.compact)
  return i < 0 ? undefined : message.headers[i]!.value
}

/**
 * Every value of every field with that name, comma-joined lists split (quotes and <> respected). A header that is
 * absent answers one shared, frozen empty list (a runtime asks for Record-Route, Require … of every request).
 */
export const getHeaderValues = (message: SipMessage, name: string): ReadonlyArray<string> => {
  const key = headerKey(name)
  const compact = compactOf(key)
  let out: string[] | undefined
  const hs = message.headers
  for (let i = 0; i < hs.length; i++) {
    const h = hs[i]!
    if (!nameMatches(h.name, key, compact)) continue
    if (out === undefined) out = []
    if (isListHeader(key)) out.push(...splitList(h.value))
    else out.push(h.value)
  }
  return out ?? NO_VALUES
}

const NO_VALUES: ReadonlyArray<string> = Object.freeze([])

export const hasHeader = (message: SipMessage, name: string): boolean =>
  getHeader(message, name) !== undefined

const withHeaders = <M extends SipMessage>(message: M, headers: ReadonlyArray<Header>): M => ({
  ...message,
  headers,
})

/** Replaces every field of that name by one `name: value`, at the place of the first (appended when absent). */
export const setHeader = <M extends SipMessage>(message: M, name: string, value: string): M => {
  const l = lookup(name)
  const out: Header[] = []
  let placed = false
  for (const h of message.headers) {
    if (!matches(h, l)) out.push(h)
    else if (!placed) {
      out.push({ name, value })
      placed = true
    }
  }
  if (!placed) out.push({ name, value })
  return withHeaders(message, out)
}

/** Adds `name: value` as the first header field (Via, Record-Route). */
export const prependHeader = <M extends SipMessage>(message: M, name: string, value: string): M =>
  withHeaders(message, [{ name, value }, ...message.headers])

/** Adds `name: value` as the last header field. */
export const appendHeader = <M extends SipMessage>(message: M, name: string, value: string): M =>
  withHeaders(message, [...message.headers, { name, value }])

/** Removes every field of that name. */
export const removeHeader = <M extends SipMessage>(message: M, name: string): M => {
  const l = lookup(name)
  return withHeaders(
    message,
    message.headers.filter((h) => !matches(h, l)),
  )
}

/**
 * Removes the first VALUE of that header: the first element of the first field's comma list (the field goes
 * when it held one element). Pops the top Via, or the first Route even when Routes are comma-joined.
 */
export const removeFirstHeaderValue = <M extends SipMessage>(message: M, name: string): M => {
  const l = lookup(name)
  const i = message.headers.findIndex((h) => matches(h, l))
  if (i < 0) return message
  const h = message.headers[i]!
  const rest = restOfList(h.value)
  const out = message.headers.slice()
  if (rest === "") out.splice(i, 1)
  else out[i] = { name: h.name, value: rest }
  return withHeaders(message, out)
}

/** The first element of the first field of that name (the top Via, the first Route), raw. */
export const getFirstHeaderValue = (message: SipMessage, name: string): string | undefined => {
  const v = getHeader(message, name)
  return v === undefined ? undefined : firstListItem(v)
}
