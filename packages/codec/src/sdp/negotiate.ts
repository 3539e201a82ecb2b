/**
 * negotiate — the answerer of RFC 3264 §6: an offer and what we can do → an answer, or a 488 rejection.
 *
 * - §6: "the answer MUST contain exactly the same number of "m=" lines as the offer", in the same order; each
 *   local stream serves at most one of them, and as many as possible are served;
 * - §6: "To reject an offered stream, the port number in the corresponding stream in the answer MUST be set to
 *   zero"; an offered port 0 stays 0;
 * - §6.1: the formats are those we support, our preference first; "if a particular codec was referenced with a
 *   specific payload type number in the offer, that same payload type number SHOULD be used for that codec in
 *   the answer" — we always do, static ones included; telephone-event (RFC 4733) and other auxiliary formats
 *   stay only when both sides list them, and do not make a stream usable by themselves unless the offered
 *   stream holds nothing else (RFC 4317 §2.4);
 * - §6.1: the direction is the mirror of the offer's, narrowed by what we allow (see `direction.ts`);
 * - §6: "The "t=" line in the answer MUST equal that of the offer";
 * - §8: the o= version of our SDP increments only when it changes (see `LocalSession.ts`).
 * When no stream can be accepted the result is a rejection: 488 Not Acceptable Here with a Warning (RFC 3261
 * §20.43: 302 incompatible transport, 304 media type not available, 305 incompatible media format).
 */
import { err, ok, type Result } from "../Result.js"
import { type Codec, formatOf, isAuxiliary, isRtpProtocol, type PayloadFormat, sameCodec } from "./codecs.js"
import { intersectDirection, mirrorDirection, streamDirection } from "./direction.js"
import {
  type AcceptedStream,
  addressType,
  type LocalSession,
  localDescription,
  type MediaCapability,
  type NegotiatedStream,
} from "./LocalSession.js"
import {
  type Direction,
  emptyMedia,
  type MediaDescription,
  type SessionDescription,
} from "./SessionDescription.js"

export interface Answer {
  readonly description: SessionDescription
  /** One entry per m-line, in order. */
  readonly streams: ReadonlyArray<NegotiatedStream>
}

/** Why the whole offer was refused; answer the INVITE with `status` and a Warning header of `warning`. */
export interface Rejection {
  readonly _tag: "Rejection"
  readonly status: 488
  readonly reason: "Not Acceptable Here"
  readonly warningCode: 301 | 302 | 304 | 305
  readonly warningText: string
  /** The Warning header value: `<code> <agent> "<text>"` (RFC 3261 §20.43), the agent being our address. */
  readonly warning: string
}

const WARNINGS = {
  301: "Incompatible network address formats",
  302: "Incompatible transport protocol",
  304: "Media type not available",
  305: "Incompatible media format",
} as const

type WarningCode = keyof typeof WARNINGS

/** One answered m-line: the answer section, and either the stream or the reason it was refused. */
type Answered =
  | { readonly media: MediaDescription; readonly stream: AcceptedStream; readonly capability: number }
  | { readonly media: MediaDescription; readonly refused: WarningCode | undefined }

/** A refused stream: port 0, the offer's media type, protocol, formats and their rtpmaps (as RFC 4317 shows). */
const refuse = (offered: MediaDescription, code: WarningCode | undefined): Answered => ({
  media: {
    ...emptyMedia(offered.type, 0, offered.protocol),
    formats: offered.formats,
    rtpmaps: offered.rtpmaps.filter((r) => offered.formats.includes(String(r.payloadType))),
  },
  refused: code,
})

const protocolsOf = (capability: MediaCapability) => capability.protocols ?? ["RTP/AVP"]

const acceptsProtocol = (capability: MediaCapability, protocol: string): boolean =>
  protocolsOf(capability).some((p) => p.toLowerCase() === protocol.toLowerCase())

/** Our codecs in our order, each paired with the offer's payload format for it (§6.1). */
const commonFormats = (
  offered: MediaDescription,
  codecs: ReadonlyArray<Codec>,
): ReadonlyArray<PayloadFormat> => {
  const chosen: Array<PayloadFormat> = []
  for (const codec of codecs) {
    for (const format of offered.formats) {
      const meaning = formatOf(offered, format)
      if (meaning === undefined || !sameCodec(meaning, codec)) continue
      if (chosen.some((c) => c.payloadType === meaning.payloadType)) continue
      chosen.push({ ...meaning, fmtp: codec.fmtp ?? meaning.fmtp })
      break
    }
  }
  return chosen
}

/**
 * Whether the offered stream carries a real codec (or one we cannot name). A stream of telephone-event alone is a
 * real offer (RFC 4317 §2.4); telephone-event left over from an audio offer whose codecs we lack is not.
 */
const offersRealMedia = (offered: MediaDescription): boolean =>
  offered.formats.some((f) => {
    const meaning = formatOf(offered, f)
    return meaning === undefined || !isAuxiliary(meaning.encoding)
  })

/** For protocols other than RTP the fmt tokens themselves are compared (e.g. `image udptl t38`). */
const commonTokens = (offered: MediaDescription, codecs: ReadonlyArray<Codec>): ReadonlyArray<string> =>
  codecs.flatMap((c) =>
    offered.formats.filter((f) => f.toLowerCase() === c.encoding.toLowerCase()).slice(0, 1),
  )

const answerDirection = (
  offer: SessionDescription,
  offered: MediaDescription,
  capability: MediaCapability,
) => {
  const direction = intersectDirection(
    mirrorDirection(streamDirection(offer, offered)),
    capability.direction ?? "sendrecv",
  )
  const offerSaidIt = offered.direction !== undefined || offer.direction !== undefined
  // Write the flag when the offer carried one or when the answer is not the sendrecv default.
  const written: Direction | undefined = offerSaidIt || direction !== "sendrecv" ? direction : undefined
  return { direction, written }
}

const answerRtp = (
  offer: SessionDescription,
  offered: MediaDescription,
  capability: MediaCapability,
): { formats: ReadonlyArray<PayloadFormat>; media: MediaDescription } | undefined => {
  const formats = commonFormats(offered, capability.codecs)
  if (formats.length === 0 || (offersRealMedia(offered) && formats.every((f) => isAuxiliary(f.encoding)))) {
    return undefined
  }
  const { written } = answerDirection(offer, offered, capability)
  const rtpmaps = formats.map((f) => ({
    payloadType: f.payloadType,
    encoding: f.encoding,
    clockRate: f.clockRate,
    channels: f.channels === 1 ? undefined : f.channels,
  }))
  const fmtps = formats.flatMap((f) =>
    f.fmtp === undefined ? [] : [{ payloadType: f.payloadType, parameters: f.fmtp }],
  )
  const media: MediaDescription = {
    ...emptyMedia(offered.type, capability.port, offered.protocol),
    formats: formats.map((f) => String(f.payloadType)),
    rtpmaps,
    fmtps,
    ptime: capability.ptime,
    direction: written,
  }
  return { formats, media }
}

const answerTokens = (offer: SessionDescription, offered: MediaDescription, capability: MediaCapability) => {
  const tokens = commonTokens(offered, capability.codecs)
  if (tokens.length === 0) return undefined
  const { written } = answerDirection(offer, offered, capability)
  const media: MediaDescription = {
    ...emptyMedia(offered.type, capability.port, offered.protocol),
    formats: tokens,
    direction: written,
  }
  return { formats: [], media }
}

type Accepted = Extract<Answered, { readonly stream: AcceptedStream }>

/** Every local stream that could answer offered m-line `index`, in our order; or why none can (a Warning code). */
const optionsFor = (
  offer: SessionDescription,
  index: number,
  local: LocalSession,
): ReadonlyArray<Accepted> | WarningCode | undefined => {
  const offered = offer.media[index]!
  if (offered.port === 0) return undefined
  const connection = offered.connection ?? offer.connection
  if (connection === undefined || connection.netType !== "IN" || !/^IP[46]$/.test(connection.addrType))
    return 301
  const sameType = local.media.flatMap((c, i) => (c.type === offered.type ? [i] : []))
  if (sameType.length === 0) return 304
  const fitting = sameType.filter((i) => acceptsProtocol(local.media[i]!, offered.protocol))
  if (fitting.length === 0) return 302
  const options = fitting.flatMap((i): ReadonlyArray<Accepted> => {
    const capability = local.media[i]!
    const answered = isRtpProtocol(offered.protocol)
      ? answerRtp(offer, offered, capability)
      : answerTokens(offer, offered, capability)
    if (answered === undefined) return []
    const stream: AcceptedStream = {
      _tag: "Accepted",
      index,
      type: offered.type,
      protocol: offered.protocol,
      localPort: capability.port,
      remoteAddress: connection.address.split("/")[0]!,
      remotePort: offered.port,
      direction: answerDirection(offer, offered, capability).direction,
      formats: answered.formats,
    }
    return [{ media: answered.media, stream, capability: i }]
  })
  return options.length === 0 ? 305 : options
}

/**
 * Which local stream answers which offered m-line: each local stream serves at most one, and as many offered
 * m-lines as possible are served (a maximum bipartite matching, Kuhn's augmenting paths), earlier m-lines and
 * our earlier streams first.
 */
const assign = (options: ReadonlyArray<ReadonlyArray<Accepted>>): ReadonlyMap<number, number> => {
  const owner = new Map<number, number>() // local stream → offered m-line
  const place = (line: number, seen: Set<number>): boolean => {
    for (const option of options[line]!) {
      if (seen.has(option.capability)) continue
      seen.add(option.capability)
      const holder = owner.get(option.capability)
      if (holder === undefined || place(holder, seen)) {
        owner.set(option.capability, line)
        return true
      }
    }
    return false
  }
  for (const line of options.keys()) place(line, new Set())
  return new Map([...owner].map(([capability, line]) => [line, capability]))
}

const answerAll = (offer: SessionDescription, local: LocalSession): ReadonlyArray<Answered> => {
  const options = offer.media.map((_, index) => optionsFor(offer, index, local))
  const chosen = assign(options.map((o) => (typeof o === "object" ? o : [])))
  return offer.media.map((offered, index) => {
    const option = options[index]
    const capability = chosen.get(index)
    if (typeof option !== "object") return refuse(offered, option)
    const taken = option.find((o) => o.capability === capability)
    return taken ?? refuse(offered, 304) // every local stream that could serve it serves another m-line
  })
}

const rejection = (code: WarningCode, agent: string): Rejection => ({
  _tag: "Rejection",
  status: 488,
  reason: "Not Acceptable Here",
  warningCode: code,
  warningText: WARNINGS[code],
  warning: `${code} ${addressType(agent) === "IP6" ? `[${agent}]` : agent} "${WARNINGS[code]}"`,
})

/**
 * Answers an offer. `previous` is the last SDP this side sent in the same session (for the o= line, §8).
 * Gives a `Rejection` (488 + Warning) when the offer has streams and none of them can be accepted.
 */
export const negotiate = (
  offer: SessionDescription,
  local: LocalSession,
  previous?: SessionDescription,
): Result<Answer, Rejection> => {
  const answered = answerAll(offer, local)
  const accepted = answered.flatMap((a) => ("stream" in a ? [a.stream] : []))
  if (offer.media.length > 0 && accepted.length === 0) {
    const codes = answered.flatMap((a) => ("refused" in a && a.refused !== undefined ? [a.refused] : []))
    return err(rejection(codes[0] ?? 304, local.address))
  }
  const streams: ReadonlyArray<NegotiatedStream> = answered.map((a, index) =>
    "stream" in a ? a.stream : { _tag: "Rejected", index, type: a.media.type },
  )
  return ok({ description: answerDescription(offer, local, answered, previous), streams })
}

const answerDescription = (
  offer: SessionDescription,
  local: LocalSession,
  answered: ReadonlyArray<Answered>,
  previous: SessionDescription | undefined,
): SessionDescription => {
  return localDescription(
    local,
    offer.timing,
    answered.map((a) => a.media),
    previous,
  )
}
