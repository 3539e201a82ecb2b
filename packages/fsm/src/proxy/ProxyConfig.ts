/**
 * ProxyConfig — who this proxy is and how it behaves (RFC 3261 §16).
 *
 * Never: clocks or randomness; the values here are fixed for the life of a proxy.
 */
import { parseUri } from "@sipkit/codec"

export interface ProxyConfig {
  /** This proxy's sent-by (Via, §16.6 step 8) and Record-Route address (§16.6 step 4). */
  readonly host: string
  readonly port: number
  /** The transport written in this proxy's Via (`UDP`, `TCP`, `TLS`, …); the runtime may rewrite it per hop. */
  readonly transport: string
  /**
   * Every address this proxy listens on, by transport (`UDP`, `TCP`, `TLS`, `WS`, `WSS`): the Record-Route URI facing
   * a hop names the listener of the transport used on that hop, and a Route or Via naming any of them is ours. Empty:
   * `host:port` over `transport` only.
   */
  readonly listeners: ReadonlyArray<ProxyListener>
  /** Other host names or addresses that name this proxy (for Route and Request-URI recognition, §16.4). */
  readonly aliases: ReadonlyArray<string>
  /** Domains this proxy is responsible for: their Request-URIs are looked up in the location store (§16.5). */
  readonly domains: ReadonlyArray<string>
  /** URI schemes this proxy can route; any other Request-URI scheme is answered 416 (§16.3 step 2). */
  readonly schemes: ReadonlyArray<string>
  /** Option tags this proxy understands in Proxy-Require; any other is answered 420 (§16.3 step 5). */
  readonly supported: ReadonlyArray<string>
  /** Insert `Record-Route: <sip:host:port;lr>` in dialog-creating requests (§16.6 step 4). */
  readonly recordRoute: boolean
  /**
   * `parallel`: every target at once; `sequential`: targets in decreasing `q`, equal `q` in parallel, the next group
   * only when the previous one ended without a 2xx or 6xx (§16.6, "Contacts with equal q … in parallel").
   */
  readonly forking: "parallel" | "sequential"
  /** Timer C in ms; "The value of Timer C MUST be greater than 3 minutes" (§16.6 step 11). */
  readonly timerC: number
  /**
   * How long (ms) a response context whose INVITE was answered with a non-2xx final response lingers, to absorb the
   * hop-by-hop ACK (64·T1 = 32 s by default, the lifetime of the server transaction's Timer H).
   */
  readonly linger: number
}

/** One address this proxy listens on. */
export interface ProxyListener {
  readonly transport: string
  readonly host: string
  readonly port: number
}

export const makeProxyConfig = (init: Partial<ProxyConfig> & Pick<ProxyConfig, "host">): ProxyConfig => ({
  port: 5060,
  transport: "UDP",
  listeners: [],
  aliases: [],
  domains: [],
  schemes: ["sip", "sips"],
  supported: [],
  recordRoute: true,
  forking: "parallel",
  timerC: 181_000,
  linger: 32_000,
  ...init,
})

/**
 * The Record-Route (and Route) URI of this proxy, without `;lr`, for a hop over `transport` (default: the configured
 * one): `sip:host[:port]`, or `sips:host[:port]` when `secure`, at the listener of that transport, with
 * `;transport=tcp|tls|ws` when the transport is not UDP, so that the requests of the dialog come back over a
 * transport this proxy listens on (RFC 3263 §4.1 picks UDP for a URI without one). TLS is `sips:` when `secure` and
 * `sip:…;transport=tls` otherwise; WSS is `sips:…;transport=ws` (RFC 7118 §5.2). The port is written unless it is the
 * scheme's default (5060, 5061 for SIPS; always for WebSocket), so the URI names this proxy again when it comes back
 * in a Route.
 */
export const selfUri = (config: ProxyConfig, secure = false, transport = config.transport): string => {
  const kind = transport.toUpperCase()
  const listener = config.listeners.find((l) => l.transport.toUpperCase() === kind)
  const host = listener?.host ?? config.host
  const port = listener?.port ?? config.port
  const sips = secure || kind === "WSS"
  const scheme = sips ? "sips" : "sip"
  const param = transportParam(kind, sips)
  const defaultPort = kind === "WS" || kind === "WSS" ? undefined : sips ? 5061 : 5060
  const hostPort = port === defaultPort ? host : `${host}:${port}`
  return `${scheme}:${hostPort}${param === undefined ? "" : `;transport=${param}`}`
}

/** The `transport` URI parameter naming `kind` (RFC 3261 §19.1.1, RFC 7118); none for UDP, or TLS in a SIPS URI. */
const transportParam = (kind: string, sips: boolean): string | undefined => {
  switch (kind) {
    case "UDP":
      return undefined
    case "TLS":
      return sips ? undefined : "tls"
    case "WS":
    case "WSS":
      return "ws"
    default:
      return kind.toLowerCase()
  }
}

/** Whether a host (and port) names this proxy. */
export const isSelfAddress = (
  config: ProxyConfig,
  host: string,
  port: number | undefined,
  secure: boolean,
) => {
  const names = [config.host, ...config.aliases, ...config.listeners.map((l) => l.host)]
  const ports = [config.port, ...config.listeners.map((l) => l.port)]
  return (
    names.some((name) => name.toLowerCase() === host.toLowerCase()) &&
    ports.includes(port ?? (secure ? 5061 : 5060))
  )
}

/** Whether a URI (a Route value, a Request-URI) names this proxy: a SIP URI with no user part at our address. */
export const isSelfUri = (config: ProxyConfig, text: string): boolean => {
  const parsed = parseUri(text)
  if (parsed._tag === "Err" || parsed.value._tag !== "SipUri") return false
  const uri = parsed.value
  return uri.user === undefined && isSelfAddress(config, uri.host, uri.port, uri.scheme === "sips")
}
