/**
 * requests — the pure pieces a runtime needs for requests that are not a call's: one-off requests outside any
 * dialog (§8.1.1: OPTIONS, MESSAGE, SUBSCRIBE …), their digest retry (§22.2), and the Via the transport fills in
 * (§18.1.1). REGISTER has its own in register.ts.
 *
 * These requests need no state in the UA core: a one-off request's client transaction gives the final response to
 * whoever sent it, so the core keeps nothing and `step` has no command for it. The runtime builds the request here,
 * sends it, and asks `retryWithCredentials` what to send after a 401/407.
 *
 * Never: I/O, clocks, randomness — the tags, Call-ID and branch come from the caller's `nonce`.
 */
import {
  getCSeq,
  getTopVia,
  headerKey,
  isErr,
  makeRequest,
  printVia,
  type Request,
  type Response,
  removeHeader,
  setHeader,
} from "@sipkit/codec"
import { authorize } from "./auth.js"
import { makeFresh, viaFor } from "./Fresh.js"
import { uriOf } from "./readers.js"
import type { Credentials, UaConfig } from "./UaConfig.js"

/** Methods whose request can create a dialog, and so must carry a Contact (§8.1.1.8, RFC 3515, RFC 6665). */
export const dialogCreating: ReadonlyArray<string> = ["INVITE", "SUBSCRIBE", "REFER"]

export interface OutOfDialogInit {
  readonly method: string
  /** The Request-URI (§8.1.1.1). */
  readonly uri: string
  /** name-addr without tag. */
  readonly from: string
  /** name-addr without tag; default `<uri>`. */
  readonly to?: string
  readonly callId: string
  readonly fromTag: string
  /** Default 1 (§8.1.1.5). */
  readonly seq?: number
  /** The Contact URI (default `config.contact`); added for dialog-creating methods and REGISTER, or when given —
   * unless `headers` has a Contact of its own, which is then the only one. */
  readonly contact?: string
  /** §8.1.2: a preloaded route set, e.g. `["<sip:proxy.example.com;lr>"]`. */
  readonly route?: ReadonlyArray<string>
  readonly headers?: ReadonlyArray<readonly [string, string]>
  readonly body?: string | Uint8Array
  /** Default `text/plain` (only with a body). */
  readonly contentType?: string
}

/**
 * §8.1.1: "A valid SIP request formulated by a UAC MUST, at a minimum, contain the following header fields: To,
 * From, CSeq, Call-ID, Max-Forwards, and Via". §8.1.2: the preloaded Route set goes in Route headers, in order.
 */
export const makeOutOfDialogRequest = (config: UaConfig, init: OutOfDialogInit, nonce: string): Request => {
  const fresh = makeFresh(nonce)
  // a Contact among the caller's own header fields is the request's Contact: none is added beside it (a REGISTER
  // with two Contacts binds both, §10.2.1)
  const given = init.headers?.some(([name]) => headerKey(name) === "contact") === true
  const contact =
    !given &&
    (init.contact !== undefined || dialogCreating.includes(init.method) || init.method === "REGISTER")
      ? (init.contact ?? config.contact)
      : undefined
  const to = init.to ?? `<${uriOf(init.uri)}>`
  return makeRequest({
    method: init.method,
    uri: init.uri,
    headers: [
      ["Via", viaFor(config.via, fresh)],
      ["Max-Forwards", String(config.maxForwards)],
      ...(init.route ?? []).map((route) => ["Route", route] as const),
      ["From", `${init.from};tag=${init.fromTag}`],
      ["To", to],
      ["Call-ID", init.callId],
      ["CSeq", `${init.seq ?? 1} ${init.method}`],
      ...(contact === undefined
        ? []
        : [["Contact", contact.startsWith("<") ? contact : `<${contact}>`] as const]),
      ...(init.headers ?? []),
      ...(init.body === undefined ? [] : [["Content-Type", init.contentType ?? "text/plain"] as const]),
    ],
    ...(init.body === undefined ? {} : { body: init.body }),
  })
}

export interface Retry {
  readonly request: Request
  /** `realm nonce` of the challenge answered: answer each at most once. */
  readonly challenge: string
}

/**
 * §22.2: "When a UAC resubmits a request with its credentials after receiving a 401 (Unauthorized) or 407 (Proxy
 * Authentication Required) response, it MUST increment the CSeq header field value as it would normally when
 * sending an updated request." A new transaction, so a new branch (§17.1.3); `undefined` when the response is no
 * challenge this UA can answer.
 */
export const retryWithCredentials = (
  config: UaConfig,
  request: Request,
  response: Response,
  credentials: Credentials,
  nonce: string,
): Retry | undefined => {
  if (response.status !== 401 && response.status !== 407) return undefined
  const fresh = makeFresh(nonce)
  const authorized = authorize(response, request, credentials, fresh.tag())
  const cseq = getCSeq(request)
  if (authorized === undefined || isErr(cseq)) return undefined
  let next = removeHeader(request, authorized.header[0])
  next = setHeader(next, authorized.header[0], authorized.header[1])
  next = setHeader(next, "CSeq", `${cseq.value.seq + 1} ${cseq.value.method}`)
  next = setHeader(next, "Via", viaFor(config.via, fresh))
  return { request: next, challenge: authorized.challenge }
}

/**
 * §18.1.1: "Before a request is sent, the client transport MUST insert a value of the 'sent-by' field into the Via
 * header field." Sets the top Via's transport and sent-by (`host` or `host:port`, IPv6 in brackets) to the ones the
 * request leaves on; the branch and every other parameter stay. `rport` (RFC 3581 §3) is added when asked.
 */
export const fillVia = (
  request: Request,
  transport: string,
  host: string,
  port: number | undefined,
  options: { readonly rport?: boolean } = {},
): Request => {
  const top = getTopVia(request)
  if (isErr(top)) return request
  const has = top.value.params.some((p) => p.name.toLowerCase() === "rport")
  const params =
    options.rport === true && !has
      ? [...top.value.params, { name: "rport", value: undefined }]
      : top.value.params
  const via = printVia({ ...top.value, transport: transport.toUpperCase(), host, port, params })
  const rest = request.headers.findIndex(
    (h) => h.name.toLowerCase() === "via" || h.name.toLowerCase() === "v",
  )
  return rest < 0 ? request : replaceTopVia(request, rest, via)
}

/** The top Via value is the first of the first Via header line (a line may hold several, comma-separated). */
const replaceTopVia = (request: Request, index: number, via: string): Request => {
  const header = request.headers[index]!
  const comma = firstComma(header.value)
  const value = comma < 0 ? via : `${via}, ${header.value.slice(comma + 1).trimStart()}`
  const headers = request.headers.slice()
  headers[index] = { ...header, value }
  return { ...request, headers }
}

/** The first comma outside a quoted string. */
const firstComma = (value: string): number => {
  let quoted = false
  for (let i = 0; i < value.length; i++) {
    const c = value[i]
    if (c === '"') quoted = !quoted
    else if (c === "\\" && quoted) i++
    else if (c === "," && !quoted) return i
  }
  return -1
}
