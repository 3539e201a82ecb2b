/**
 * The offerer of RFC 3264: `makeOffer` (§5, and §8 for re-offers) and `applyAnswer` (§7, with the checks §6
 * imposes on the answerer, verified from the offerer's side).
 */
import { err, ok, type Result } from "../Result.js"
import { formatOf, isRtpProtocol, type PayloadFormat, sameCodec, staticPayloadType } from "./codecs.js"
import { directionOf, mirrorDirection, receives, sends, streamDirection } from "./direction.js"
import {
  type AcceptedStream,
  addressType,
  type LocalSession,
  localOrigin,
  type MediaCapability,
  type NegotiatedStream,
  stampOrigin,
} from "./LocalSession.js"
import {
  emptyMedia,
  type MediaDescription,
  makeSdpError,
  type SdpError,
  type SessionDescription,
} from "./SessionDescription.js"

const FIRST_DYNAMIC = 96
const LAST_DYNAMIC = 127

/** Payload types for our codecs: the static number when RFC 3551 has one, else the pinned or next free dynamic. */
const assignPayloadTypes = (capability: MediaCapability): ReadonlyArray<number> => {
  const taken = new Set<number>()
  const wanted = capability.codecs.map((c) => staticPayloadType(c) ?? c.payloadType)
  for (const pt of wanted) if (pt !== undefined) taken.add(pt)
  let next = FIRST_DYNAMIC
  return wanted.map((pt) => {
    if (pt !== undefined) return pt
    while (taken.has(next) && next < LAST_DYNAMIC) next += 1
    taken.add(next)
    return next
  })
}

const offerMedia = (capability: MediaCapability): MediaDescription => {
  const protocol = capability.protocols?.[0] ?? "RTP/AVP"
  const base = { ...emptyMedia(capability.type, capability.port, protocol), direction: capability.direction }
  if (!isRtpProtocol(protocol)) return { ...base, formats: capability.codecs.map((c) => c.encoding) }
  const payloadTypes = assignPayloadTypes(capability)
  const codecs = capability.codecs.map((codec, i) => ({ codec, payloadType: payloadTypes[i]! }))
  return {
    ...base,
    formats: payloadTypes.map(String),
    rtpmaps: codecs.map(({ codec, payloadType }) => ({
      payloadType,
      encoding: codec.encoding,
      clockRate: codec.clockRate,
      channels: codec.channels === undefined || codec.channels === 1 ? undefined : codec.channels,
    })),
    fmtps: codecs.flatMap(({ codec, payloadType }) =>
      codec.fmtp === undefined ? [] : [{ payloadType, parameters: codec.fmtp }],
    ),
    ptime: capability.ptime,
  }
}

/**
 * The offer for the local session. With `previous` (the last SDP this side sent in this session) it is a
 * re-offer: same o= line with the version incremented when anything changed (§8), and m-lines of the previous
 * SDP that the local session no longer has are kept with port 0 — §8.2: "the number of m-lines MUST NOT
 * decrease".
 */
export const makeOffer = (local: LocalSession, previous?: SessionDescription): SessionDescription => {
  const media = local.media.map(offerMedia)
  const removed = (previous?.media ?? []).slice(media.length).map((m) => ({
    ...emptyMedia(m.type, 0, m.protocol),
    formats: m.formats,
  }))
  const draft: SessionDescription = {
    version: 0,
    origin: localOrigin(local),
    name: local.name ?? "-",
    info: undefined,
    uri: undefined,
    emails: [],
    phones: [],
    connection: { netType: "IN", addrType: addressType(local.address), address: local.address },
    bandwidths: [],
    timing: [{ start: 0, stop: 0, repeats: [] }],
    timezones: undefined,
    key: undefined,
    direction: undefined,
    attributes: [],
    media: [...media, ...removed],
  }
  return stampOrigin(draft, local, previous)
}

const refuse = (reason: string): Result<never, SdpError> => err(makeSdpError(reason, 0, 488))

/** §6.1 from the offerer's side: the answer's direction must be one the offer allows. */
const directionAllowed = (
  offer: SessionDescription,
  offered: MediaDescription,
  answer: SessionDescription,
  answered: MediaDescription,
) => {
  const mirror = mirrorDirection(streamDirection(offer, offered))
  const got = streamDirection(answer, answered)
  return (!sends(got) || sends(mirror)) && (!receives(got) || receives(mirror))
}

/** The answer's formats, each checked against the offer (same payload type, same codec). */
const answeredFormats = (
  offered: MediaDescription,
  answered: MediaDescription,
): Result<ReadonlyArray<PayloadFormat>, SdpError> => {
  const formats: Array<PayloadFormat> = []
  for (const format of answered.formats) {
    if (!offered.formats.includes(format)) return refuse(`answer format ${format} was not offered`)
    const ours = formatOf(offered, format)
    const theirs = formatOf(answered, format)
    if (ours !== undefined && theirs !== undefined && !sameCodec(ours, theirs)) {
      return refuse(`answer maps payload type ${format} to ${theirs.encoding}, the offer to ${ours.encoding}`)
    }
    if (ours !== undefined) formats.push({ ...ours, fmtp: theirs?.fmtp ?? ours.fmtp })
  }
  return ok(formats)
}

const applyOne = (
  offer: SessionDescription,
  answer: SessionDescription,
  index: number,
): Result<NegotiatedStream, SdpError> => {
  const offered = offer.media[index]!
  const answered = answer.media[index]!
  if (answered.type !== offered.type)
    return refuse(`m-line ${index + 1}: answer has ${answered.type}, offer ${offered.type}`)
  if (answered.port === 0) return ok({ _tag: "Rejected", index, type: offered.type })
  if (offered.port === 0)
    return refuse(`m-line ${index + 1}: the offer disabled this stream, the answer did not`)
  if (answered.protocol.toLowerCase() !== offered.protocol.toLowerCase()) {
    return refuse(`m-line ${index + 1}: answer protocol ${answered.protocol}, offer ${offered.protocol}`)
  }
  if (answered.formats.length === 0) return refuse(`m-line ${index + 1}: accepted stream without formats`)
  const formats = isRtpProtocol(offered.protocol) ? answeredFormats(offered, answered) : ok([])
  if (formats._tag === "Err") return formats
  if (!isRtpProtocol(offered.protocol) && answered.formats.some((f) => !offered.formats.includes(f))) {
    return refuse(`m-line ${index + 1}: answer formats are not a subset of the offer's`)
  }
  if (!directionAllowed(offer, offered, answer, answered)) {
    return refuse(`m-line ${index + 1}: answer direction does not mirror the offer's`)
  }
  const connection = answered.connection ?? answer.connection
  if (connection === undefined) return refuse(`m-line ${index + 1}: no connection address`)
  const theirs = streamDirection(answer, answered)
  const ours = directionOf(receives(theirs), sends(theirs))
  const stream: AcceptedStream = {
    _tag: "Accepted",
    index,
    type: offered.type,
    protocol: offered.protocol,
    localPort: offered.port,
    remoteAddress: connection.address.split("/")[0]!,
    remotePort: answered.port,
    direction: ours,
    formats: formats.value,
  }
  return ok(stream)
}

/**
 * Checks an answer against the offer it answers (RFC 3264 §6: as many m-lines, same media types and
 * protocols, formats a subset of the offered ones with the same meaning, directions that mirror the offer's)
 * and gives the negotiated streams from the offerer's side. A failed check is an `SdpError` with status 488.
 */
export const applyAnswer = (
  offer: SessionDescription,
  answer: SessionDescription,
): Result<ReadonlyArray<NegotiatedStream>, SdpError> => {
  if (answer.media.length !== offer.media.length) {
    return refuse(`answer has ${answer.media.length} m-lines, the offer ${offer.media.length}`)
  }
  const streams: Array<NegotiatedStream> = []
  for (const index of offer.media.keys()) {
    const stream = applyOne(offer, answer, index)
    if (stream._tag === "Err") return stream
    streams.push(stream.value)
  }
  return ok(streams)
}
