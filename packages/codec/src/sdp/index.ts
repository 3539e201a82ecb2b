/**
 * @module sdp — SDP (RFC 8866) as typed values, and the RFC 3264 offer/answer model.
 *
 * What it does: `parseSdp` / `printSdp` between text and a typed `SessionDescription` over sdp-transform's grammar
 * (its `parse` reads each line, its `write` writes what we build; unknown attributes kept, a parsed description
 * that was not changed prints byte for byte);
 * `negotiate` answers an offer from a `LocalSession` (or rejects it with 488 + Warning); `makeOffer` and
 * `applyAnswer` are the offerer's side; the o= version rules of §8; hold detection.
 * What it never does: I/O, clocks, randomness — session ids, versions and ports come in from the caller.
 * RFC sections: RFC 8866 §5–§6; RFC 3264 §5, §6, §6.1, §7, §8, §8.4; RFC 3551 §6; RFC 4733 (telephone-event).
 */
export type { Codec, PayloadFormat } from "./codecs.js"
export { formatOf, isRtpProtocol, sameCodec, staticPayloadType } from "./codecs.js"
export { declaredDirection, isHold, mirrorDirection, streamDirection } from "./direction.js"
export type {
  AcceptedStream,
  LocalSession,
  MediaCapability,
  NegotiatedStream,
  RejectedStream,
} from "./LocalSession.js"
export { checkRemoteVersion, nextSessionVersion, sameExceptVersion } from "./LocalSession.js"
export type { Answer, Rejection } from "./negotiate.js"
export { negotiate } from "./negotiate.js"
export { applyAnswer, makeOffer } from "./offer.js"
export { parseSdp } from "./parseSdp.js"
export { printSdp } from "./printSdp.js"
export type {
  Attribute,
  Bandwidth,
  Connection,
  Direction,
  Fmtp,
  MediaDescription,
  Origin,
  Rtcp,
  Rtpmap,
  SdpError,
  SessionDescription,
  Timing,
} from "./SessionDescription.js"
export { emptyMedia, isDirection } from "./SessionDescription.js"
