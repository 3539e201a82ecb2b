/**
 * udpBound — is a UDP socket bound to a port on this machine? Read from the kernel's tables (`/proc/net/udp`,
 * `/proc/net/udp6`), no packet sent: the load harnesses wait for a UAS this way before they send it anything.
 */
import { existsSync, readFileSync } from "node:fs"

/** Is a UDP socket bound to `port` (any local address)? */
export const udpBound = (port: number): boolean => {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, "0")} `
  return ["/proc/net/udp", "/proc/net/udp6"].some(
    (f) => existsSync(f) && readFileSync(f, "utf8").includes(hex),
  )
}
