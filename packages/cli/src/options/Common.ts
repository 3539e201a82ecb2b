/**
 * Common — small checks shared by the commands' flags: header lines, addresses, transports.
 * Pure.
 */
import { err, ok, type Result } from "@sipkit/codec"

export interface HostPort {
  readonly host: string
  readonly port: number
}

export const validTransports: ReadonlyArray<string> = ["udp", "tcp", "tls", "ws"]

/** RFC 3261 §25.1 token characters, as a character class body. */
const tokenChars = "A-Za-z0-9.!%*_+`'~-"

const headerLine = new RegExp(`^([${tokenChars}]+)[ \\t]*:[ \\t]*(.*)$`)

/** `Name: value` → `[name, value]`; the name must be a token, the value may be empty. */
export const parseHeaderLine = (line: string): Result<readonly [string, string], string> => {
  const match = headerLine.exec(line)
  if (match === null || match[1] === undefined)
    return err(`--header ${JSON.stringify(line)} must look like "Name: value"`)
  if (/[\r\n]/.test(line)) return err(`--header ${JSON.stringify(line)} must be one line`)
  return ok([match[1], (match[2] ?? "").trim()] as const)
}

const ipv4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/
const ipv6 = /^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$/
const hostname =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/

/** An address to bind: an IPv4 or IPv6 literal (brackets allowed) or a host name. */
export const checkHost = (host: string, flag: string): Result<string, string> => {
  const bare = host.replace(/^\[(.*)\]$/, "$1")
  return ipv4.test(bare) || ipv6.test(bare) || hostname.test(bare)
    ? ok(bare)
    : err(`${flag} ${JSON.stringify(host)} is not an IP address or host name`)
}

export const checkPort = (port: number, flag: string): Result<number, string> =>
  Number.isInteger(port) && port >= 0 && port <= 65535
    ? ok(port)
    : err(`${flag} must be 0..65535, not ${port}`)

/** `host:port` for display; IPv6 in brackets. */
export const formatHostPort = ({ host, port }: HostPort): string =>
  host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`
