/**
 * Stateless — forwarding without a response context (RFC 3261 §16.11, §16.7 step 3, §16.10, §18.2.2).
 *
 * - An ACK for a 2xx (a new transaction end to end), and a CANCEL with no context (§16.10: "It MUST statelessly
 *   forward the CANCEL request"), go on after §16.4 route processing with Max-Forwards − 1 and a Via whose branch is
 *   computed from the request, so a retransmission gets the same branch (§16.11).
 * - A response with no context loses this proxy's Via and goes to the address the next Via names (§18.2.2:
 *   `received` over the sent-by host, `rport` over its port).
 *
 * Never: randomness, I/O, throws.
 */
import {
  getVias,
  printVia,
  type Request,
  type Response,
  removeFirstHeaderValue,
  type Via,
  viaBranch,
  viaReceived,
  viaRport,
} from "@sipkit/codec"
import { decrementMaxForwards, withVia } from "./Forwarding.js"
import { hashText } from "./Hash.js"
import { loopHash, magicCookie } from "./Keys.js"
import { isSelfAddress, type ProxyConfig } from "./ProxyConfig.js"
import { nextHop, postprocessRoute, preprocessRoute } from "./Routing.js"
import type { Destination, ProxyOutput } from "./Types.js"

/** An ACK or CANCEL sent on without state. */
export const forwardStateless = (config: ProxyConfig, request: Request): ProxyOutput => {
  const vias = getVias(request)
  const top = vias._tag === "Ok" ? vias.value[0] : undefined
  const branch = `${magicCookie}${loopHash(request, top)}.${hashText(top === undefined ? "" : printVia(top))}.s`
  const routed = postprocessRoute(decrementMaxForwards(preprocessRoute(config, request)))
  return {
    _tag: "SendStateless",
    message: withVia(config, routed, branch),
    destination: { _tag: "Uri", uri: nextHop(routed) },
  }
}

/** A response with no context: this proxy's Via off, sent to the next Via; absorbed when not ours or none is left. */
export const forwardResponseStateless = (config: ProxyConfig, response: Response): ProxyOutput => {
  const vias = getVias(response)
  if (vias._tag === "Err") return { _tag: "Absorbed", message: response, reason: vias.error.reason }
  const [top, next] = vias.value
  if (top === undefined || !isOwnVia(config, top)) {
    // §18.1.2: a response whose top Via sent-by is not this element's is discarded.
    return { _tag: "Absorbed", message: response, reason: "top Via is not this proxy's" }
  }
  if (next === undefined)
    return { _tag: "Absorbed", message: response, reason: "response meant for this proxy" }
  return {
    _tag: "SendStateless",
    message: removeFirstHeaderValue(response, "Via"),
    destination: viaDestination(next),
  }
}

export const isOwnVia = (config: ProxyConfig, via: Via): boolean =>
  isSelfAddress(config, via.host, via.port, via.transport === "TLS") && viaBranch(via) !== undefined

/** §18.2.2 (with RFC 3581): where a response goes back to, from the Via it will be sent on. */
export const viaDestination = (via: Via): Destination => {
  const rport = viaRport(via)
  const port = rport !== undefined && /^[0-9]+$/.test(rport) ? Number(rport) : via.port
  return {
    _tag: "Address",
    transport: via.transport,
    host: viaReceived(via) ?? via.host,
    port: port ?? (via.transport === "TLS" ? 5061 : 5060),
  }
}
