/**
 * LocalSession — what this side can do, from which offers and answers are made, and the o= line rules of
 * RFC 3264 §8 that tie successive descriptions of one session together.
 *
 * §8: "the "o=" line of the new SDP MUST be identical to that in the previous SDP, except that the version in
 * the origin field MUST increment by one from the previous SDP. If the version in the origin line does not
 * increment, the SDP MUST be identical to the SDP with that version number."
 */
import { err, ok, type Result } from "../Result.js"
import type { Codec, PayloadFormat } from "./codecs.js"
import { printSdp } from "./printSdp.js"
import {
  type Direction,
  makeSdpError,
  type Origin,
  type SdpError,
  type SessionDescription,
} from "./SessionDescription.js"

/** One stream this side offers or accepts. */
export interface MediaCapability {
  /** audio, video, image, … */
  readonly type: string
  /** Our receive port for this stream. */
  readonly port: number
  /** Transport protocols accepted, preferred first; default ["RTP/AVP"]. An answer keeps the offer's. */
  readonly protocols?: ReadonlyArray<string>
  /** Codecs in order of preference. For protocols other than RTP, `encoding` is the fmt token (e.g. "t38"). */
  readonly codecs: ReadonlyArray<Codec>
  /** What we are willing to do on this stream; default sendrecv. "sendonly" / "inactive" put the peer on hold. */
  readonly direction?: Direction
  readonly ptime?: number
}

/** The local session: the o= fields and the streams. */
export interface LocalSession {
  /** o= username ("-" is fine). */
  readonly username: string
  /** o= sess-id, digits; the shell chooses it (the core has no clock or randomness). */
  readonly sessionId: string
  /** o= sess-version of our first description, digits. */
  readonly sessionVersion: string
  /** Our media address, used in o= and c=. IPv6 when it contains ":". */
  readonly address: string
  /** s= text; default "-". */
  readonly name?: string
  readonly media: ReadonlyArray<MediaCapability>
}

/** The result of offer/answer for one m-line, from this side's point of view. */
export type NegotiatedStream = AcceptedStream | RejectedStream

export interface AcceptedStream {
  readonly _tag: "Accepted"
  readonly index: number
  readonly type: string
  readonly protocol: string
  readonly localPort: number
  readonly remoteAddress: string
  readonly remotePort: number
  /** What this side does: sendrecv, sendonly (we hold the peer or the peer holds us), recvonly, inactive. */
  readonly direction: Direction
  /** The common formats, our preference first when we answered, the answerer's order when we offered. */
  readonly formats: ReadonlyArray<PayloadFormat>
}

export interface RejectedStream {
  readonly _tag: "Rejected"
  readonly index: number
  readonly type: string
}

export const addressType = (address: string): "IP4" | "IP6" => (address.includes(":") ? "IP6" : "IP4")

/** Adds one to a decimal o= version of any length (64-bit values are allowed). */
export const nextSessionVersion = (version: string): string => (BigInt(version) + 1n).toString()

const withVersion = (d: SessionDescription, sessionVersion: string): SessionDescription => ({
  ...d,
  origin: { ...d.origin, sessionVersion },
})

/** True when two descriptions differ only in the o= version. */
export const sameExceptVersion = (a: SessionDescription, b: SessionDescription): boolean =>
  printSdp(withVersion(a, "0")) === printSdp(withVersion(b, "0"))

/** The o= line of the first description this side sends. */
export const localOrigin = (local: LocalSession): Origin => ({
  username: local.username,
  sessionId: local.sessionId,
  sessionVersion: local.sessionVersion,
  netType: "IN",
  addrType: addressType(local.address),
  address: local.address,
})

/**
 * Stamps the o= line of a description this side is about to send: the local origin for the first one; after
 * that the previous origin, its version unchanged when nothing changed and incremented by one otherwise (§8).
 */
export const stampOrigin = (
  draft: SessionDescription,
  local: LocalSession,
  previous?: SessionDescription,
) => {
  if (previous === undefined) return { ...draft, origin: localOrigin(local) }
  const candidate = { ...draft, origin: previous.origin }
  if (sameExceptVersion(candidate, previous)) return candidate
  return withVersion(candidate, nextSessionVersion(previous.origin.sessionVersion))
}

/**
 * A description this side sends, offer or answer: our session-level lines (o= stamped as §8 asks, s=, c= from
 * the local address) around the given t= lines and m= sections.
 */
export const localDescription = (
  local: LocalSession,
  timing: SessionDescription["timing"],
  media: SessionDescription["media"],
  previous: SessionDescription | undefined,
): SessionDescription =>
  stampOrigin(
    {
      version: 0,
      origin: localOrigin(local),
      name: local.name ?? "-",
      info: undefined,
      uri: undefined,
      emails: [],
      phones: [],
      connection: { netType: "IN", addrType: addressType(local.address), address: local.address },
      bandwidths: [],
      timing,
      timezones: undefined,
      key: undefined,
      direction: undefined,
      attributes: [],
      media,
    },
    local,
    previous,
  )

/**
 * Checks the o= line of a description the peer sent against its previous one (§8): "changed" when the
 * version went up, "unchanged" when it is the same version and the same SDP; an error (488) otherwise.
 */
export const checkRemoteVersion = (
  previous: SessionDescription,
  next: SessionDescription,
): Result<"changed" | "unchanged", SdpError> => {
  const before = BigInt(previous.origin.sessionVersion)
  const after = BigInt(next.origin.sessionVersion)
  if (
    next.origin.sessionId !== previous.origin.sessionId ||
    next.origin.username !== previous.origin.username
  ) {
    return err(makeSdpError("o= names a different session than the previous SDP", 2, 488))
  }
  if (after > before) return ok("changed")
  if (after === before && sameExceptVersion(previous, next)) return ok("unchanged")
  if (after === before) return err(makeSdpError("SDP changed but its o= version did not", 2, 488))
  return err(makeSdpError("o= version went down", 2, 488))
}
