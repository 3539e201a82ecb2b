/**
 * The scripted flows of the seed (SIP-BASICS.md), each a function of the link and its seed, so the same script
 * runs over a perfect link (checked message by message) and over a lossy one (checked for completion).
 */
import { type LinkConfig, perfect } from "../../transaction/support/link.js"
import { Network, type Script } from "./Network.js"
import { aliceSession, bobSession, inviteBob, sessionFor } from "./parties.js"

export interface Timing {
  /** Bob's 180 and 200, and Alice's BYE, after the event that prompts each (ms). */
  readonly ring: number
  readonly answer: number
  readonly hangup: number
}

export const basicCall = (
  link: LinkConfig = perfect,
  seed = 1,
  timing: Timing = { ring: 20, answer: 2_000, hangup: 5_000 },
): Network => {
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
      if (report._tag === "Established")
        n.command("Alice", { _tag: "Hangup", call: report.call }, timing.hangup)
    },
  })
  net.addParty({
    name: "Bob",
    host: "10.0.0.50",
    config: { session: bobSession },
    script: (report, n) => {
      if (report._tag !== "IncomingCall") return
      n.command("Bob", { _tag: "Progress", call: report.call, status: 180 }, timing.ring)
      n.command("Bob", { _tag: "Answer", call: report.call }, timing.answer)
    },
  })
  net.command("Alice", inviteBob())
  net.run()
  return net
}

/** The seed's CANCEL flow, two-party (the proxy of the seed's ladder collapsed): Bob rings, Alice cancels. */
export const cancelCall = (
  link: LinkConfig = perfect,
  seed = 1,
  timing: { readonly ring: number; readonly cancel: number; readonly answer?: number } = {
    ring: 20,
    cancel: 1_000,
  },
): Network => {
  const net = new Network(link, seed)
  net.addParty({
    name: "Alice",
    host: "192.168.1.100",
    config: { session: aliceSession },
    script: (report, n) => {
      if (report._tag === "Ringing") n.command("Alice", { _tag: "Cancel", call: report.call }, timing.cancel)
      // she wanted out: if Bob's 200 beat her CANCEL, a CANCEL does nothing any more (§9.1) — she hangs up
      if (report._tag === "Established") n.command("Alice", { _tag: "Hangup", call: report.call }, 0)
    },
  })
  net.addParty({
    name: "Bob",
    host: "10.0.0.50",
    config: { session: bobSession },
    script: (report, n) => {
      if (report._tag !== "IncomingCall") return
      n.command("Bob", { _tag: "Progress", call: report.call, status: 180 }, timing.ring)
      if (timing.answer !== undefined) n.command("Bob", { _tag: "Answer", call: report.call }, timing.answer)
    },
  })
  net.command("Alice", inviteBob("sip:bob@10.0.0.50"))
  net.run()
  return net
}

/**
 * The seed's early-media flow: the Caller calls a PBX (a back-to-back UA), which answers at once with 183 and SDP
 * (the announcement), calls the Callee, and answers the Caller when the Callee answers (RFC 3960).
 */
export const earlyMedia = (link: LinkConfig = perfect, seed = 1): Network => {
  const net = new Network(link, seed)
  let inbound = ""
  net.addParty({
    name: "Caller",
    host: "caller.example",
    config: { session: sessionFor("caller", "192.0.2.1", 4000) },
  })
  net.addParty({
    name: "PBX",
    host: "pbx.example",
    config: { session: sessionFor("pbx", "192.0.2.2", 5000) },
    script: (report, n) => {
      if (report._tag === "IncomingCall") {
        inbound = report.call
        n.command("PBX", { _tag: "Progress", call: report.call, status: 183 }, 20)
        n.command("PBX", { ...inviteCallee, uri: "sip:callee@callee.example" }, 100)
      }
      if (report._tag === "Established" && report.call.startsWith("b2b"))
        n.command("PBX", { _tag: "Answer", call: inbound }, 0)
    },
  })
  net.addParty({
    name: "Callee",
    host: "callee.example",
    config: { session: sessionFor("callee", "192.0.2.3", 6000) },
    script: (report, n) => {
      if (report._tag !== "IncomingCall") return
      n.command("Callee", { _tag: "Progress", call: report.call, status: 180 }, 20)
      n.command("Callee", { _tag: "Answer", call: report.call }, 3_000)
    },
  })
  net.command("Caller", {
    _tag: "Invite",
    callId: "em1@caller.example",
    fromTag: "c1",
    from: "<sip:caller@caller.example>",
    to: "<sip:ivr@pbx.example>",
  })
  net.run()
  return net
}

const inviteCallee = {
  _tag: "Invite",
  callId: "b2b@pbx.example",
  fromTag: "p1",
  from: "<sip:pbx@pbx.example>",
  to: "<sip:callee@callee.example>",
} as const

/**
 * The seed's REFER flow: Alice and Bob talk; Bob refers Alice to Carol (RFC 3515); Alice accepts (202, NOTIFY
 * 100 Trying), calls Carol with Referred-By, reports the 200 by NOTIFY, and hangs up on Bob.
 */
export const referTransfer = (
  link: LinkConfig = perfect,
  seed = 1,
  referTo = "<sip:carol@carol.example>",
): Network => {
  const net = new Network(link, seed)
  net.addParty({
    name: "Alice",
    host: "alice.example",
    config: { session: sessionFor("alice", "192.0.2.10", 4000) },
    script: transferee,
  })
  net.addParty({
    name: "Bob",
    host: "bob.example",
    config: { session: sessionFor("bob", "192.0.2.11", 5000) },
    script: (report, n) => {
      if (report._tag === "IncomingCall") n.command("Bob", { _tag: "Answer", call: report.call }, 20)
      if (report._tag === "Established")
        n.command("Bob", { _tag: "Refer", call: report.call, referTo }, 1_000)
    },
  })
  net.addParty({
    name: "Carol",
    host: "carol.example",
    config: { session: sessionFor("carol", "192.0.2.12", 6000) },
    script: (report, n) => {
      if (report._tag === "IncomingCall") n.command("Carol", { _tag: "Answer", call: report.call }, 10)
    },
  })
  net.command("Alice", {
    _tag: "Invite",
    callId: "call@alice.example",
    fromTag: "a1",
    from: "<sip:alice@alice.example>",
    to: "<sip:bob@bob.example>",
  })
  net.run()
  return net
}

/** Alice hangs up on Bob once the final NOTIFY of the transfer (her last request in that dialog) was answered
 * (the seed's last three arrows). */
const notified = (net: Network, call: string, seq: number): void => {
  const notifier = net.party("Alice").ua.calls.get(call)
  if (notifier?.notifier === "terminated" && notifier.dialog?.localSeq === seq)
    net.command("Alice", { _tag: "Hangup", call }, 0)
}

/** The transferee's application (Alice): call whom the REFER names, then hang up on the transferor once the final
 * NOTIFY was answered. */
const transferee: Script = (report, n) => {
  if (report._tag === "Referred")
    n.command(
      "Alice",
      {
        _tag: "Invite",
        callId: "transfer@alice.example",
        fromTag: "a2",
        from: "<sip:alice@alice.example>",
        to: `<${report.referTo}>`,
        referral: report.call,
        referredBy: report.referredBy,
        ...(report.replaces === undefined ? {} : { replaces: report.replaces }),
      },
      50,
    )
  if (report._tag === "InDialogResponse" && report.method === "NOTIFY" && report.status === 200)
    notified(n, report.call, report.seq)
}

/**
 * Attended transfer (RFC 5589 §7, RFC 3891): Alice calls Bob; Bob consults Carol; Bob refers Alice to Carol with
 * `Replaces` naming his consultation dialog; Carol's core matches it, takes Alice's call, and ends the
 * consultation with a BYE to Bob.
 */
export const attendedTransfer = (link: LinkConfig = perfect, seed = 1): Network => {
  const net = new Network(link, seed)
  let bobToAlice = ""
  net.addParty({
    name: "Alice",
    host: "alice.example",
    config: { session: sessionFor("alice", "192.0.2.10", 4000) },
    script: transferee,
  })
  net.addParty({
    name: "Bob",
    host: "bob.example",
    config: { session: sessionFor("bob", "192.0.2.11", 5000) },
    script: (report, n, bob) => {
      if (report._tag === "IncomingCall") {
        bobToAlice = report.call
        n.command("Bob", { _tag: "Answer", call: report.call }, 20)
      }
      if (report._tag === "Established" && report.call === bobToAlice)
        n.command(
          "Bob",
          {
            _tag: "Invite",
            callId: "consult@bob.example",
            fromTag: "b2",
            from: "<sip:bob@bob.example>",
            to: "<sip:carol@carol.example>",
          },
          500,
        )
      if (report._tag === "Established" && report.call === "consult@bob.example;b2") {
        const id = bob.ua.calls.get(report.call)?.dialog?.id
        const replaces = encodeURIComponent(`${id?.callId};to-tag=${id?.remoteTag};from-tag=${id?.localTag}`)
        n.command(
          "Bob",
          { _tag: "Refer", call: bobToAlice, referTo: `<sip:carol@carol.example?Replaces=${replaces}>` },
          500,
        )
      }
    },
  })
  net.addParty({
    name: "Carol",
    host: "carol.example",
    config: { session: sessionFor("carol", "192.0.2.12", 6000) },
    script: (report, n) => {
      if (report._tag === "IncomingCall") n.command("Carol", { _tag: "Answer", call: report.call }, 10)
    },
  })
  net.command("Alice", {
    _tag: "Invite",
    callId: "call@alice.example",
    fromTag: "a1",
    from: "<sip:alice@alice.example>",
    to: "<sip:bob@bob.example>",
  })
  net.run()
  return net
}

/** Hold and resume on an established call (RFC 3264 §8.4), for docs/flows/hold.md. */
export const holdResume = (link: LinkConfig = perfect, seed = 1): Network => {
  const net = new Network(link, seed)
  net.addParty({
    name: "Alice",
    host: "192.168.1.100",
    config: { session: aliceSession },
    script: (report, n) => {
      if (report._tag !== "Established") return
      n.command("Alice", { _tag: "Hold", call: report.call }, 1_000)
      n.command("Alice", { _tag: "Resume", call: report.call }, 3_000)
      n.command("Alice", { _tag: "Hangup", call: report.call }, 5_000)
    },
  })
  net.addParty({
    name: "Bob",
    host: "10.0.0.50",
    config: { session: bobSession },
    script: (report, n) => {
      if (report._tag === "IncomingCall") n.command("Bob", { _tag: "Answer", call: report.call }, 20)
    },
  })
  net.command("Alice", inviteBob("sip:bob@10.0.0.50"))
  net.run()
  return net
}
