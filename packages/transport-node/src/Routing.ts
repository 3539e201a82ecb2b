/**
 * Routing — where a request is sent from and a response is sent to (RFC 3261 §18.1.1, §18.2.1, §18.2.2, RFC 3581).
 *
 * Pure functions over codec values; the engine applies them. A request leaves with a top Via naming our transport
 * and sent-by, a fresh branch and an empty `rport` (RFC 3581 §3). A request arriving gets `received` when its
 * sent-by is not the source address and `rport` filled in when asked for (§18.2.1, RFC 3581 §4). A response goes
 * back on the connection of its request (reliable transports), else to `maddr`, else to the source address and
 * port (rport) or sent-by port (§18.2.2).
 *
 * Never: does I/O or generates randomness (the branch comes in).
 */
import {
  getTopVia,
  type HeaderError,
  prependHeader,
  printVia,
  type Request,
  type Result,
  removeFirstHeaderValue,
  serializeMessage,
  type Via,
  viaMaddr,
  viaReceived,
  viaRport,
} from "@sipkit/codec"
import {
  defaultPort,
  type HostPort,
  hostForUri,
  isReliable,
  normalizeHost,
  type PeerAddress,
  type TransportKind,
} from "./Address.js"

/** §18.1.1: "larger than 1300 bytes and the path MTU is unknown" — with an MTU, 200 bytes below it. */
export const mtuLimit = (mtu: number | undefined): number => (mtu === undefined ? 1300 : mtu - 200)

/**
 * §18.1.1: "If a request is within 200 bytes of the path MTU, or if it is larger than 1300 bytes and the path MTU
 * is unknown, the request MUST be sent using an RFC 2914 congestion controlled transport protocol, such as TCP."
 * The switch is to TCP from UDP only; `allowed` says whether the application let us (it may pin UDP).
 */
export const transportForSize = (
  chosen: TransportKind,
  size: number,
  options: {
    readonly mtu?: number | undefined
    readonly switchToTcp: boolean
    readonly tcpAvailable: boolean
  },
): TransportKind =>
  chosen === "UDP" && options.switchToTcp && options.tcpAvailable && size > mtuLimit(options.mtu)
    ? "TCP"
    : chosen

/** The Via we insert: `SIP/2.0/<transport> <sent-by>;branch=<branch>;rport` (§8.1.1.7, §18.1.1, RFC 3581 §3). */
export const makeVia = (transport: TransportKind, sentBy: HostPort, branch: string): string =>
  `SIP/2.0/${transport} ${hostForUri(sentBy.host)}:${sentBy.port};branch=${branch};rport`

/** Puts our Via on top (replacing one we already put there for a previous attempt when `replace`). */
export const withVia = (request: Request, via: string, replace = false): Request =>
  prependHeader(replace ? removeFirstHeaderValue(request, "Via") : request, "Via", via)

/** The serialized size of a request once a Via is on it (for the MTU rule). */
export const sizeWith = (request: Request, via: string): number =>
  serializeMessage(withVia(request, via)).byteLength

const setViaParam = (via: Via, name: string, value: string): Via => {
  const params = via.params.filter((p) => p.name.toLowerCase() !== name)
  return { ...via, params: [...params, { name, value }] }
}

/**
 * §18.2.1: "the server transport MUST examine the value of the 'sent-by' parameter in the top Via header field
 * value. If the host portion of the 'sent-by' parameter contains a domain name, or if it contains an IP address
 * that differs from the packet source address, the server MUST add a 'received' parameter to that Via header field
 * value." RFC 3581 §4: with an `rport` without value, "the server MUST insert a 'received' parameter containing
 * the source IP address [...] and MUST add the port [...] to the 'rport' parameter".
 */
export const stampReceived = (request: Request, source: PeerAddress): Result<Request, HeaderError> => {
  const top = getTopVia(request)
  if (top._tag === "Err") return top
  let via = top.value
  const rport = viaRport(via)
  const sentByHost = normalizeHost(via.host)
  if (sentByHost !== normalizeHost(source.host) || rport === "")
    via = setViaParam(via, "received", source.host)
  if (rport === "") via = setViaParam(via, "rport", String(source.port))
  if (via === top.value) return { _tag: "Ok", value: request }
  return { _tag: "Ok", value: withVia(request, printVia(via), true) }
}

/** Where a response goes (§18.2.2). `connection` set means "on that connection if it is still open". */
export interface ResponseRoute {
  readonly transport: TransportKind
  readonly host: string
  readonly port: number
  readonly connection: string | undefined
}

const viaTransport = (via: Via, fallback: TransportKind): TransportKind => {
  if (via.transport === "UDP") return "UDP" // as nearly every Via writes it: no upper-cased copy
  const t = via.transport.toUpperCase()
  return t === "UDP" || t === "TCP" || t === "TLS" || t === "WS" || t === "WSS" ? t : fallback
}

/**
 * §18.2.2, with RFC 3581 §4 for `rport`. `request` is as received (after `stampReceived`); `source` is where it
 * came from and `connection` the connection it came on.
 */
export const responseRoute = (
  request: Request,
  source: PeerAddress,
  connection: string | undefined,
): Result<ResponseRoute, HeaderError> => {
  const top = getTopVia(request)
  if (top._tag === "Err") return top
  const via = top.value
  const transport = viaTransport(via, source.transport)
  const sentByPort = via.port ?? defaultPort(transport)
  const received = viaReceived(via) ?? normalizeHost(via.host)
  const rport = viaRport(via)
  /** "If the 'sent-protocol' is a reliable transport protocol [...] the response MUST be sent using the existing
   * connection to the source of the original request [...]. If that connection is no longer open, the server
   * SHOULD open a connection to the IP address in the 'received' parameter [...] using the port in the 'sent-by'
   * value" (RFC 3581: the rport value when present). */
  if (isReliable(source.transport)) {
    const port = rport !== undefined && rport !== "" ? Number(rport) : sentByPort
    return { _tag: "Ok", value: { transport: source.transport, host: received, port, connection } }
  }
  /** "Otherwise, if the Via header field value contains a 'maddr' parameter, the response MUST be forwarded to the
   * address listed there, using the port indicated in 'sent-by', or port 5060 if none is present." */
  const maddr = viaMaddr(via)
  if (maddr !== undefined) {
    return {
      _tag: "Ok",
      value: { transport, host: normalizeHost(maddr), port: via.port ?? 5060, connection: undefined },
    }
  }
  /** RFC 3581 §4: "send it to the IP address indicated in the 'received' parameter, and the port indicated in
   * the 'rport' parameter" — which is the source address and port. */
  if (rport !== undefined) {
    return {
      _tag: "Ok",
      value: {
        transport,
        host: source.host,
        port: rport === "" ? source.port : Number(rport),
        connection: undefined,
      },
    }
  }
  /** "Otherwise [...] the response MUST be sent to the address indicated by the 'received' parameter [...] using
   * the port indicated in the 'sent-by' value, or using port 5060 if none is specified explicitly." */
  return { _tag: "Ok", value: { transport, host: received, port: sentByPort, connection: undefined } }
}
