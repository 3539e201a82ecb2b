/**
 * Validation — RFC 3261 §16.3, the checks a proxy makes before it forwards a request.
 *
 *   1. reasonable syntax: every header the proxy will read parses (else 400);
 *   2. URI scheme: the Request-URI scheme is one this proxy routes (else 416);
 *   3. Max-Forwards: not zero (else 483);
 *   4. optional loop detection: a Via of ours whose loop hash equals this request's (482);
 *   5. Proxy-Require: every option tag understood (else 420 with Unsupported);
 *   6. Proxy-Authorization: not done here (a policy for the application).
 *
 * Never: throws; a refusal is a value with the status, reason and header fields to answer with.
 */
import {
  getCallId,
  getCSeq,
  getFrom,
  getHeaderValues,
  getMaxForwards,
  getRoutes,
  getTo,
  getVias,
  parseUri,
  type Request,
  viaBranch,
} from "@sipkit/codec"
import { branchLoopHash, loopHash } from "./Keys.js"
import { isSelfAddress, type ProxyConfig } from "./ProxyConfig.js"

export interface Rejection {
  readonly status: number
  readonly reason: string | undefined
  readonly headers: ReadonlyArray<readonly [string, string]>
}

const reject = (status: number, reason?: string, headers: ReadonlyArray<readonly [string, string]> = []) => ({
  status,
  reason,
  headers,
})

/** §16.3 steps 1–5 in order; undefined when the request may be forwarded. */
export const validateProxyRequest = (config: ProxyConfig, request: Request): Rejection | undefined =>
  checkSyntax(request) ??
  checkScheme(config, request) ??
  checkMaxForwards(request) ??
  checkLoop(config, request) ??
  checkProxyRequire(config, request)

/**
 * Step 1: "The request MUST be well-formed enough to be handled with a server transaction. Any components involved
 * in the remainder of these Request Validation steps or the Request Forwarding section MUST be well-formed."
 */
const checkSyntax = (request: Request): Rejection | undefined => {
  const vias = getVias(request)
  if (vias._tag === "Err") return reject(400, vias.error.reason)
  if (vias.value.length === 0) return reject(400, "Missing Via")
  for (const read of [getCSeq, getCallId, getFrom, getTo, getMaxForwards, getRoutes] as const) {
    const result = read(request)
    if (result._tag === "Err") return reject(400, result.error.reason)
  }
  const uri = parseUri(request.uri)
  return uri._tag === "Err" ? reject(400, uri.error.reason) : undefined
}

/** Step 2: "If the Request-URI has a URI whose scheme is not understood by the proxy, the proxy SHOULD reject the request with a 416 (Unsupported URI Scheme) response." */
const checkScheme = (config: ProxyConfig, request: Request): Rejection | undefined => {
  const colon = request.uri.indexOf(":")
  const scheme = request.uri.slice(0, colon).toLowerCase()
  return config.schemes.includes(scheme) ? undefined : reject(416)
}

/** Step 3: "If the Max-Forwards value is zero (0), the element MUST NOT forward the request … the element MUST return a 483 (Too many hops) response." */
const checkMaxForwards = (request: Request): Rejection | undefined => {
  const maxForwards = getMaxForwards(request)
  return maxForwards._tag === "Ok" && maxForwards.value === 0 ? reject(483) : undefined
}

/**
 * Step 4: "If the request contains a Via header field with a sent-by value that equals a value placed into previous
 * requests by the proxy, the request has been forwarded by this element before. … If the parameters match, the
 * request has looped. If they differ, the request is spiraling, and processing continues. If a loop is detected,
 * the element MAY return a 482 (Loop Detected) response." The hash is recomputed with the Via below ours as the
 * topmost Via, which is what it was when we first received the request.
 */
const checkLoop = (config: ProxyConfig, request: Request): Rejection | undefined => {
  const vias = getVias(request)
  if (vias._tag === "Err") return undefined
  const looped = vias.value.some((via, index) => {
    if (!isSelfAddress(config, via.host, via.port, via.transport === "TLS")) return false
    const carried = branchLoopHash(viaBranch(via) ?? "")
    return carried !== undefined && carried === loopHash(request, vias.value[index + 1])
  })
  return looped ? reject(482) : undefined
}

/**
 * Step 5: "If the request contains a Proxy-Require header field with one or more option-tags this element does not
 * understand, the element MUST return a 420 (Bad Extension) response. The response MUST include an Unsupported
 * header field listing those option-tags the element did not understand."
 */
const checkProxyRequire = (config: ProxyConfig, request: Request): Rejection | undefined => {
  const unknown = getHeaderValues(request, "Proxy-Require")
    .map((tag) => tag.trim())
    .filter(
      (tag) => tag !== "" && !config.supported.some((known) => known.toLowerCase() === tag.toLowerCase()),
    )
  return unknown.length === 0 ? undefined : reject(420, undefined, [["Unsupported", unknown.join(", ")]])
}
