/**
 * Forwarding — RFC 3261 §16.6, the copy of a request sent to one target.
 *
 *   1. copy the request;  2. Request-URI := the target;  3. Max-Forwards − 1 (70 when absent);
 *   4. Record-Route `<sip:host:port;lr>` on dialog-creating requests outside a dialog, naming the transport of the
 *      hop (`;transport=tcp` …); two of them (RFC 5658 double Record-Route) when the request leaves on another
 *      transport than it came in on;
 *   6. strict-router post-processing of Route;  7. the next hop;  8. this proxy's Via with the branch of the fork;
 *   9. Content-Length untouched (the body is not changed).
 * Step 10 (send) and 11 (Timer C) are outputs of the proxy reducer.
 *
 * Never: randomness (the branch is handed in), I/O.
 */
import {
  getMaxForwards,
  getParam,
  getRoutes,
  getToTag,
  parseUri,
  prependHeader,
  type Request,
  setHeader,
} from "@sipkit/codec"
import { type ProxyConfig, selfUri } from "./ProxyConfig.js"
import { nextHop, postprocessRoute } from "./Routing.js"

export interface ForwardedRequest {
  readonly request: Request
  /** The URI the request goes to (§16.6 step 7); the runtime resolves it (RFC 3263). */
  readonly destination: string
}

/** "Max-Forwards … If the copy does not contain a Max-Forwards header field, the proxy MUST add one with a field value, which SHOULD be 70." */
export const defaultMaxForwards = 70

/** Methods that create a dialog; only they are record-routed (and only outside a dialog). */
const dialogCreating = ["INVITE", "SUBSCRIBE", "REFER", "NOTIFY"]

/** `inbound`: the transport the request came in on (`UDP`, `TCP`, `TLS`, `WS`, `WSS`; default: the configured one). */
export const forwardTo = (
  config: ProxyConfig,
  request: Request,
  target: string,
  branch: string,
  inbound: string = config.transport,
): ForwardedRequest => {
  const retargeted: Request = { ...request, uri: target }
  const counted = decrementMaxForwards(retargeted)
  const routed = postprocessRoute(counted)
  const destination = nextHop(routed)
  const recorded = shouldRecordRoute(config, counted)
    ? recordRoute(config, routed, inbound, outboundTransport(destination))
    : routed
  return { request: withVia(config, recorded, branch), destination }
}

/**
 * §16.6 step 4: the Record-Route URI must bring the dialog's later requests back to this proxy, in both directions.
 * When the request came in and goes out on one transport (or the two URIs are the same), one value names it (with
 * `;transport=` unless UDP). When they differ, RFC 5658 (Abstract: "It is not possible to make one header have the characteristics of both
 * interfaces at the same time") recommends double Record-Route (§4): on top the value the callee's requests reach us
 * by (the outbound transport), below it the one the caller's requests reach us by (the inbound transport); §16.4
 * (Routing.ts) takes both off when they come back as Route values.
 */
const recordRoute = (config: ProxyConfig, request: Request, inbound: string, outbound: string): Request => {
  const secure = needsSips(request)
  const facingCaller = `<${selfUri(config, secure, inbound)};lr>`
  const facingCallee = `<${selfUri(config, secure, outbound)};lr>`
  const inner = prependHeader(request, "Record-Route", facingCaller)
  return facingCallee === facingCaller ? inner : prependHeader(inner, "Record-Route", facingCallee)
}

/**
 * The transport a request to `uri` leaves on, as far as the URI says (RFC 3263 §4.1): its `transport` parameter
 * (`tcp` in a SIPS URI is TLS, `ws` is WSS), else TLS for a SIPS URI and UDP for a SIP URI. A transport the runtime
 * would pick by NAPTR/SRV for a domain without a `transport` parameter is not known here.
 */
export const outboundTransport = (uri: string): string => {
  const parsed = parseUri(uri)
  if (parsed._tag === "Err" || parsed.value._tag !== "SipUri") return "UDP"
  const secure = parsed.value.scheme === "sips"
  const param = getParam(parsed.value.params, "transport")?.toUpperCase()
  switch (param) {
    case "TCP":
      return secure ? "TLS" : "TCP"
    case "WS":
      return secure ? "WSS" : "WS"
    case "UDP":
    case "TLS":
    case "WSS":
      return param
    default:
      return secure ? "TLS" : "UDP"
  }
}

/**
 * §16.6 step 4: "If the Request-URI contains a SIPS URI, or the topmost Route header field value (after the post
 * processing of bullet 6) contains a SIPS URI, the URI placed into the Record-Route header field MUST be a SIPS URI."
 */
const needsSips = (request: Request): boolean => {
  const routes = getRoutes(request)
  const top = routes._tag === "Ok" ? routes.value[0]?.uri : undefined
  return [request.uri, top ?? ""].some((uri) => uri.toLowerCase().startsWith("sips:"))
}

/** §16.6 step 3: "If the copy contains a Max-Forwards header field, the proxy MUST decrement its value by one (1)." */
export const decrementMaxForwards = (request: Request): Request => {
  const current = getMaxForwards(request)
  const value = current._tag === "Ok" && current.value !== undefined ? current.value - 1 : defaultMaxForwards
  return setHeader(request, "Max-Forwards", String(Math.max(0, value)))
}

/** §16.6 step 8: "the proxy MUST insert a Via header field value into the copy before the existing Via header field values." */
export const withVia = (config: ProxyConfig, request: Request, branch: string): Request =>
  prependHeader(request, "Via", `SIP/2.0/${config.transport} ${config.host}:${config.port};branch=${branch}`)

/**
 * §16.6 step 4: "If this proxy wishes to remain on the path of future requests in a dialog created by this request
 * … it MUST insert a Record-Route header field value into the copy before any existing Record-Route header field
 * values". The URI carries `lr` so the proxy is a loose router.
 */
const shouldRecordRoute = (config: ProxyConfig, request: Request): boolean => {
  if (!config.recordRoute || !dialogCreating.includes(request.method)) return false
  const toTag = getToTag(request)
  return toTag._tag === "Ok" && toTag.value === undefined
}
