/**
 * docs/sdp.md runs: every ```ts block of the page (import lines aside) is a region of this file, and the
 * assertions after each region check what the page says the code gives.
 */
import { describe, expect, it } from "vitest"
import doc from "../../../../docs/sdp.md?raw"
import {
  applyAnswer,
  isHold,
  type LocalSession,
  makeOffer,
  negotiate,
  parseSdp,
  printSdp,
} from "../../src/sdp/index.js"
import source from "./docs.test.ts?raw"

describe("docs/sdp.md", () => {
  it("answers the seed's offer", () => {
    // #region answer
    const offer = parseSdp(
      "v=0\r\n" +
        "o=alice 2890844526 2890844526 IN IP4 192.168.1.100\r\n" +
        "s=Session\r\n" +
        "c=IN IP4 192.168.1.100\r\n" +
        "t=0 0\r\n" +
        "m=audio 49170 RTP/AVP 0 8 97\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:97 opus/48000\r\n",
    )
    if (offer._tag === "Err") throw new Error(offer.error.reason) // answer offer.error.status (400)

    const bob: LocalSession = {
      username: "bob",
      sessionId: "2890844527",
      sessionVersion: "2890844527",
      address: "10.0.0.50",
      name: "Session",
      media: [{ type: "audio", port: 49172, codecs: [{ encoding: "PCMU", clockRate: 8000 }] }],
    }
    const answer = negotiate(offer.value, bob)
    if (answer._tag === "Err") throw new Error(answer.error.warning) // 488 with this Warning
    const body = printSdp(answer.value.description)
    const [stream] = answer.value.streams
    // #endregion
    expect(body).toBe(
      "v=0\r\no=bob 2890844527 2890844527 IN IP4 10.0.0.50\r\ns=Session\r\nc=IN IP4 10.0.0.50\r\nt=0 0\r\n" +
        "m=audio 49172 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n",
    )
    expect(stream).toMatchObject({
      _tag: "Accepted",
      remoteAddress: "192.168.1.100",
      remotePort: 49170,
      direction: "sendrecv",
      formats: [{ payloadType: 0, encoding: "PCMU" }],
    })
  })

  it("offers, applies the answer, and holds", () => {
    const bob: LocalSession = {
      username: "bob",
      sessionId: "2890844527",
      sessionVersion: "2890844527",
      address: "10.0.0.50",
      media: [{ type: "audio", port: 49172, codecs: [{ encoding: "PCMU", clockRate: 8000 }] }],
    }
    // #region offer
    const alice: LocalSession = {
      username: "alice",
      sessionId: "2890844526",
      sessionVersion: "1",
      address: "192.168.1.100",
      media: [
        {
          type: "audio",
          port: 49170,
          codecs: [
            { encoding: "PCMU", clockRate: 8000 },
            { encoding: "opus", clockRate: 48000, channels: 2 },
            { encoding: "telephone-event", clockRate: 8000, fmtp: "0-16" },
          ],
        },
      ],
    }
    const offer = makeOffer(alice) // m=audio 49170 RTP/AVP 0 96 97, o= version 1

    const reply = negotiate(offer, bob) // what the peer does with it
    if (reply._tag === "Err") throw new Error(reply.error.warning)
    const streams = applyAnswer(offer, reply.value.description)
    if (streams._tag === "Err") throw new Error(streams.error.reason) // a broken answer: ACK, then BYE

    // Hold: re-offer with a=sendonly; same o= line, version 2 (RFC 3264 §8).
    const hold = makeOffer({ ...alice, media: [{ ...alice.media[0]!, direction: "sendonly" }] }, offer)
    // #endregion
    expect(printSdp(offer)).toContain("m=audio 49170 RTP/AVP 0 96 97\r\n")
    expect(offer.origin.sessionVersion).toBe("1")
    expect(streams.value[0]).toMatchObject({
      _tag: "Accepted",
      remotePort: 49172,
      formats: [{ encoding: "PCMU" }],
    })
    expect(hold.origin).toEqual({ ...offer.origin, sessionVersion: "2" })
    expect(hold.media[0]?.direction).toBe("sendonly")
    expect(isHold(hold, hold.media[0]!)).toBe(true)
  })

  it("shows exactly the code above", () => {
    expect(doc).toContain("```ts")
    for (const block of doc
      .split("```ts\n")
      .slice(1)
      .map((b) => b.split("```")[0]!)) {
      const code = block.replace(/^import [\s\S]*? from "[^"]+"\n/gm, "").trim()
      const indented = code
        .split("\n")
        .map((l) => (l === "" ? "" : `    ${l}`))
        .join("\n")
      expect(source).toContain(indented)
    }
  })
})
