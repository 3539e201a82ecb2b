/**
 * The seed's cast (SIP-BASICS.md): Alice at 192.168.1.100, Bob at 10.0.0.50, the proxy at proxy.example, and
 * their media (RFC 3264 local sessions: Alice offers PCMU, PCMA, opus; Bob answers PCMU).
 */
import type { LocalSession } from "@sipkit/codec/sdp"
import type { CommandInit } from "./Network.js"

export const aliceSession: LocalSession = {
  username: "alice",
  sessionId: "2890844526",
  sessionVersion: "2890844526",
  address: "192.168.1.100",
  media: [
    {
      type: "audio",
      port: 49170,
      codecs: [
        { encoding: "PCMU", clockRate: 8000 },
        { encoding: "PCMA", clockRate: 8000 },
        { encoding: "opus", clockRate: 48000, channels: 2, payloadType: 97 },
      ],
    },
  ],
}

export const bobSession: LocalSession = {
  username: "bob",
  sessionId: "2890844527",
  sessionVersion: "2890844527",
  address: "10.0.0.50",
  media: [{ type: "audio", port: 49172, codecs: [{ encoding: "PCMU", clockRate: 8000 }] }],
}

export const sessionFor = (name: string, address: string, port: number): LocalSession => ({
  username: name,
  sessionId: String(1000 + port),
  sessionVersion: "1",
  address,
  media: [{ type: "audio", port, codecs: [{ encoding: "PCMU", clockRate: 8000 }] }],
})

export const inviteBob = (uri = "sip:bob@example.com"): CommandInit => ({
  _tag: "Invite",
  callId: "12345@192.168.1.100",
  fromTag: "a73kszlfl",
  from: "Alice <sip:alice@example.com>",
  to: "Bob <sip:bob@example.com>",
  uri,
})
