/**
 * SendOptions — the flags of `sip send METHOD URI`, checked. Every rule that makes a combination of flags a usage
 * error lives here, as a pure function from what the command line said to a plan or one line of error.
 *
 * Never: reads files or touches the network (the command does, after this says yes).
 */
import { err, ok, parseUri, type Result, type SipUri } from "@sipkit/codec"
import { type HostPort, parseHeaderLine, validTransports } from "./Common.js"

/** What the command line gave, before any check (optional flags are `undefined` when absent). */
export interface SendFlags {
  readonly method: string
  readonly uri: string
  readonly from: string | undefined
  readonly to: string | undefined
  readonly header: ReadonlyArray<string>
  readonly body: string | undefined
  readonly sdp: string | undefined
  readonly contentType: string | undefined
  readonly transport: string
  readonly proxy: string | undefined
  readonly user: string | undefined
  readonly password: string | undefined
  readonly timeoutMs: number
  readonly hangupAfterMs: number | undefined
  readonly cancelAfterMs: number | undefined
  readonly expires: number | undefined
  readonly count: number | undefined
  readonly rate: number | undefined
  readonly json: boolean
  readonly bindHost: string
  readonly bindPort: number
  readonly ca: string | undefined
  readonly cert: string | undefined
  readonly key: string | undefined
  /** A JSON zone that answers RFC 3263's DNS questions instead of the system (options/Zone.ts). */
  readonly dns: string | undefined
}

/** A checked plan for the exchange. */
export interface SendOptions {
  readonly method: string
  readonly uri: string
  /** Where the request goes first: the outbound proxy, or the Request-URI's host and port. */
  readonly target: HostPort
  readonly from: string | undefined
  readonly to: string | undefined
  readonly headers: ReadonlyArray<readonly [string, string]>
  /** A file to send as the body, with its Content-Type; `sdp` = a file of SDP; neither + INVITE = default offer. */
  readonly body: { readonly file: string; readonly contentType: string } | undefined
  readonly proxy: string | undefined
  readonly credentials: { readonly user: string; readonly password: string } | undefined
  readonly timeoutMs: number
  readonly hangupAfterMs: number | undefined
  readonly cancelAfterMs: number | undefined
  readonly expires: number | undefined
  readonly count: number
  readonly rate: number
  readonly json: boolean
  readonly bind: HostPort
  /** Every transport runs on @sipkit/transport-node's endpoint, `--proxy` included. */
  readonly transport: "udp" | "tcp" | "tls" | "ws"
  /** TLS: a PEM file of certificates to trust. */
  readonly ca: string | undefined
  /** TLS: our certificate and key (the runtime's TLS transport needs one, also as a client). */
  readonly cert: string | undefined
  readonly key: string | undefined
  /** A JSON zone that answers RFC 3263's DNS questions instead of the system (options/Zone.ts). */
  readonly dns: string | undefined
}

/** RFC 3261 §25.1 `Method = INVITEm / … / extension-method` (a token; we insist on upper case, as every peer does). */
const methodPattern = /^[A-Z][A-Z0-9._!%*+`'~-]*$/

/** Headers `sip send` writes itself; giving them with `--header` would make a broken request. */
const managedHeaders = new Set(["via", "v", "cseq", "call-id", "i", "content-length", "l", "max-forwards"])

const sipTarget = (text: string, what: string): Result<SipUri, string> => {
  const parsed = parseUri(text)
  if (parsed._tag === "Err")
    return err(`${what} ${JSON.stringify(text)} is not a URI: ${parsed.error.reason}`)
  if (parsed.value._tag !== "SipUri")
    return err(`${what} ${JSON.stringify(text)} must be a sip: or sips: URI`)
  return ok(parsed.value)
}

const defaultPort = (uri: SipUri): number => uri.port ?? (uri.scheme === "sips" ? 5061 : 5060)

const nonNegative = (value: number | undefined, flag: string): string | undefined =>
  value !== undefined && (!Number.isInteger(value) || value < 0)
    ? `${flag} must be a whole number ≥ 0, not ${value}`
    : undefined

/** The checks that do not depend on each other, each giving one line of error or nothing. */
const simpleChecks = (flags: SendFlags): ReadonlyArray<string | undefined> => [
  methodPattern.test(flags.method)
    ? undefined
    : `METHOD ${JSON.stringify(flags.method)} must be an upper-case SIP method token such as OPTIONS or INVITE`,
  flags.method === "ACK" ? "ACK is sent by sip send itself after a final response to INVITE" : undefined,
  flags.method === "CANCEL" ? "CANCEL is sent by sip send itself: use INVITE --cancel-after-ms N" : undefined,
  validTransports.includes(flags.transport)
    ? undefined
    : `--transport must be one of ${validTransports.join(", ")}, not ${JSON.stringify(flags.transport)}`,
  flags.ca !== undefined && flags.transport !== "tls" ? "--ca only applies to --transport tls" : undefined,
  (flags.cert !== undefined || flags.key !== undefined) && flags.transport !== "tls"
    ? "--cert and --key only apply to --transport tls"
    : undefined,
  flags.transport === "tls" && (flags.cert === undefined || flags.key === undefined)
    ? "--transport tls needs --cert FILE and --key FILE (the runtime's TLS transport needs a certificate)"
    : undefined,
  flags.body !== undefined && flags.sdp !== undefined
    ? "--body and --sdp cannot be used together"
    : undefined,
  flags.contentType !== undefined && flags.body === undefined
    ? "--content-type needs --body FILE"
    : undefined,
  flags.password !== undefined && flags.user === undefined ? "--password needs --user NAME" : undefined,
  flags.user !== undefined && flags.password === undefined ? "--user needs --password" : undefined,
  flags.timeoutMs >= 1 && Number.isInteger(flags.timeoutMs)
    ? undefined
    : `--timeout-ms must be a whole number ≥ 1, not ${flags.timeoutMs}`,
  nonNegative(flags.hangupAfterMs, "--hangup-after-ms"),
  nonNegative(flags.cancelAfterMs, "--cancel-after-ms"),
  nonNegative(flags.expires, "--expires"),
  flags.hangupAfterMs !== undefined && flags.method !== "INVITE"
    ? "--hangup-after-ms only applies to INVITE"
    : undefined,
  flags.cancelAfterMs !== undefined && flags.method !== "INVITE"
    ? "--cancel-after-ms only applies to INVITE"
    : undefined,
  flags.expires !== undefined && flags.method !== "REGISTER"
    ? "--expires only applies to REGISTER"
    : undefined,
  flags.count === undefined || (Number.isInteger(flags.count) && flags.count >= 1)
    ? undefined
    : `--count must be a whole number ≥ 1, not ${flags.count}`,
  flags.rate === undefined || (Number.isFinite(flags.rate) && flags.rate > 0)
    ? undefined
    : `--rate must be a number > 0, not ${flags.rate}`,
  flags.rate !== undefined && flags.count === undefined ? "--rate needs --count N" : undefined,
  Number.isInteger(flags.bindPort) && flags.bindPort >= 0 && flags.bindPort <= 65535
    ? undefined
    : `--bind-port must be 0..65535, not ${flags.bindPort}`,
]

const parseHeaders = (
  lines: ReadonlyArray<string>,
): Result<ReadonlyArray<readonly [string, string]>, string> => {
  const headers: Array<readonly [string, string]> = []
  for (const line of lines) {
    const header = parseHeaderLine(line)
    if (header._tag === "Err") return header
    if (managedHeaders.has(header.value[0].toLowerCase()))
      return err(
        `--header ${JSON.stringify(header.value[0])} is written by sip send itself and cannot be given`,
      )
    headers.push(header.value)
  }
  return ok(headers)
}

/**
 * `--proxy` over tcp, tls or ws: like the Request-URI, the proxy's URI gets `;transport=` when it names none, so the
 * RFC 3263 step picks the transport we send on (§4.1: a numeric host without one means UDP). A bracketed URI is
 * left as given.
 */
export const proxyOver = (proxy: string, transport: string): string => {
  if (transport === "udp" || /;transport=/i.test(proxy) || proxy.includes("<")) return proxy
  const query = proxy.indexOf("?")
  const param = `;transport=${transport}`
  return query < 0 ? `${proxy}${param}` : `${proxy.slice(0, query)}${param}${proxy.slice(query)}`
}

/** Checks the flags of `sip send`; the error is one line for the user. */
export const checkSendFlags = (flags: SendFlags): Result<SendOptions, string> => {
  const problem = simpleChecks(flags).find((line) => line !== undefined)
  if (problem !== undefined) return err(problem)
  const uri = sipTarget(flags.uri, "URI")
  if (uri._tag === "Err") return uri
  const proxy = flags.proxy === undefined ? undefined : sipTarget(flags.proxy, "--proxy")
  if (proxy?._tag === "Err") return proxy
  for (const [flag, value] of [
    ["--from", flags.from],
    ["--to", flags.to],
  ] as const) {
    if (
      value !== undefined &&
      !/^(?:[^<]*<\s*[a-zA-Z][a-zA-Z0-9+.-]*:[^>]+>.*|[a-zA-Z][a-zA-Z0-9+.-]*:\S+)$/.test(value)
    )
      return err(
        `${flag} ${JSON.stringify(value)} must be a URI or a name-addr such as "Alice <sip:alice@example.com>"`,
      )
  }
  const headers = parseHeaders(flags.header)
  if (headers._tag === "Err") return headers
  const first = proxy?.value ?? uri.value
  const bodyFile = flags.body ?? flags.sdp
  return ok({
    method: flags.method,
    uri: flags.uri,
    target: { host: first.host.replace(/^\[|\]$/g, ""), port: defaultPort(first) },
    from: flags.from,
    to: flags.to,
    headers: headers.value,
    body:
      bodyFile === undefined
        ? undefined
        : {
            file: bodyFile,
            contentType: flags.sdp !== undefined ? "application/sdp" : (flags.contentType ?? "text/plain"),
          },
    proxy: flags.proxy === undefined ? undefined : proxyOver(flags.proxy, flags.transport),
    credentials:
      flags.user !== undefined && flags.password !== undefined
        ? { user: flags.user, password: flags.password }
        : undefined,
    timeoutMs: flags.timeoutMs,
    hangupAfterMs: flags.hangupAfterMs,
    cancelAfterMs: flags.cancelAfterMs,
    expires: flags.expires,
    count: flags.count ?? 1,
    rate: flags.rate ?? 10,
    json: flags.json,
    bind: { host: flags.bindHost, port: flags.bindPort },
    transport: flags.transport as SendOptions["transport"],
    ca: flags.ca,
    cert: flags.cert,
    key: flags.key,
    dns: flags.dns,
  })
}
