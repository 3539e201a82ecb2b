/**
 * Describe — the structure `sip parse` prints: every header as it stood on the wire, with its typed view where the
 * codec has one (Via, name-addr headers, CSeq, numbers, the Request-URI), the faults of headers that do not parse,
 * and the body (SDP parsed when it is SDP). `describeMessage` gives the text, `messageJson` the `--json` form.
 *
 * Pure: a message in, text or a plain object out.
 */
import {
  type CSeq,
  getParam,
  type HeaderError,
  headerKey,
  type NameAddr,
  type Param,
  parseCSeq,
  parseDeltaSeconds,
  parseNameAddr,
  parseUri,
  parseVia,
  type Result,
  type SipMessage,
  splitList,
  type Uri,
  type Via,
} from "@sipkit/codec"
import { parseSdp } from "@sipkit/codec/sdp"
import { firstLine } from "./Ladder.js"

/** The typed view of one header value, tagged by the codec type it came from. */
export type Typed =
  | { readonly type: "via"; readonly value: Via }
  | { readonly type: "name-addr"; readonly value: NameAddr }
  | { readonly type: "star" }
  | { readonly type: "cseq"; readonly value: CSeq }
  | { readonly type: "number"; readonly value: number }

export interface HeaderView {
  readonly name: string
  readonly value: string
  /** The canonical lower-case long name (`v` → `via`). */
  readonly key: string
  /** One entry per list element for list headers (Via, Contact, Route …), else one. */
  readonly typed?: ReadonlyArray<Typed>
  readonly error?: { readonly reason: string; readonly status: number }
}

const nameAddrHeaders = new Set(["from", "to", "contact", "route", "record-route", "reply-to"])
const numberHeaders = new Set(["max-forwards", "expires", "min-expires", "content-length", "rseq"])

const all = <A>(results: ReadonlyArray<Result<A, HeaderError>>): Result<ReadonlyArray<A>, HeaderError> => {
  const values: Array<A> = []
  for (const result of results) {
    if (result._tag === "Err") return result
    values.push(result.value)
  }
  return { _tag: "Ok", value: values }
}

const typedOf = (key: string, value: string): Result<ReadonlyArray<Typed>, HeaderError> | undefined => {
  if (key === "via")
    return mapOk(all(splitList(value).map(parseVia)), (vias) =>
      vias.map((via) => ({ type: "via" as const, value: via })),
    )
  if (key === "contact" && value.trim() === "*") return { _tag: "Ok", value: [{ type: "star" }] }
  if (nameAddrHeaders.has(key)) {
    const items = key === "from" || key === "to" || key === "reply-to" ? [value] : splitList(value)
    return mapOk(all(items.map((item) => parseNameAddr(item, key))), (list) =>
      list.map((nameAddr) => ({ type: "name-addr" as const, value: nameAddr })),
    )
  }
  if (key === "cseq") return mapOk(parseCSeq(value), (cseq) => [{ type: "cseq" as const, value: cseq }])
  if (numberHeaders.has(key))
    return mapOk(parseDeltaSeconds(key, value), (n) => [{ type: "number" as const, value: n }])
  return undefined
}

const mapOk = <A, B>(result: Result<A, HeaderError>, f: (a: A) => B): Result<B, HeaderError> =>
  result._tag === "Ok" ? { _tag: "Ok", value: f(result.value) } : result

/** Every header of the message with its typed view or its fault. */
export const headerViews = (message: SipMessage): ReadonlyArray<HeaderView> =>
  message.headers.map(({ name, value }) => {
    const key = headerKey(name)
    const typed = typedOf(key, value)
    if (typed === undefined) return { name, value, key }
    return typed._tag === "Ok"
      ? { name, value, key, typed: typed.value }
      : { name, value, key, error: { reason: typed.error.reason, status: typed.error.status } }
  })

const paramsText = (params: ReadonlyArray<Param>): string =>
  params.map((p) => (p.value === undefined ? p.name : `${p.name}=${p.value}`)).join(" ")

/** One line for a typed value: the parts a reader looks for. */
export const typedText = (typed: Typed): string => {
  switch (typed.type) {
    case "via": {
      const via = typed.value
      const port = via.port === undefined ? "" : `:${via.port}`
      const params = paramsText(via.params)
      return `${via.protocol}/${via.transport} sent-by ${via.host}${port}${params === "" ? "" : `  ${params}`}`
    }
    case "name-addr": {
      const na = typed.value
      const display = na.displayName === undefined ? "" : `display ${JSON.stringify(na.displayName)}  `
      const tag = getParam(na.params, "tag")
      const others = paramsText(na.params.filter((p) => p.name.toLowerCase() !== "tag"))
      return `${display}uri ${na.uri}${tag === undefined ? "" : `  tag ${tag}`}${others === "" ? "" : `  ${others}`}`
    }
    case "star":
      return "* (all bindings)"
    case "cseq":
      return `seq ${typed.value.seq}  method ${typed.value.method}`
    case "number":
      return `${typed.value}`
  }
}

const uriText = (uri: Uri): string => {
  switch (uri._tag) {
    case "SipUri": {
      const user = uri.user === undefined ? "" : `user ${uri.user}  `
      const port = uri.port === undefined ? "" : `  port ${uri.port}`
      const params = paramsText(uri.params)
      return `${uri.scheme}: ${user}host ${uri.host}${port}${params === "" ? "" : `  ${params}`}`
    }
    case "TelUri":
      return `tel: ${uri.number}`
    case "AbsoluteUri":
      return `${uri.scheme}: (absolute URI)`
  }
}

const textDecoder = new TextDecoder()

const contentType = (message: SipMessage): string =>
  (message.headers.find((h) => headerKey(h.name) === "content-type")?.value ?? "").trim()

const isPrintable = (text: string) => !/[\u0000-\u0008\u000e-\u001f\u007f]/.test(text)

/** The human form: first line, then each header with `↳` its typed view (or `!` its fault), then the body. */
export const describeMessage = (message: SipMessage): string => {
  const lines: Array<string> = [firstLine(message)]
  if (message._tag === "Request") {
    const uri = parseUri(message.uri)
    lines.push(
      uri._tag === "Ok"
        ? `    ↳ Request-URI ${uriText(uri.value)}`
        : `    ! Request-URI: ${uri.error.reason}`,
    )
  }
  for (const view of headerViews(message)) {
    lines.push(`  ${view.name}: ${view.value}`)
    if (view.error !== undefined)
      lines.push(`    ! ${view.error.reason} (a server answers ${view.error.status})`)
    for (const typed of view.typed ?? []) lines.push(`    ↳ ${typedText(typed)}`)
  }
  const type = contentType(message)
  if (message.body.length === 0) {
    lines.push("  (no body)")
    return lines.join("\n")
  }
  lines.push(`  body: ${message.body.length} bytes${type === "" ? "" : ` of ${type}`}`)
  const text = textDecoder.decode(message.body)
  if (isPrintable(text))
    for (const line of text.replace(/\r?\n$/, "").split(/\r?\n/)) lines.push(`  | ${line}`)
  return lines.join("\n")
}

/** The `--json` form: the message, every header with its typed view, the parsed Request-URI and SDP. */
export const messageJson = (message: SipMessage): Record<string, unknown> => {
  const text = textDecoder.decode(message.body)
  const type = contentType(message)
  const sdp = type.toLowerCase().startsWith("application/sdp") ? parseSdp(text) : undefined
  const body = {
    length: message.body.length,
    contentType: type === "" ? undefined : type,
    text: isPrintable(text) ? text : undefined,
    sdp: sdp === undefined ? undefined : sdp._tag === "Ok" ? sdp.value : { error: sdp.error },
  }
  const headers = headerViews(message)
  switch (message._tag) {
    case "Request": {
      const uri = parseUri(message.uri)
      return {
        kind: "request",
        method: message.method,
        uri: message.uri,
        requestUri: uri._tag === "Ok" ? uri.value : { error: uri.error },
        version: message.version,
        headers,
        body,
      }
    }
    case "Response":
      return {
        kind: "response",
        version: message.version,
        status: message.status,
        reason: message.reason,
        headers,
        body,
      }
  }
}
