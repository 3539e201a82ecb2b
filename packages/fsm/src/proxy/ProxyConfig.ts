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

export const makeProxyConfig = (init: Partial<ProxyConfig> & Pick<ProxyConfig, "host">): ProxyConfig => ({
  port: 5060,
  transport: "UDP",
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
 * The Record-Route (and Route) URI of this proxy, without `;lr`: `sip:host[:port]`, or `sips:host[:port]` when
 * `secure`; the port is written unless it is the scheme's default (5060, 5061), so the URI names this proxy again
 * when it comes back in a Route.
 */
export const selfUri = (config: ProxyConfig, secure = false): string => {
  const scheme = secure ? "sips" : "sip"
  return config.port === (secure ? 5061 : 5060)
    ? `${scheme}:${config.host}`
    : `${scheme}:${config.host}:${config.port}`
}

/** Whether a host (and port) names this proxy. */
export const isSelfAddress = (
  config: ProxyConfig,
  host: string,
  port: number | undefined,
  secure: boolean,
) => {
  const names = [config.host, ...config.aliases].map((name) => name.toLowerCase())
  return names.includes(host.toLowerCase()) && (port ?? (secure ? 5061 : 5060)) === config.port
}

/** Whether a URI (a Route value, a Request-URI) names this proxy: a SIP URI with no user part at our address. */
export const isSelfUri = (config: ProxyConfig, text: string): boolean => {
  const parsed = parseUri(text)
  if (parsed._tag === "Err" || parsed.value._tag !== "SipUri") return false
  const uri = parsed.value
  return uri.user === undefined && isSelfAddress(config, uri.host, uri.port, uri.scheme === "sips")
}
