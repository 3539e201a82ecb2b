/**
 * Auth-param lists — the grammar shared by WWW-Authenticate, Proxy-Authenticate, Authorization,
 * Proxy-Authorization and Authentication-Info (RFC 3261 §25.1, RFC 7235 §2.1, RFC 7616 §3.3–§3.5):
 *
 *   challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *   auth-param  = token BWS "=" BWS ( token / quoted-string )
 *   quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
 *
 * One header value may hold several challenges ("Digest realm=…, Digest realm=…, algorithm=SHA-256"); a new
 * challenge starts where a token is not followed by "=". Values are kept unquoted with a note of whether they
 * were quoted, so printing gives the same text back.
 */
import { err, ok, type Result } from "../Result.js"
import { type AuthError, makeAuthError } from "./AuthError.js"

export interface AuthParam {
  readonly name: string
  readonly value: string
  readonly quoted: boolean
}

/** One scheme with its parameters (or its token68, as in `Negotiate YIIB…`). */
export interface AuthItem {
  readonly scheme: string
  readonly params: ReadonlyArray<AuthParam>
  readonly token68: string | undefined
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*/

type Cursor = { readonly text: string; pos: number }

const skipSpace = (c: Cursor): void => {
  while (c.pos < c.text.length && /[ \t\r\n]/.test(c.text[c.pos]!)) c.pos += 1
}

const readToken = (c: Cursor): string | undefined => {
  const m = TOKEN.exec(c.text.slice(c.pos))
  if (m === null) return undefined
  c.pos += m[0].length
  return m[0]
}

const readQuoted = (c: Cursor): Result<string, AuthError> => {
  let value = ""
  for (let i = c.pos + 1; i < c.text.length; i += 1) {
    const ch = c.text[i]!
    if (ch === "\\" && i + 1 < c.text.length) {
      value += c.text[i + 1]
      i += 1
    } else if (ch === '"') {
      c.pos = i + 1
      return ok(value)
    } else {
      value += ch
    }
  }
  return err(makeAuthError("unterminated quoted-string"))
}

/** `= value` after a param name, the cursor on the "=". */
const readValue = (c: Cursor, name: string): Result<AuthParam, AuthError> => {
  c.pos += 1
  skipSpace(c)
  if (c.text[c.pos] === '"') {
    const value = readQuoted(c)
    return value._tag === "Err" ? value : ok({ name, value: value.value, quoted: true })
  }
  // The grammar says token; some servers send base64 nonces ("/", "=") unquoted. Read up to the next comma.
  const value = /^[^\s,"]+/.exec(c.text.slice(c.pos))?.[0]
  if (value === undefined) return err(makeAuthError(`auth-param ${name} has no value`))
  c.pos += value.length
  return ok({ name, value, quoted: false })
}

/** After a scheme: a token68 is a token-ish run ending in "="s that is not followed by a value. */
const readToken68 = (c: Cursor): string | undefined => {
  const m = TOKEN68.exec(c.text.slice(c.pos))
  if (m === null) return undefined
  const after = c.text.slice(c.pos + m[0].length).trimStart()
  const looksLikeParam = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\s*=\s*[^=\s,]/.test(c.text.slice(c.pos))
  if (looksLikeParam || !(after === "" || after.startsWith(","))) return undefined
  c.pos += m[0].length
  return m[0]
}

const expectSeparator = (c: Cursor, after: string): Result<void, AuthError> => {
  skipSpace(c)
  if (c.pos >= c.text.length || c.text[c.pos] === ",") return ok(undefined)
  return err(makeAuthError(`expected "," after ${after} at ${c.pos}`))
}

/** Parses a header value that holds one or more challenges or credentials. */
export const parseAuthItems = (text: string): Result<ReadonlyArray<AuthItem>, AuthError> =>
  parseItems(text, false)

/** Parses a bare auth-param list without a scheme (Authentication-Info, RFC 7615 §3). */
export const parseAuthParams = (text: string): Result<ReadonlyArray<AuthParam>, AuthError> => {
  const items = parseItems(text, true)
  if (items._tag === "Err") return items
  if (items.value.length !== 1) return err(makeAuthError("expected a list of auth-params"))
  return ok(items.value[0]!.params)
}

const parseItems = (text: string, bare: boolean): Result<ReadonlyArray<AuthItem>, AuthError> => {
  const c: Cursor = { text, pos: 0 }
  const items: Array<{ scheme: string; params: Array<AuthParam>; token68: string | undefined }> = bare
    ? [{ scheme: "", params: [], token68: undefined }]
    : []
  for (;;) {
    while (c.pos < text.length && /[ \t\r\n,]/.test(text[c.pos]!)) c.pos += 1
    if (c.pos >= text.length) break
    const name = readToken(c)
    if (name === undefined) return err(makeAuthError(`unexpected ${JSON.stringify(text[c.pos])} at ${c.pos}`))
    skipSpace(c)
    const current = items[items.length - 1]
    if (c.text[c.pos] === "=") {
      if (current === undefined) return err(makeAuthError(`auth-param ${name} before any scheme`))
      const param = readValue(c, name)
      if (param._tag === "Err") return param
      current.params.push(param.value)
      const separated = expectSeparator(c, `auth-param ${name}`)
      if (separated._tag === "Err") return separated
    } else if (bare) {
      return err(makeAuthError(`auth-param ${name} has no value`))
    } else {
      const token68 = readToken68(c)
      items.push({ scheme: name, params: [], token68 })
      if (token68 !== undefined) {
        const separated = expectSeparator(c, `${name} credentials`)
        if (separated._tag === "Err") return separated
      }
    }
  }
  return ok(items)
}

/** The value of a parameter, by case-insensitive name (RFC 7616 §3.3: names are case-insensitive). */
export const paramValue = (params: ReadonlyArray<AuthParam>, name: string): string | undefined =>
  params.find((p) => p.name.toLowerCase() === name.toLowerCase())?.value

const quote = (value: string): string => `"${value.replace(/["\\]/g, (ch) => `\\${ch}`)}"`

export const printParam = (p: AuthParam): string =>
  `${p.name}=${p.quoted || !TOKEN.test(p.value) || TOKEN.exec(p.value)?.[0] !== p.value ? quote(p.value) : p.value}`

export const printParams = (params: ReadonlyArray<AuthParam>): string => params.map(printParam).join(", ")

export const printAuthItem = (item: AuthItem): string =>
  item.token68 !== undefined
    ? `${item.scheme} ${item.token68}`
    : item.params.length === 0
      ? item.scheme
      : `${item.scheme} ${printParams(item.params)}`
