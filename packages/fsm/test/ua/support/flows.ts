/**
 * The scripted flows of the seed (SIP-BASICS.md), each a function of the link and its seed, so the same script
 * runs over a perfect link (checked message by message) and over a lossy one (checked for completion).
 */
import { type LinkConfig, perfect } from "../../transaction/support/link.js"
import { Network } from "./Network.js"
import { aliceSession, bobSession, inviteBob } from "./parties.js"

export const basicCall = (link: LinkConfig = perfect, seed = 1): Network => {
  const net = new Network(link, seed)
  net.addProxy({
    name: "Proxy",
    host: "proxy.example",
    domain: "example.com",
    location: new Map([["bob", "10.0.0.50"]]),
  })
  net.addParty({
    name: "Alice",
    host: "192.168.1.100",
    config: { session: aliceSession },
    script: (report, n) => {
      if (report._tag === "Established") n.command("Alice", { _tag: "Hangup", call: report.call }, 5_000)
    },
  })
  net.addParty({
    name: "Bob",
    host: "10.0.0.50",
    config: { session: bobSession },
    script: (report, n) => {
      if (report._tag !== "IncomingCall") return
      n.command("Bob", { _tag: "Progress", call: report.call, status: 180 }, 20)
      n.command("Bob", { _tag: "Answer", call: report.call }, 2_000)
    },
  })
  net.command("Alice", inviteBob())
  net.run()
  return net
}
