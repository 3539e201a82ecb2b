/**
 * Routing — the Route header field work of a proxy (RFC 3261 §16.4 and §16.6 steps 6–7).
 *
 * - `preprocessRoute` (§16.4): undo a strict router's rewrite when the Request-URI is this proxy's Record-Route URI,
 *   then remove this proxy's own entry from the top of Route.
 * - `postprocessRoute` (§16.6 step 6): when the next hop is a strict router (its Route entry lacks `lr`), move the
 *   Request-URI to the end of Route and the first Route entry into the Request-URI.
 * - `nextHop` (§16.6 step 7): the URI the request is sent to — the first Route entry, or the Request-URI.
 *
 * Never: throws; Route values that do not parse leave the request as it is (validation refused them earlier).
 */
import {
  appendHeader,
  getParam,
  getRoutes,
  type NameAddr,
  parseUri,
  printNameAddr,
  type Request,
  removeFirstHeaderValue,
  removeHeader,
} from "@sipkit/codec"
import { isSelfUri, type ProxyConfig } from "./ProxyConfig.js"

const routesOf = (request: Request): ReadonlyArray<NameAddr> => {
  const routes = getRoutes(request)
  return routes._tag === "Ok" ? routes.value : []
}

/** Rewrites every Route field from a list of values (one field per value). */
const withRoutes = (request: Request, routes: ReadonlyArray<NameAddr>): Request =>
  routes.reduce(
    (message, route) => appendHeader(message, "Route", printNameAddr(route)),
    removeHeader(request, "Route"),
  )

export const preprocessRoute = (config: ProxyConfig, request: Request): Request =>
  removeOwnRoute(config, fixStrictRouter(config, request))

/**
 * §16.4: "If the Request-URI contains a value this proxy previously placed into a Record-Route header field, the
 * proxy MUST replace the Request-URI in the request with the last value from the Route header field, and remove that
 * value from the Route header field."
 */
const fixStrictRouter = (config: ProxyConfig, request: Request): Request => {
  const routes = routesOf(request)
  const last = routes[routes.length - 1]
  if (last === undefined || !isSelfUri(config, request.uri)) return request
  return { ...withRoutes(request, routes.slice(0, -1)), uri: last.uri }
}

/**
 * §16.4: "If the first value in the Route header field indicates this proxy, the proxy MUST remove that value from the
 * request." With double Record-Route (RFC 5658 §4) the next value names this proxy too (the same proxy on its other
 * transport): every value at the top that names this proxy comes off.
 */
const removeOwnRoute = (config: ProxyConfig, request: Request): Request => {
  const first = routesOf(request)[0]
  return first !== undefined && isSelfUri(config, first.uri)
    ? removeOwnRoute(config, removeFirstHeaderValue(request, "Route"))
    : request
}

/**
 * §16.6 step 6: "If the copy contains a Route header field, the proxy MUST inspect the URI in its first value. If
 * that URI does not contain an lr parameter, the proxy MUST modify the copy as follows: The proxy MUST place the
 * Request-URI into the Route header field as the last value. The proxy MUST then place the first Route header field
 * value into the Request-URI and remove that value from the Route header field."
 */
export const postprocessRoute = (request: Request): Request => {
  const routes = routesOf(request)
  const first = routes[0]
  if (first === undefined || isLooseRouter(first)) return request
  const rest = [...routes.slice(1), { displayName: undefined, uri: request.uri, bracketed: true, params: [] }]
  return { ...withRoutes(request, rest), uri: first.uri }
}

/** §16.6 step 7: the first Route entry when it is a loose router, else the Request-URI (strict routing put the next hop there). */
export const nextHop = (request: Request): string => {
  const first = routesOf(request)[0]
  return first !== undefined && isLooseRouter(first) ? first.uri : request.uri
}

/** A Route value names a loose router when its URI carries `lr` (§19.1.1); an unbracketed value's `;lr` counts too. */
const isLooseRouter = (route: NameAddr): boolean => {
  const uri = parseUri(route.uri)
  const uriLr =
    uri._tag === "Ok" && uri.value._tag === "SipUri" && getParam(uri.value.params, "lr") !== undefined
  return uriLr || (!route.bracketed && getParam(route.params, "lr") !== undefined)
}
