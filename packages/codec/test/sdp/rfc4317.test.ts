// RFC 4317's offer/answer examples (fixtures/rfc4317.sdp.txt): every body round-trips byte for byte, every
// answer is accepted by `applyAnswer` with the media flows the RFC describes, the o= versions follow RFC 3264
// §8, and where the example's answerer is a plain "accept what I support" UA, `negotiate` and `makeOffer`
// reproduce the RFC's SDP exactly.
import { describe, expect, it } from "vitest"
import {
  applyAnswer,
  checkRemoteVersion,
  type LocalSession,
  type MediaCapability,
  makeOffer,
  negotiate,
  parseSdp,
  printSdp,
  type SessionDescription,
} from "../../src/sdp/index.js"
import fixture from "./fixtures/rfc4317.sdp.txt?raw"

type Exchange = Readonly<Record<string, string>>

const sections: ReadonlyMap<string, Exchange> = new Map(
  fixture
    .split(/^## /m)
    .slice(1)
    .map((section) => {
      const [title, ...rest] = section.split("\n")
      const bodies = rest
        .join("\n")
        .split(/^\[([\w-]+)\]\n/m)
        .slice(1)
      const exchange: Record<string, string> = {}
      for (let i = 0; i < bodies.length; i += 2) {
        exchange[bodies[i]!] = `${bodies[i + 1]!.trim().split("\n").join("\r\n")}\r\n`.replace(
          "s=\r\n",
          "s= \r\n",
        )
      }
      return [title!.split(" ")[0]!, exchange] as const
    }),
)

const text = (section: string, label: string): string => {
  const body = sections.get(section)?.[label]
  if (body === undefined) throw new Error(`RFC 4317 §${section} has no [${label}]`)
  return body
}

const sdp = (section: string, label: string): SessionDescription => {
  const parsed = parseSdp(text(section, label))
  if (parsed._tag === "Err") throw new Error(`§${section} [${label}]: ${parsed.error.reason}`)
  return parsed.value
}

const PCMU = { encoding: "PCMU", clockRate: 8000 }
const ILBC = { encoding: "iLBC", clockRate: 8000 }
const DTMF = { encoding: "telephone-event", clockRate: 8000 }
const H261 = { encoding: "H261", clockRate: 90000 }
const MPV = { encoding: "MPV", clockRate: 90000 }
const audio = (port: number, ...codecs: MediaCapability["codecs"]): MediaCapability => ({
  type: "audio",
  port,
  codecs,
})
const video = (port: number, ...codecs: MediaCapability["codecs"]): MediaCapability => ({
  type: "video",
  port,
  codecs,
})

const bob = (...media: ReadonlyArray<MediaCapability>): LocalSession => ({
  username: "bob",
  sessionId: "2808844564",
  sessionVersion: "2808844564",
  address: "host.biloxi.example.com",
  name: "",
  media,
})
const alice = (...media: ReadonlyArray<MediaCapability>): LocalSession => ({
  username: "alice",
  sessionId: "2890844526",
  sessionVersion: "2890844526",
  address: "host.atlanta.example.com",
  name: "",
  media,
})

const answerText = (
  offer: SessionDescription,
  local: LocalSession,
  previous?: SessionDescription,
): string => {
  const answer = negotiate(offer, local, previous)
  if (answer._tag === "Err") throw new Error(answer.error.warning)
  return printSdp(answer.value.description)
}

describe("RFC 4317 fixtures", () => {
  it("holds 16 examples", () => {
    expect([...sections.keys()]).toEqual([
      "2.1",
      "2.2",
      "2.3",
      "2.4",
      "2.5",
      "2.6",
      "2.7",
      "2.8",
      "3.1",
      "3.2",
      "4.1",
      "4.2",
      "4.3",
      "5.1",
      "5.2",
      "5.3",
    ])
  })

  for (const [section, exchange] of sections) {
    it(`§${section}: every body prints back byte for byte; every answer is accepted`, () => {
      for (const label of Object.keys(exchange))
        expect(printSdp(sdp(section, label))).toBe(text(section, label))
      for (const [offer, answer] of [
        ["Offer", "Answer"],
        ["Second-Offer", "Second-Answer"],
      ] as const) {
        if (exchange[offer] === undefined) continue
        const applied = applyAnswer(sdp(section, offer), sdp(section, answer))
        if (applied._tag === "Err") throw new Error(`§${section} ${answer}: ${applied.error.reason}`)
      }
    })
  }

  it("follows the o= version of each side across exchanges (RFC 3264 §8)", () => {
    for (const [section, exchange] of sections) {
      if (exchange["Second-Offer"] === undefined) continue
      const second = sdp(section, "Second-Offer")
      const previous = second.origin.username === "alice" ? sdp(section, "Offer") : sdp(section, "Answer")
      expect(checkRemoteVersion(previous, second)._tag, `§${section}`).toBe("Ok")
    }
    // §2.5: Alice answers Bob's re-offer with the SDP she sent before, so the version stays.
    expect(checkRemoteVersion(sdp("2.5", "Offer"), sdp("2.5", "Second-Answer"))).toEqual({
      _tag: "Ok",
      value: "unchanged",
    })
  })

  it("reports the media flows the RFC describes", () => {
    const flows = (section: string, offer = "Offer", answer = "Answer") => {
      const result = applyAnswer(sdp(section, offer), sdp(section, answer))
      if (result._tag === "Err") throw new Error(result.error.reason)
      return result.value.map((s) =>
        s._tag === "Accepted"
          ? `${s.direction} ${s.formats.map((f) => `${f.payloadType}/${f.encoding}`).join(",")}`
          : "rejected",
      )
    }
    expect(flows("2.1")).toEqual(["sendrecv 0/PCMU", "sendrecv 32/MPV"])
    expect(flows("2.2")).toEqual(["sendrecv 0/PCMU,8/PCMA", "rejected"])
    expect(flows("2.3")).toEqual(["sendrecv 99/iLBC", "sendrecv 31/H261"]) // 97 → 99, same codec
    expect(flows("2.4")).toEqual(["sendrecv 97/iLBC", "sendonly 98/telephone-event"])
    expect(flows("3.1")).toEqual(["recvonly 97/iLBC"]) // Bob holds Alice
    expect(flows("3.2", "Second-Offer", "Second-Answer")).toEqual([
      "sendonly 97/iLBC",
      "recvonly 98/telephone-event",
    ])
    expect(flows("5.2")).toEqual(["sendonly 97/iLBC"]) // Alice's c=0.0.0.0: Bob cannot send to her
    expect(flows("5.3")).toEqual(["recvonly 97/iLBC"]) // Bob's c=0.0.0.0: Alice cannot send to him
  })
})

describe("RFC 4317 answers and offers reproduced", () => {
  it("§2.1: Bob takes PCMU and MPV", () => {
    expect(answerText(sdp("2.1", "Offer"), bob(audio(49174, PCMU), video(49170, MPV)))).toBe(
      text("2.1", "Answer"),
    )
  })

  it("§2.4: two audio streams, the second telephone-event only", () => {
    expect(answerText(sdp("2.4", "Offer"), bob(audio(49172, ILBC), audio(49174, DTMF)))).toBe(
      text("2.4", "Answer"),
    )
  })

  it("§2.6: Bob declines the PCMU stream and takes iLBC with telephone-event", () => {
    expect(answerText(sdp("2.6", "Offer"), bob(audio(49170, ILBC, DTMF)))).toBe(text("2.6", "Answer"))
  })

  it("§2.7: Alice adds a video codec; both versions go up", () => {
    const alice1 = alice(audio(49170, { ...ILBC, payloadType: 99 }), video(51372, H261))
    const offer = makeOffer(alice1)
    expect(printSdp(offer)).toBe(text("2.7", "Offer"))
    const bobs = bob(audio(49172, ILBC), video(51374, H261, MPV))
    const first = negotiate(offer, bobs)
    if (first._tag === "Err") throw new Error(first.error.warning)
    expect(printSdp(first.value.description)).toBe(text("2.7", "Answer"))
    const reoffer = makeOffer(alice(alice1.media[0]!, video(51372, H261, MPV)), offer)
    expect(printSdp(reoffer)).toBe(text("2.7", "Second-Offer"))
    expect(answerText(reoffer, bobs, first.value.description)).toBe(text("2.7", "Second-Answer"))
  })

  it("§2.5: Alice answers Bob's re-offer with her unchanged SDP and version", () => {
    const local = alice(audio(49170, { ...ILBC, payloadType: 97 }), video(51372, H261))
    const offer = makeOffer(local)
    expect(printSdp(offer)).toBe(text("2.5", "Offer"))
    expect(answerText(sdp("2.5", "Second-Offer"), local, offer)).toBe(text("2.5", "Second-Answer"))
  })

  it("§4.2: audio, then video added", () => {
    const offer = makeOffer(alice(audio(49170, PCMU)))
    expect(printSdp(offer)).toBe(text("4.2", "Offer"))
    const bobs = bob(audio(49172, PCMU), video(49168, H261))
    const first = negotiate(offer, bobs)
    if (first._tag === "Err") throw new Error(first.error.warning)
    expect(printSdp(first.value.description)).toBe(text("4.2", "Answer"))
    const reoffer = makeOffer(alice(audio(49170, PCMU), video(49172, H261)), offer)
    expect(printSdp(reoffer)).toBe(text("4.2", "Second-Offer"))
    expect(answerText(reoffer, bobs, first.value.description)).toBe(text("4.2", "Second-Answer"))
  })

  it("§4.3: Bob deletes the video stream; Alice's answer keeps it with port 0", () => {
    const local = alice(audio(49170, { ...ILBC, payloadType: 97 }), video(51372, H261))
    const offer = makeOffer(local)
    expect(printSdp(offer)).toBe(text("4.3", "Offer"))
    expect(answerText(sdp("4.3", "Second-Offer"), local, offer)).toBe(text("4.3", "Second-Answer"))
  })

  it("§5.1: no media, then audio added", () => {
    const bobs = bob(audio(49172, ILBC))
    const first = negotiate(sdp("5.1", "Offer"), bobs)
    if (first._tag === "Err") throw new Error(first.error.warning)
    expect(printSdp(first.value.description)).toBe(text("5.1", "Answer"))
    expect(answerText(sdp("5.1", "Second-Offer"), bobs, first.value.description)).toBe(
      text("5.1", "Second-Answer"),
    )
  })
})
