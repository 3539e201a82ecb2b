/**
 * Targets — RFC 3261 §16.5, the target set of a request, grouped for forking.
 *
 * - "If the domain of the Request-URI indicates a domain this element is not responsible for, the Request-URI MUST
 *   be placed into the target set as the only target". So is a request still loose-routed elsewhere (a Route entry
 *   left after §16.4) and an ACK (forwarded end to end).
 * - Otherwise the location store gives the bindings of the Request-URI's AOR; "If the target set remains empty …
 *   the proxy MUST return an error response, which SHOULD be the 480 (Temporarily Unavailable) response."
 * - Targets are grouped by decreasing `q` (a binding without `q` counts as 1.0): a parallel proxy forks every group
 *   at once, a sequential one group by group (§16.6: "Contacts with equal q … processed in parallel").
 *
 * Never: I/O. The location store is a value handed in.
 */
import { getRoutes, parseUri, type Request } from "@sipkit/codec"
import { canonicalAor } from "../registrar/Aor.js"
import type { Binding } from "../registrar/Binding.js"
import { sameContactUri } from "../registrar/Registrar.js"
import type { ProxyConfig } from "./ProxyConfig.js"

/** What §16.5 needs of a location store: the live bindings of an AOR. */
export interface LocationView {
  readonly get: (aor: string, now: number) => ReadonlyArray<Binding>
}

export type TargetSet =
  | { readonly _tag: "Targets"; readonly groups: ReadonlyArray<ReadonlyArray<string>> }
  | { readonly _tag: "Unavailable" }

export const determineTargets = (
  config: ProxyConfig,
  request: Request,
  location: LocationView,
  now: number,
): TargetSet => {
  const routes = getRoutes(request)
  const routed = routes._tag === "Ok" && routes.value.length > 0
  if (routed || request.method === "ACK" || !isOwnDomain(config, request.uri)) {
    return { _tag: "Targets", groups: [[request.uri]] }
  }
  const aor = canonicalAor(request.uri)
  const bindings = aor._tag === "Ok" ? location.get(aor.value, now) : []
  return bindings.length === 0 ? { _tag: "Unavailable" } : { _tag: "Targets", groups: byPreference(bindings) }
}

const isOwnDomain = (config: ProxyConfig, uriText: string): boolean => {
  const parsed = parseUri(uriText)
  return (
    parsed._tag === "Ok" &&
    parsed.value._tag === "SipUri" &&
    config.domains.includes(parsed.value.host.toLowerCase())
  )
}

/**
 * Bindings grouped by decreasing q, keeping store order within a group. §16.5: "If the target set already contains
 * the URI, it MUST NOT be added again" — a contact bound twice (two RFC 5626 flows to one URI) is tried once.
 */
const byPreference = (bindings: ReadonlyArray<Binding>): ReadonlyArray<ReadonlyArray<string>> => {
  const unique = bindings.filter(
    (binding, i) => bindings.findIndex((other) => sameContactUri(other.uri, binding.uri)) === i,
  )
  const qs = [...new Set(unique.map((binding) => binding.q ?? 1))].sort((a, b) => b - a)
  return qs.map((q) => unique.filter((binding) => (binding.q ?? 1) === q).map((binding) => binding.uri))
}

/** The groups to fork now and later: all at once when parallel, one group at a time when sequential. */
export const forkPlan = (
  config: ProxyConfig,
  groups: ReadonlyArray<ReadonlyArray<string>>,
): { readonly now: ReadonlyArray<string>; readonly later: ReadonlyArray<ReadonlyArray<string>> } =>
  config.forking === "parallel"
    ? { now: groups.flat(), later: [] }
    : { now: groups[0] ?? [], later: groups.slice(1) }
