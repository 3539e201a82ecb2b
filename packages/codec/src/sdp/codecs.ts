/**
 * Codecs — what a payload format means, and when two of them are the same codec.
 *
 * A static payload type (RFC 3551 §6, Tables 4 and 5) means its codec even without an rtpmap; a dynamic one
 * (96–127) means only what its rtpmap says. Two formats are the same codec when the encoding name matches
 * case-insensitively and the clock rate and channel count match (RFC 3264 §6.1, RFC 4855 §3).
 */
import type { MediaDescription } from "./SessionDescription.js"

/** A codec as the local side describes it (no payload type needed, except to pin a dynamic one in offers). */
export interface Codec {
  /** The rtpmap encoding name: PCMU, PCMA, G722, opus, telephone-event, H264, … (any case). */
  readonly encoding: string
  readonly clockRate: number
  /** Audio channels; undefined means 1. */
  readonly channels?: number
  /** Format parameters to send in our a=fmtp (e.g. "0-16" for telephone-event). */
  readonly fmtp?: string
  /** The payload type to use in our offers for a dynamic codec (96–127); ignored for static ones. */
  readonly payloadType?: number
}

/** A negotiated payload format: the codec with the payload type both sides use for it. */
export interface PayloadFormat {
  readonly payloadType: number
  readonly encoding: string
  readonly clockRate: number
  readonly channels: number
  readonly fmtp: string | undefined
}

// RFC 3551 §6 Table 4 (audio) and Table 5 (video): the statically assigned payload types.
const STATIC: ReadonlyArray<readonly [number, string, number, number]> = [
  [0, "PCMU", 8000, 1],
  [3, "GSM", 8000, 1],
  [4, "G723", 8000, 1],
  [5, "DVI4", 8000, 1],
  [6, "DVI4", 16000, 1],
  [7, "LPC", 8000, 1],
  [8, "PCMA", 8000, 1],
  [9, "G722", 8000, 1],
  [10, "L16", 44100, 2],
  [11, "L16", 44100, 1],
  [12, "QCELP", 8000, 1],
  [13, "CN", 8000, 1],
  [14, "MPA", 90000, 1],
  [15, "G728", 8000, 1],
  [16, "DVI4", 11025, 1],
  [17, "DVI4", 22050, 1],
  [18, "G729", 8000, 1],
  [25, "CelB", 90000, 1],
  [26, "JPEG", 90000, 1],
  [28, "nv", 90000, 1],
  [31, "H261", 90000, 1],
  [32, "MPV", 90000, 1],
  [33, "MP2T", 90000, 1],
  [34, "H263", 90000, 1],
]

/** Formats that only accompany a real codec: a stream whose only common formats are these is not usable. */
const AUXILIARY = new Set(["telephone-event", "cn", "red", "ulpfec", "flexfec", "rtx"])

export const isAuxiliary = (encoding: string): boolean => AUXILIARY.has(encoding.toLowerCase())

/** RTP profiles carry payload type numbers in the fmt list (RFC 8866 §5.14); other protocols carry tokens. */
export const isRtpProtocol = (protocol: string): boolean => /(^|\/)RTP(\/|$)/i.test(protocol)

export const sameCodec = (
  a: { readonly encoding: string; readonly clockRate: number; readonly channels?: number | undefined },
  b: { readonly encoding: string; readonly clockRate: number; readonly channels?: number | undefined },
): boolean =>
  a.encoding.toLowerCase() === b.encoding.toLowerCase() &&
  a.clockRate === b.clockRate &&
  (a.channels ?? 1) === (b.channels ?? 1)

/** The static payload type of a codec, if RFC 3551 assigns one. */
export const staticPayloadType = (codec: Codec): number | undefined =>
  STATIC.find(([, encoding, clockRate, channels]) => sameCodec(codec, { encoding, clockRate, channels }))?.[0]

/** What format `format` of a media section means: its rtpmap, else the static table; undefined if unknown. */
export const formatOf = (media: MediaDescription, format: string): PayloadFormat | undefined => {
  if (!/^\d+$/.test(format)) return undefined
  const payloadType = Number(format)
  const fmtp = media.fmtps.find((f) => f.payloadType === payloadType)?.parameters
  const rtpmap = media.rtpmaps.find((r) => r.payloadType === payloadType)
  if (rtpmap !== undefined) {
    const { encoding, clockRate, channels } = rtpmap
    return { payloadType, encoding, clockRate, channels: channels ?? 1, fmtp }
  }
  const known = STATIC.find(([pt]) => pt === payloadType)
  if (known === undefined) return undefined
  return { payloadType, encoding: known[1], clockRate: known[2], channels: known[3], fmtp }
}
