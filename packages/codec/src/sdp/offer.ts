/**
 * The offerer of RFC 3264: `makeOffer` (§5, and §8 for re-offers) and `applyAnswer` (§7, with the checks §6
 * imposes on the answerer, verified from the offerer's side).
 */
import { err, ok, type Result } from "../Result.js"
import { formatOf, isRtpProtocol, type PayloadFormat, sameCodec, staticPayloadType } from "./codecs.js"
import { intersectDirection, mirrorDirection, streamDirection } from "./direction.js"
import {
  type AcceptedStream,
  type LocalSession,
  localDescription,
  type MediaCapability,
  type NegotiatedStream,
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
 * SDP that the local session no longer has are kept with port 0 — §8.2: "Existing media streams are removed
 * by creating a new SDP with the port number for that stream set to zero" (m-lines are matched by position,
 * so none may disappear).
 */
export const makeOffer = (local: LocalSession, previous?: SessionDescription): SessionDescription => {
  const media = local.media.map(offerMedia)
  const removed = (previous?.media ?? []).slice(media.length).map((m) => ({
    ...emptyMedia(m.type, 0, m.protocol),
    formats: m.formats,
  }))
  return localDescription(local, [{ start: 0, stop: 0, repeats: [] }], [...media, ...removed], previous)
}

const refuse = (reason: string): Result<never, SdpError> => err(makeSdpError(reason, 0, 488))

/**
 * The answer's formats, checked against the offer (RFC 3264 §6.1). The answer "MUST contain at least one media
 * format ... from amongst those listed in the offer" and "MAY indicate additional media formats, not listed in
 * the corresponding stream in the offer" — those extras are tolerated and left out: this side never sends a
 * codec it did not offer. The answerer "SHOULD" reuse the offer's payload type numbers; another number for an
 * offered codec is allowed (RFC 4317 §2.3), an offered number mapped to another codec is not. The formats carry
 * the answer's numbers: they are what the answerer expects to receive, so what this side sends with.
 */
const answeredFormats = (
  offered: MediaDescription,
  answered: MediaDescription,
): Result<ReadonlyArray<PayloadFormat>, SdpError> => {
  const formats: Array<PayloadFormat> = []
  let common = 0
  for (const format of answered.formats) {
    const offeredHere = offered.formats.includes(format)
    const ours = offeredHere ? formatOf(offered, format) : undefined
    const theirs = formatOf(answered, format) ?? ours
    if (ours !== undefined && theirs !== undefined && !sameCodec(ours, theirs)) {
      return refuse(`answer maps payload type ${format} to ${theirs.encoding}, the offer to ${ours.encoding}`)
    }
    if (theirs === undefined) {
      if (offeredHere) common += 1 // an offered format neither side names: common, nothing to report
      continue
    }
    if (
      !offered.formats.some((f) => sameCodec(formatOf(offered, f) ?? { encoding: "", clockRate: 0 }, theirs))
    )
      continue
    common += 1
    formats.push({ ...theirs, fmtp: theirs.fmtp ?? ours?.fmtp })
  }
  return common === 0 ? refuse("answer lists no format from the offer") : ok(formats)
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
  const connection = answered.connection ?? answer.connection
  if (connection === undefined) return refuse(`m-line ${index + 1}: no connection address`)
  // What we do: the mirror of what the answer allows, within what our own offer allows (c=0.0.0.0 applied).
  // §6.1 binds the answerer to mirror the offer; an answer that does not (RFC 4317 §3.2's second answer is
  // sendrecv to a sendonly offer) is not refused: the intersection keeps this side within its own offer.
  const ours = intersectDirection(
    mirrorDirection(streamDirection(answer, answered)),
    streamDirection(offer, offered),
  )
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
 * protocols, at least one offered format in each accepted stream, no offered payload type remapped) and gives
 * the negotiated streams from the offerer's side: formats a subset of the offered codecs, each direction within
 * what both SDPs allow. A failed check is an `SdpError` with status 488.
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
