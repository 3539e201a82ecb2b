/**
 * Address — where a message came from or goes to, and the key connections are reused by.
 *
 * Hosts are kept WITHOUT brackets (`::1`, as Node's sockets give them); `hostForUri` adds them back for Via,
 * Contact and URIs (RFC 3261 §19.1.1, RFC 2732).
 */

/** RFC 3261 §18 transports plus RFC 7118 WebSocket. Upper-case, as written in a Via. */
export type TransportKind = "UDP" | "TCP" | "TLS" | "WS" | "WSS"

export interface HostPort {
  readonly host: string
  readonly port: number
}

export interface PeerAddress extends HostPort {
  readonly transport: TransportKind
}

/** TCP, TLS, WS and WSS are reliable (§17.1.1.2: Timer A is not used; §18.1.1: no MTU switch). */
export const isReliable = (transport: TransportKind): boolean => transport !== "UDP"

/** TLS and WSS are secure (sips: URIs need them, §26.2.2). */
export const isSecure = (transport: TransportKind): boolean => transport === "TLS" || transport === "WSS"

/** Strips the brackets of an IPv6 reference and an IPv4-mapped prefix (`::ffff:1.2.3.4` → `1.2.3.4`). */
export const normalizeHost = (host: string): string => {
  // most hosts (every address a socket gives) are normal already: answered without a new string
  if (isNormal(host)) return host
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host
  return bare.toLowerCase().startsWith("::ffff:") && bare.includes(".") ? bare.slice(7) : bare.toLowerCase()
}

/** No upper-case letter, no bracket, and not IPv4-mapped: `normalizeHost` would give it back unchanged. */
const isNormal = (host: string): boolean => {
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i)
    if ((c >= 65 && c <= 90) || c === 91 || c > 127) return false
  }
  return !host.startsWith("::ffff:")
}

/** `::1` → `[::1]`; names and IPv4 unchanged. */
export const hostForUri = (host: string): string => {
  const bare = normalizeHost(host)
  return bare.includes(":") ? `[${bare}]` : bare
}

/** The connection-reuse key: transport, normalized host and port. */
export const peerKey = (peer: PeerAddress): string =>
  `${peer.transport} ${normalizeHost(peer.host)} ${peer.port}`

export const formatPeer = (peer: PeerAddress): string =>
  `${peer.transport}:${hostForUri(peer.host)}:${peer.port}`

/** True for a literal IPv4 or IPv6 address (no DNS needed, RFC 3263 §4.2). */
export const isIpLiteral = (host: string): boolean => {
  const bare = normalizeHost(host)
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(bare) || (bare.includes(":") && /^[0-9a-f:.]+$/i.test(bare))
}

/** Default ports: 5060 for UDP/TCP, 5061 for TLS (§19.1.2); 80/443 for WS/WSS (RFC 7118 §5.2 via the URI). */
export const defaultPort = (transport: TransportKind): number => {
  switch (transport) {
    case "UDP":
    case "TCP":
      return 5060
    case "TLS":
      return 5061
    case "WS":
      return 80
    case "WSS":
      return 443
  }
}
