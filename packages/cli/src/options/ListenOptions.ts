/**
 * ListenOptions — the flags of `sip listen`, checked: one pure function from the command line to a plan or one
 * line of error.
 */
import { err, ok, parseUri, type Result } from "@sipkit/codec"
import { checkHost, checkPort, validTransports } from "./Common.js"

export interface ListenFlags {
  readonly host: string
  readonly port: number
  readonly transport: ReadonlyArray<string>
  readonly answer: number
  readonly redirect: ReadonlyArray<string>
  readonly ringMs: number
  readonly earlyMedia: boolean
  readonly registrar: boolean
  readonly user: ReadonlyArray<string>
  readonly realm: string | undefined
  readonly proxy: boolean
  readonly json: boolean
  readonly quiet: boolean
  readonly cert: string | undefined
  readonly key: string | undefined
  readonly dns: string | undefined
}

export type ListenTransport = "udp" | "tcp" | "tls" | "ws"

export interface ListenOptions {
  readonly host: string
  readonly port: number
  /** Every listener runs on @sipkit/transport-node's endpoint; `--proxy` works over any of them. */
  readonly transports: ReadonlyArray<ListenTransport>
  /** The final status for INVITE: 200 (with an SDP answer) or 300–699. */
  readonly answer: number
  /** With a 3xx `answer`: its Contact values, `<URI>` each (§21.3: where the client should retry). */
  readonly redirect: ReadonlyArray<string>
  readonly ringMs: number
  readonly earlyMedia: boolean
  /** Accept REGISTER (with digest when `users` is not empty); without it REGISTER is answered 405. */
  readonly registrar: boolean
  readonly users: ReadonlyMap<string, string>
  readonly realm: string
  readonly proxy: boolean
  readonly json: boolean
  readonly quiet: boolean
  /** TLS: PEM certificate and key files. */
  readonly cert: string | undefined
  readonly key: string | undefined
  /** A JSON zone that answers RFC 3263's DNS questions instead of the system (options/Zone.ts). */
  readonly dns: string | undefined
}

const checkUsers = (users: ReadonlyArray<string>): Result<ReadonlyMap<string, string>, string> => {
  const map = new Map<string, string>()
  for (const entry of users) {
    const colon = entry.indexOf(":")
    if (colon <= 0 || colon === entry.length - 1)
      return err(`--user ${JSON.stringify(entry)} must look like NAME:PASSWORD`)
    map.set(entry.slice(0, colon), entry.slice(colon + 1))
  }
  return ok(map)
}

export const checkListenFlags = (flags: ListenFlags): Result<ListenOptions, string> => {
  const host = checkHost(flags.host, "--host")
  if (host._tag === "Err") return host
  const port = checkPort(flags.port, "--port")
  if (port._tag === "Err") return port
  for (const transport of flags.transport) {
    if (!validTransports.includes(transport))
      return err(`--transport must be one of ${validTransports.join(", ")}, not ${JSON.stringify(transport)}`)
  }
  const transports = [...new Set(flags.transport)] as Array<ListenTransport>
  if (transports.includes("tls") && (flags.cert === undefined || flags.key === undefined))
    return err("--transport tls needs --cert FILE and --key FILE")
  if ((flags.cert !== undefined || flags.key !== undefined) && !transports.includes("tls"))
    return err("--cert and --key only apply to --transport tls")
  // 200 is answered with the SDP answer; another 2xx is no call sip listen knows how to set up
  if (!Number.isInteger(flags.answer) || (flags.answer !== 200 && (flags.answer < 300 || flags.answer > 699)))
    return err(`--answer must be 200 or a final status 300..699, not ${flags.answer}`)
  if (flags.redirect.length > 0 && (flags.answer < 300 || flags.answer > 399))
    return err(`--redirect needs --answer 300..399 (a redirection), not ${flags.answer}`)
  for (const uri of flags.redirect) {
    const bare = uri.startsWith("<") && uri.endsWith(">") ? uri.slice(1, -1) : uri
    if (parseUri(bare)._tag === "Err") return err(`--redirect ${JSON.stringify(uri)} is not a URI`)
  }
  if (!Number.isInteger(flags.ringMs) || flags.ringMs < 0)
    return err(`--ring-ms must be a whole number ≥ 0, not ${flags.ringMs}`)
  const users = checkUsers(flags.user)
  if (users._tag === "Err") return users
  if (users.value.size > 0 && !flags.registrar && !flags.proxy)
    return err("--user needs --registrar or --proxy")
  if (flags.realm !== undefined && users.value.size === 0)
    return err("--realm needs at least one --user NAME:PASSWORD")
  return ok({
    host: host.value,
    port: port.value,
    transports,
    answer: flags.answer,
    redirect: flags.redirect.map((uri) => (uri.startsWith("<") ? uri : `<${uri}>`)),
    ringMs: flags.ringMs,
    earlyMedia: flags.earlyMedia,
    registrar: flags.registrar || flags.proxy,
    users: users.value,
    realm: flags.realm ?? host.value,
    proxy: flags.proxy,
    json: flags.json,
    quiet: flags.quiet,
    cert: flags.cert,
    key: flags.key,
    dns: flags.dns,
  })
}
