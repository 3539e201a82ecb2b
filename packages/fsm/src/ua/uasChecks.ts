/**
 * uasChecks — the UAS request processing of RFC 3261 §8.2.1–§8.2.3 that may reject a request before any dialog
 * or session logic sees it: version (505), method (405 / 501 with Allow), Request-URI scheme (416), CSeq (400),
 * Require (420 with Unsupported), body type and encoding (415 with Accept / Accept-Encoding). These are the
 * answers RFC 4475 expects of an endpoint for its torture messages.
 *
 * ACK is never answered (§17.1.1.3); CANCEL skips the Require check (§8.2.2.3).
 */
import {
  getCSeq,
  getHeader,
  getHeaderValues,
  isErr,
  makeResponse,
  ownString,
  parseUri,
  type Request,
  type Response,
} from "@sipkit/codec"
import type { Routing } from "./readers.js"
import { allowHeader, isAllowed, type UaConfig } from "./UaConfig.js"

type Check = (
  config: UaConfig,
  request: Request,
  toTag: string,
  routing: Routing | undefined,
) => Response | undefined

const reject = (
  request: Request,
  status: number,
  toTag: string,
  headers: ReadonlyArray<readonly [string, string]> = [],
): Response => makeResponse(request, status, { toTag, headers })

const list = (values: ReadonlyArray<string>): string => values.join(", ")

/** §8.2 / §21.5.6: "505 … The server does not support … the version of the SIP protocol used in the request." */
const checkVersion: Check = (_config, request, toTag) =>
  request.version === "SIP/2.0" || request.version.toUpperCase() === "SIP/2.0"
    ? undefined
    : reject(request, 505, toTag)

/** §8.2.1: "If a UAS recognizes but does not support the method of a request, it MUST generate a 405 … The UAS
 * MUST also add an Allow header field". §21.5.2: 501 when it does not recognize the method (RFC 4475 §3.3.?). */
const checkMethod: Check = (config, request, toTag) => {
  if (isAllowed(config, request.method)) return undefined
  const status = config.recognized.includes(request.method) ? 405 : 501
  return reject(request, status, toTag, [["Allow", allowHeader(config)]])
}

/** §8.2.2.1: "If the Request-URI uses a scheme not supported by the UAS, it SHOULD reject the request with a 416". */
const checkScheme: Check = (_config, request, toTag) => {
  const status = uriStatus(request.uri)
  return status === 0 ? undefined : reject(request, status, toTag)
}

/** What `checkScheme` answers for a Request-URI: 0 (a SIP URI), 400 (it does not parse) or 416. Remembered by the
 * URI's text: the requests a UA gets name a few URIs (its address, the Contacts it gave), and parsing one costs
 * more than the other checks together. Network input must not grow it: it is emptied at 256 URIs, and keeps
 * copies (a URI sliced from a datagram would keep the datagram's text). */
const uriStatuses = new Map<string, number>()
const uriStatus = (uri: string): number => {
  const known = uriStatuses.get(uri)
  if (known !== undefined) return known
  const parsed = parseUri(uri)
  const status = isErr(parsed) ? 400 : parsed.value._tag === "SipUri" ? 0 : 416
  if (uriStatuses.size >= 256) uriStatuses.clear()
  uriStatuses.set(ownString(uri), status)
  return status
}

/** §8.1.1.5: the CSeq method "MUST match that of the request" (RFC 4475 §3.1.2.? mismatch01 → 400). */
const checkCSeq: Check = (_config, request, toTag, routing) => {
  // the method as `routingOf` read it, when the caller gives it (it reads the CSeq, and is undefined when it cannot)
  if (routing !== undefined)
    return routing.method === request.method ? undefined : reject(request, 400, toTag)
  const cseq = getCSeq(request)
  if (isErr(cseq) || cseq.value.method !== request.method) return reject(request, 400, toTag)
  return undefined
}

/** §8.2.2.3: "If a UAS does not understand an option-tag listed in a Require header field, it MUST respond by
 * generating a response with status code 420 (Bad Extension). The UAS MUST add an Unsupported header field". */
const checkRequire: Check = (config, request, toTag) => {
  if (request.method === "CANCEL") return undefined
  const values = getHeaderValues(request, "Require")
  if (values.length === 0) return undefined
  const required = values.map((tag) => tag.trim())
  const unknown = required.filter((tag) => tag !== "" && !config.supported.includes(tag.toLowerCase()))
  return unknown.length === 0 ? undefined : reject(request, 420, toTag, [["Unsupported", list(unknown)]])
}

/** The media type of a Content-Type value, before its parameters, in lower case. */
const mediaType = (contentType: string): string => {
  const semi = contentType.indexOf(";")
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase()
}

/** §8.2.3: "If a UAS does not understand the body … it MUST respond with a 415 … The response MUST contain an
 * Accept header field listing the types of all bodies it understands" — and Accept-Encoding for an encoding. */
const checkContent: Check = (config, request, toTag) => {
  if (request.body.length === 0) return undefined
  // the media range of everything accepts any type: the Content-Type is not read then
  if (
    !config.accept.includes("*/*") &&
    !config.accept.includes(mediaType(getHeader(request, "Content-Type") ?? "application/sdp"))
  )
    return reject(request, 415, toTag, [["Accept", list(config.accept)]])
  const values = getHeaderValues(request, "Content-Encoding")
  if (values.length === 0) return undefined
  const encodings = values.map((e) => e.trim().toLowerCase())
  if (encodings.every((e) => config.acceptEncoding.includes(e))) return undefined
  return reject(request, 415, toTag, [["Accept-Encoding", list(config.acceptEncoding)]])
}

const checks: ReadonlyArray<Check> = [
  checkVersion,
  checkMethod,
  checkScheme,
  checkCSeq,
  checkRequire,
  checkContent,
]

/** The first rejection §8.2 calls for, or `undefined` when the request may go on. Never for ACK. `routing`: the
 * request's fields as `routingOf` read them, when the caller has (its CSeq is not read again). */
export const checkRequest = (
  config: UaConfig,
  request: Request,
  toTag: string,
  routing?: Routing,
): Response | undefined => {
  if (request.method === "ACK") return undefined
  for (const check of checks) {
    const response = check(config, request, toTag, routing)
    if (response !== undefined) return response
  }
  return undefined
}
