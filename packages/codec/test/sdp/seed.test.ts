// The seed's "SDP Negotiation in Detail" ladder (/work/shared/SIP-BASICS.md): Alice offers PCMU, PCMA and opus
// from 192.168.1.100:49170; Bob (10.0.0.50:49172) supports PCMU only and answers with PCMU alone.
// The seed abbreviates the o= lines to five fields ("o=alice 2890844526 IN IP4 …"); RFC 8866 §5.2 needs six
// (<username> <sess-id> <sess-version> …), so the fixtures below repeat the id as the version.
import { describe, expect, it } from "vitest"
import { applyAnswer, type LocalSession, negotiate, parseSdp, printSdp } from "../../src/sdp/index.js"

const crlf = (lines: ReadonlyArray<string>) => lines.map((l) => `${l}\r\n`).join("")

const aliceOffer = crlf([
  "v=0",
  "o=alice 2890844526 2890844526 IN IP4 192.168.1.100",
  "s=Session",
  "c=IN IP4 192.168.1.100",
  "t=0 0",
  "m=audio 49170 RTP/AVP 0 8 97",
  "a=rtpmap:0 PCMU/8000",
  "a=rtpmap:8 PCMA/8000",
  "a=rtpmap:97 opus/48000",
])

const bob: LocalSession = {
  username: "bob",
  sessionId: "2890844527",
  sessionVersion: "2890844527",
  address: "10.0.0.50",
  name: "Session",
  media: [{ type: "audio", port: 49172, codecs: [{ encoding: "PCMU", clockRate: 8000 }] }],
}

describe("the seed's SDP negotiation", () => {
  it("answers PCMU only, exactly as the ladder shows", () => {
    const offer = parseSdp(aliceOffer)
    if (offer._tag === "Err") throw new Error(offer.error.reason)
    const answer = negotiate(offer.value, bob)
    if (answer._tag === "Err") throw new Error(answer.error.warning)
    expect(printSdp(answer.value.description)).toBe(
      crlf([
        "v=0",
        "o=bob 2890844527 2890844527 IN IP4 10.0.0.50",
        "s=Session",
        "c=IN IP4 10.0.0.50",
        "t=0 0",
        "m=audio 49172 RTP/AVP 0",
        "a=rtpmap:0 PCMU/8000",
      ]),
    )
  })

  it("tells each side where to send: Alice to 10.0.0.50:49172, Bob to 192.168.1.100:49170", () => {
    const offer = parseSdp(aliceOffer)
    if (offer._tag === "Err") throw new Error(offer.error.reason)
    const answer = negotiate(offer.value, bob)
    if (answer._tag === "Err") throw new Error(answer.error.warning)
    expect(answer.value.streams).toEqual([
      {
        _tag: "Accepted",
        index: 0,
        type: "audio",
        protocol: "RTP/AVP",
        localPort: 49172,
        remoteAddress: "192.168.1.100",
        remotePort: 49170,
        direction: "sendrecv",
        formats: [{ payloadType: 0, encoding: "PCMU", clockRate: 8000, channels: 1, fmtp: undefined }],
      },
    ])
    const alice = applyAnswer(offer.value, answer.value.description)
    expect(alice._tag === "Ok" && alice.value[0]).toMatchObject({
      _tag: "Accepted",
      localPort: 49170,
      remoteAddress: "10.0.0.50",
      remotePort: 49172,
      direction: "sendrecv",
      formats: [{ payloadType: 0, encoding: "PCMU" }],
    })
  })

  it("rejects the seed's five-field o= line as malformed (RFC 8866 §5.2)", () => {
    const short = aliceOffer.replace("o=alice 2890844526 2890844526", "o=alice 2890844526")
    const parsed = parseSdp(short)
    expect(parsed._tag === "Err" && parsed.error).toMatchObject({ _tag: "SdpError", line: 2, status: 400 })
  })
})
