/**
 * udpBound — is a UDP socket bound to a port on this machine? Read from the kernel's tables (`/proc/net/udp`,
 * `/proc/net/udp6`), no packet sent: the load harnesses wait for a UAS this way before they send it anything.
 * `udpQueue` reads the same tables' rx_queue and drops columns: what waits in a socket's receive buffer, and the
 * datagrams the kernel dropped for it, the buffer full (a lost request or response, resent half a second later).
 */
import { existsSync, readFileSync } from "node:fs"

const tables = ["/proc/net/udp", "/proc/net/udp6"]

/** Is a UDP socket bound to `port` (any local address; a remote address with that port does not count)? */
export const udpBound = (port: number): boolean => udpQueue(port) !== undefined

/** What the kernel holds for the sockets bound to `port` (summed): the bytes waiting in their receive queues, and
 * the datagrams dropped so far, the queue full; undefined when none is bound. */
export const udpQueue = (port: number): { readonly queued: number; readonly drops: number } | undefined => {
  const hex = port.toString(16).toUpperCase().padStart(4, "0")
  let found: { queued: number; drops: number } | undefined
  for (const f of tables) {
    if (!existsSync(f)) continue
    // "sl local_address rem_address st tx_queue:rx_queue … drops": addresses HEXIP:HEXPORT, queues in hex bytes
    for (const line of readFileSync(f, "utf8").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/)
      if (fields[1]?.endsWith(`:${hex}`) !== true) continue
      found ??= { queued: 0, drops: 0 }
      found.queued += Number.parseInt(fields[4]?.split(":")[1] ?? "0", 16)
      found.drops += Number(fields.at(-1))
    }
  }
  return found
}
