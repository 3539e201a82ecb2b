// fast-check arbitraries for SDP offers and local capabilities.
import fc from "fast-check"
import type { Codec, LocalSession, MediaCapability, SessionDescription } from "../../src/sdp/index.js"
import { emptyMedia } from "../../src/sdp/index.js"

const AUDIO: ReadonlyArray<Codec> = [
  { encoding: "PCMU", clockRate: 8000 },
  { encoding: "PCMA", clockRate: 8000 },
  { encoding: "G722", clockRate: 8000 },
  { encoding: "G729", clockRate: 8000 },
  { encoding: "opus", clockRate: 48000, channels: 2 },
  { encoding: "iLBC", clockRate: 8000 },
  { encoding: "speex", clockRate: 16000 },
  { encoding: "telephone-event", clockRate: 8000, fmtp: "0-16" },
  { encoding: "CN", clockRate: 8000 },
]
const VIDEO: ReadonlyArray<Codec> = [
  { encoding: "H263", clockRate: 90000 },
  { encoding: "H264", clockRate: 90000, fmtp: "profile-level-id=42e01f" },
  { encoding: "VP8", clockRate: 90000 },
]
const STATIC: Readonly<Record<string, number>> = { PCMU: 0, PCMA: 8, G722: 9, G729: 18, CN: 13, H263: 34 }

export const poolOf = (type: string): ReadonlyArray<Codec> => (type === "audio" ? AUDIO : VIDEO)

const codecsOf = (type: string) => fc.shuffledSubarray([...poolOf(type)], { minLength: 1 })
const direction = fc.constantFrom(undefined, "sendrecv", "sendonly", "recvonly", "inactive" as const)
const protocol = fc.constantFrom("RTP/AVP", "RTP/AVP", "RTP/SAVP")
const port = fc.oneof(fc.constant(0), fc.integer({ min: 1024, max: 65534 }))
const digits = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String)
const ipv4 = fc.ipV4()

const offeredMedia = fc
  .record({
    type: fc.constantFrom("audio", "video"),
    port,
    protocol,
    direction,
    dynamic: fc.uniqueArray(fc.integer({ min: 96, max: 127 }), { minLength: 9, maxLength: 9 }),
    staticRtpmap: fc.boolean(),
    ptime: fc.option(fc.constantFrom(10, 20, 30), { nil: undefined }),
  })
  .chain((m) => codecsOf(m.type).map((codecs) => ({ ...m, codecs })))
  .map((m) => {
    const pts = m.codecs.map((c, i) => STATIC[c.encoding] ?? m.dynamic[i]!)
    const withMap = m.codecs.flatMap((c, i) =>
      STATIC[c.encoding] !== undefined && !m.staticRtpmap ? [] : [{ c, pt: pts[i]! }],
    )
    return {
      ...emptyMedia(m.type, m.port, m.protocol),
      formats: pts.map(String),
      rtpmaps: withMap.map(({ c, pt }) => ({
        payloadType: pt,
        encoding: c.encoding,
        clockRate: c.clockRate,
        channels: c.channels,
      })),
      fmtps: withMap.flatMap(({ c, pt }) =>
        c.fmtp === undefined ? [] : [{ payloadType: pt, parameters: c.fmtp }],
      ),
      ptime: m.ptime,
      direction: m.direction,
    }
  })

/** Offers as a peer might send them: random payload type numbers, static ones with or without rtpmap. */
export const offerArbitrary: fc.Arbitrary<SessionDescription> = fc
  .record({
    sessionId: digits,
    sessionVersion: digits,
    address: fc.oneof(ipv4, fc.constant("0.0.0.0")),
    media: fc.array(offeredMedia, { minLength: 0, maxLength: 4 }),
    attributes: fc.array(
      fc.record({
        name: fc.constantFrom("tool", "x-foo", "group"),
        value: fc.option(fc.constantFrom("a b", "1:2"), { nil: undefined }),
      }),
      { maxLength: 2 },
    ),
  })
  .map((o) => ({
    version: 0,
    origin: {
      username: "-",
      sessionId: o.sessionId,
      sessionVersion: o.sessionVersion,
      netType: "IN",
      addrType: "IP4",
      address: "192.0.2.1",
    },
    name: "-",
    info: undefined,
    uri: undefined,
    emails: [],
    phones: [],
    connection: { netType: "IN", addrType: "IP4", address: o.address },
    bandwidths: [],
    timing: [{ start: 0, stop: 0, repeats: [] }],
    timezones: undefined,
    key: undefined,
    direction: undefined,
    attributes: o.attributes,
    media: o.media,
  }))

const capability: fc.Arbitrary<MediaCapability> = fc
  .record({
    type: fc.constantFrom("audio", "video"),
    port: fc.integer({ min: 1024, max: 65534 }),
    protocols: fc.constantFrom(["RTP/AVP"], ["RTP/SAVP"], ["RTP/SAVP", "RTP/AVP"]),
    direction,
  })
  .chain((c) =>
    codecsOf(c.type).map((codecs) => ({
      type: c.type,
      port: c.port,
      protocols: c.protocols,
      codecs,
      ...(c.direction === undefined ? {} : { direction: c.direction }),
    })),
  )

export const localArbitrary: fc.Arbitrary<LocalSession> = fc.record({
  username: fc.constant("bob"),
  sessionId: digits,
  sessionVersion: digits,
  address: fc.oneof(ipv4, fc.constant("2001:db8::7")),
  media: fc.array(capability, { minLength: 1, maxLength: 3 }),
})
