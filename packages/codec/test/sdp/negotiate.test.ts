import { describe, expect, it } from "vitest"
import {
  type Answer,
  applyAnswer,
  checkRemoteVersion,
  isHold,
  type LocalSession,
  makeOffer,
  negotiate,
  parseSdp,
  printSdp,
  type Rejection,
  type SessionDescription,
} from "../../src/sdp/index.js"

const crlf = (lines: ReadonlyArray<string>) => lines.map((l) => `${l}\r\n`).join("")

const sdp = (...body: ReadonlyArray<string>): SessionDescription => {
  const text = crlf(["v=0", "o=alice 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0", ...body])
  const result = parseSdp(text)
  if (result._tag === "Err") throw new Error(result.error.reason)
  return result.value
}

const bob = (media: LocalSession["media"]): LocalSession => ({
  username: "bob",
  sessionId: "7",
  sessionVersion: "7",
  address: "198.51.100.7",
  media,
})

const PCMU = { encoding: "PCMU", clockRate: 8000 }
const PCMA = { encoding: "PCMA", clockRate: 8000 }
const G722 = { encoding: "G722", clockRate: 8000 }
const OPUS = { encoding: "opus", clockRate: 48000, channels: 2 }
const DTMF = { encoding: "telephone-event", clockRate: 8000 }
const audio = (
  codecs: LocalSession["media"][number]["codecs"],
  extra: Partial<LocalSession["media"][number]> = {},
) => ({
  type: "audio",
  port: 40000,
  codecs,
  ...extra,
})

const answerOf = (offer: SessionDescription, local: LocalSession, previous?: SessionDescription): Answer => {
  const result = negotiate(offer, local, previous)
  if (result._tag === "Err") throw new Error(result.error.warning)
  return result.value
}

const rejectionOf = (offer: SessionDescription, local: LocalSession): Rejection => {
  const result = negotiate(offer, local)
  if (result._tag === "Ok") throw new Error("expected a rejection")
  return result.error
}

/** The media lines (m= and a=) of the answer's first section, as text. */
const mediaText = (answer: Answer, index = 0): string => {
  const text = printSdp({ ...answer.description, media: [answer.description.media[index]!] })
  return text.slice(text.indexOf("m="))
}

describe("negotiate: formats (RFC 3264 §6.1)", () => {
  it("lists the common formats in the answerer's order of preference", () => {
    const offer = sdp("m=audio 5000 RTP/AVP 0 8 9")
    expect(answerOf(offer, bob([audio([G722, PCMA, PCMU])])).description.media[0]?.formats).toEqual([
      "9",
      "8",
      "0",
    ])
  })

  it("uses the offer's payload type number for a dynamic codec", () => {
    const offer = sdp("m=audio 5000 RTP/AVP 111 0", "a=rtpmap:111 opus/48000/2", "a=rtpmap:0 PCMU/8000")
    const answer = answerOf(offer, bob([audio([{ ...OPUS, payloadType: 96 }])]))
    expect(mediaText(answer)).toBe(crlf(["m=audio 40000 RTP/AVP 111", "a=rtpmap:111 opus/48000/2"]))
  })

  it("matches encoding names case-insensitively and the channel count exactly", () => {
    const offer = sdp("m=audio 5000 RTP/AVP 96 97", "a=rtpmap:96 OPUS/48000", "a=rtpmap:97 OPUS/48000/2")
    expect(answerOf(offer, bob([audio([OPUS])])).description.media[0]?.formats).toEqual(["97"])
  })

  it("keeps telephone-event when both sides support it, with our fmtp or else the offer's", () => {
    const offer = sdp("m=audio 5000 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-15")
    expect(mediaText(answerOf(offer, bob([audio([PCMU, DTMF])])))).toBe(
      crlf([
        "m=audio 40000 RTP/AVP 0 101",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-15",
      ]),
    )
    const ours = answerOf(offer, bob([audio([PCMU, { ...DTMF, fmtp: "0-11" }])]))
    expect(ours.description.media[0]?.fmtps).toEqual([{ payloadType: 101, parameters: "0-11" }])
  })

  it("drops telephone-event when we do not support it", () => {
    const offer = sdp("m=audio 5000 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000")
    expect(answerOf(offer, bob([audio([PCMU])])).description.media[0]?.formats).toEqual(["0"])
  })

  it("does not accept a stream whose only common format is telephone-event", () => {
    const offer = sdp("m=audio 5000 RTP/AVP 8 101", "a=rtpmap:101 telephone-event/8000")
    expect(rejectionOf(offer, bob([audio([PCMU, DTMF])])).warningCode).toBe(305)
  })

  it("compares tokens for protocols other than RTP (T.38 over udptl)", () => {
    const offer = sdp("m=image 6000 udptl t38")
    const answer = answerOf(
      offer,
      bob([{ type: "image", port: 6002, protocols: ["udptl"], codecs: [{ encoding: "t38", clockRate: 0 }] }]),
    )
    expect(mediaText(answer)).toBe(crlf(["m=image 6002 udptl t38"]))
  })
})

describe("negotiate: m-lines (RFC 3264 §6)", () => {
  const offer = sdp(
    "m=audio 5000 RTP/AVP 0",
    "m=video 5002 RTP/AVP 31",
    "m=audio 0 RTP/AVP 8",
    "m=audio 5006 RTP/SAVP 0",
  )

  it("answers every offered m-line in order; refused streams get port 0 and keep the offer's formats", () => {
    const answer = answerOf(offer, bob([audio([PCMU]), audio([PCMA], { port: 40002 })]))
    expect(
      answer.description.media.map((m) => `${m.type} ${m.port} ${m.protocol} ${m.formats.join(" ")}`),
    ).toEqual(["audio 40000 RTP/AVP 0", "video 0 RTP/AVP 31", "audio 0 RTP/AVP 8", "audio 0 RTP/SAVP 0"])
    expect(answer.streams.map((s) => s._tag)).toEqual(["Accepted", "Rejected", "Rejected", "Rejected"])
  })

  it("serves as many offered m-lines as it can, moving a local stream if another can take its place", () => {
    const offer = sdp("m=audio 5000 RTP/AVP 0", "m=audio 5002 RTP/AVP 9")
    const answer = answerOf(
      offer,
      bob([audio([PCMU, G722], { port: 40000 }), audio([PCMU], { port: 40002 })]),
    )
    expect(answer.description.media.map((m) => `${m.port} ${m.formats.join(" ")}`)).toEqual([
      "40002 0",
      "40000 9",
    ])
  })

  it("uses each local stream once", () => {
    const two = sdp("m=audio 5000 RTP/AVP 0", "m=audio 5002 RTP/AVP 0")
    const answer = answerOf(two, bob([audio([PCMU])]))
    expect(answer.description.media.map((m) => m.port)).toEqual([40000, 0])
  })

  it("copies the offer's t= line and writes our o= and c=", () => {
    const timed = parseSdp(
      printSdp({ ...offer, timing: [{ start: 3034423619, stop: 3042462419, repeats: [] }] }),
    )
    if (timed._tag === "Err") throw new Error(timed.error.reason)
    const answer = answerOf(timed.value, bob([audio([PCMU])]))
    expect(answer.description.timing).toEqual([{ start: 3034423619, stop: 3042462419, repeats: [] }])
    expect(printSdp(answer.description)).toContain(
      "o=bob 7 7 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\n",
    )
  })

  it("rejects with 488 and a Warning when no stream can be accepted", () => {
    expect(rejectionOf(sdp("m=video 5002 RTP/AVP 31"), bob([audio([PCMU])]))).toEqual({
      _tag: "Rejection",
      status: 488,
      reason: "Not Acceptable Here",
      warningCode: 304,
      warningText: "Media type not available",
      warning: '304 198.51.100.7 "Media type not available"',
    })
    expect(rejectionOf(sdp("m=audio 5000 RTP/SAVP 0"), bob([audio([PCMU])])).warningCode).toBe(302)
    expect(rejectionOf(sdp("m=audio 5000 RTP/AVP 8"), bob([audio([PCMU])])).warning).toBe(
      '305 198.51.100.7 "Incompatible media format"',
    )
  })

  it("answers an offer without m-lines with none", () => {
    expect(answerOf(sdp(), bob([audio([PCMU])])).description.media).toEqual([])
  })
})

describe("negotiate: direction and hold (RFC 3264 §6.1, §8.4)", () => {
  const cases: ReadonlyArray<readonly [string, ReadonlyArray<string>, string | undefined, string]> = [
    ["no attribute", [], undefined, "sendrecv"],
    ["sendrecv", ["a=sendrecv"], "sendrecv", "sendrecv"],
    ["sendonly", ["a=sendonly"], "recvonly", "recvonly"],
    ["recvonly", ["a=recvonly"], "sendonly", "sendonly"],
    ["inactive", ["a=inactive"], "inactive", "inactive"],
    ["c=0.0.0.0 (RFC 2543 hold)", ["c=IN IP4 0.0.0.0"], "recvonly", "recvonly"],
    ["c=0.0.0.0 with recvonly", ["c=IN IP4 0.0.0.0", "a=recvonly"], "inactive", "inactive"],
  ]
  it.each(cases)("offer %s → answer flag %s", (_, lines, written, direction) => {
    const answer = answerOf(sdp("m=audio 5000 RTP/AVP 0", ...lines), bob([audio([PCMU])]))
    expect(answer.description.media[0]?.direction).toBe(written)
    expect(answer.streams[0]).toMatchObject({ _tag: "Accepted", direction })
  })

  it("mirrors a session-level direction", () => {
    const offer = parseSdp(printSdp({ ...sdp("m=audio 5000 RTP/AVP 0"), direction: "sendonly" }))
    if (offer._tag === "Err") throw new Error(offer.error.reason)
    expect(answerOf(offer.value, bob([audio([PCMU])])).description.media[0]?.direction).toBe("recvonly")
  })

  it("narrows the mirror by what we allow (we hold the caller)", () => {
    const answer = answerOf(sdp("m=audio 5000 RTP/AVP 0"), bob([audio([PCMU], { direction: "sendonly" })]))
    expect(answer.description.media[0]?.direction).toBe("sendonly")
  })

  it("recognises hold: sendonly, inactive and c=0.0.0.0; not sendrecv or recvonly", () => {
    const held = (...lines: ReadonlyArray<string>) => {
      const d = sdp("m=audio 5000 RTP/AVP 0", ...lines)
      return isHold(d, d.media[0]!)
    }
    expect([held("a=sendonly"), held("a=inactive"), held("c=IN IP4 0.0.0.0")]).toEqual([true, true, true])
    expect([held(), held("a=sendrecv"), held("a=recvonly")]).toEqual([false, false, false])
  })
})

describe("o= versions (RFC 3264 §8)", () => {
  const alice: LocalSession = {
    username: "alice",
    sessionId: "42",
    sessionVersion: "9007199254740993",
    address: "2001:db8::1",
    media: [
      audio([PCMU, OPUS, DTMF]),
      { type: "video", port: 40002, codecs: [{ encoding: "H264", clockRate: 90000 }] },
    ],
  }

  it("makes an offer with static and dynamic payload types and an IPv6 origin", () => {
    expect(printSdp(makeOffer(alice))).toBe(
      crlf([
        "v=0",
        "o=alice 42 9007199254740993 IN IP6 2001:db8::1",
        "s=-",
        "c=IN IP6 2001:db8::1",
        "t=0 0",
        "m=audio 40000 RTP/AVP 0 96 97",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:96 opus/48000/2",
        "a=rtpmap:97 telephone-event/8000",
        "m=video 40002 RTP/AVP 96",
        "a=rtpmap:96 H264/90000",
      ]),
    )
  })

  it("increments the version of a re-offer that changes, keeps it for one that does not", () => {
    const first = makeOffer(alice)
    expect(makeOffer(alice, first).origin.sessionVersion).toBe("9007199254740993")
    const hold = { ...alice, media: [audio([PCMU, OPUS, DTMF], { direction: "sendonly" as const })] }
    const reoffer = makeOffer(hold, first)
    expect(reoffer.origin).toEqual({ ...first.origin, sessionVersion: "9007199254740994" })
    expect(reoffer.media[0]?.direction).toBe("sendonly")
    // §8.2: a stream that is gone stays as an m-line with port 0.
    expect(reoffer.media.map((m) => [m.type, m.port])).toEqual([
      ["audio", 40000],
      ["video", 0],
    ])
  })

  it("increments the answerer's version only when its answer changes", () => {
    const local = bob([audio([PCMU])])
    const first = answerOf(sdp("m=audio 5000 RTP/AVP 0"), local).description
    expect(answerOf(sdp("m=audio 5000 RTP/AVP 0"), local, first).description.origin.sessionVersion).toBe("7")
    const held = answerOf(sdp("m=audio 5000 RTP/AVP 0", "a=sendonly"), local, first).description
    expect(held.origin.sessionVersion).toBe("8")
  })

  it("checks the peer's versions", () => {
    const v1 = sdp("m=audio 5000 RTP/AVP 0")
    const v2 = { ...v1, origin: { ...v1.origin, sessionVersion: "2" }, media: [] }
    expect(checkRemoteVersion(v1, v1)).toEqual({ _tag: "Ok", value: "unchanged" })
    expect(checkRemoteVersion(v1, v2)).toEqual({ _tag: "Ok", value: "changed" })
    expect(checkRemoteVersion(v2, v1)._tag).toBe("Err")
    expect(checkRemoteVersion(v1, { ...v2, origin: v1.origin })._tag).toBe("Err")
    expect(checkRemoteVersion(v1, { ...v2, origin: { ...v2.origin, sessionId: "99" } })._tag).toBe("Err")
  })
})

describe("applyAnswer: the offerer's checks", () => {
  const offer = sdp("m=audio 5000 RTP/AVP 0 96", "a=rtpmap:96 opus/48000/2", "a=sendonly")
  const answer = (...body: ReadonlyArray<string>) => {
    const text = crlf([
      "v=0",
      "o=bob 7 7 IN IP4 198.51.100.7",
      "s=-",
      "c=IN IP4 198.51.100.7",
      "t=0 0",
      ...body,
    ])
    const result = parseSdp(text)
    if (result._tag === "Err") throw new Error(result.error.reason)
    return result.value
  }

  it("accepts a good answer and reports what this side does", () => {
    const result = applyAnswer(
      offer,
      answer("m=audio 6000 RTP/AVP 96", "a=rtpmap:96 opus/48000/2", "a=recvonly"),
    )
    expect(result).toMatchObject({
      _tag: "Ok",
      value: [
        {
          _tag: "Accepted",
          direction: "sendonly",
          remotePort: 6000,
          formats: [{ payloadType: 96, encoding: "opus" }],
        },
      ],
    })
  })

  it("keeps this side within its own offer when an answer does not mirror it", () => {
    const result = applyAnswer(offer, answer("m=audio 6000 RTP/AVP 0", "a=sendonly"))
    expect(result).toMatchObject({ _tag: "Ok", value: [{ _tag: "Accepted", direction: "inactive" }] })
  })

  it("accepts another payload type number for an offered codec and sends with it (RFC 4317 §2.3)", () => {
    const result = applyAnswer(
      offer,
      answer("m=audio 6000 RTP/AVP 99", "a=rtpmap:99 opus/48000/2", "a=recvonly"),
    )
    expect(result).toMatchObject({
      _tag: "Ok",
      value: [{ formats: [{ payloadType: 99, encoding: "opus" }] }],
    })
  })

  it("tolerates formats the offer did not list and leaves them out (RFC 3264 §6.1)", () => {
    const result = applyAnswer(offer, answer("m=audio 6000 RTP/AVP 0 8", "a=recvonly"))
    expect(result).toMatchObject({ _tag: "Ok", value: [{ formats: [{ payloadType: 0, encoding: "PCMU" }] }] })
    expect(
      result._tag === "Ok" && result.value[0]?._tag === "Accepted" && result.value[0].formats,
    ).toHaveLength(1)
  })

  it("reads port 0 as a rejected stream", () => {
    expect(applyAnswer(offer, answer("m=audio 0 RTP/AVP 0"))).toEqual({
      _tag: "Ok",
      value: [{ _tag: "Rejected", index: 0, type: "audio" }],
    })
  })

  const bad: ReadonlyArray<readonly [string, SessionDescription]> = [
    ["a different number of m-lines", answer("m=audio 6000 RTP/AVP 0", "a=recvonly", "m=video 0 RTP/AVP 31")],
    ["a format that was not offered", answer("m=audio 6000 RTP/AVP 8", "a=recvonly")],
    [
      "a codec that was not offered",
      answer("m=audio 6000 RTP/AVP 99", "a=rtpmap:99 G722/8000", "a=recvonly"),
    ],
    ["a payload type that means nothing", answer("m=audio 6000 RTP/AVP 99", "a=recvonly")],
    [
      "an offered payload type mapped to another codec",
      answer("m=audio 6000 RTP/AVP 96", "a=rtpmap:96 PCMA/8000", "a=recvonly"),
    ],
    ["another media type", answer("m=video 6000 RTP/AVP 0", "a=recvonly")],
    ["another protocol", answer("m=audio 6000 RTP/SAVP 0", "a=recvonly")],
  ]
  it.each(bad)("refuses an answer with %s (488)", (_, bad) => {
    const result = applyAnswer(offer, bad)
    expect(result._tag === "Err" && result.error).toMatchObject({ _tag: "SdpError", status: 488 })
  })
})
