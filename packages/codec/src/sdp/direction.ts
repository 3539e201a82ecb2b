/**
 * Direction — the RFC 3264 §6.1 mirror and the ways an offer says "hold".
 *
 * A stream's direction is its own a= flag, else the session's, else sendrecv (RFC 3264 §5.1). Hold is sendonly
 * or inactive (§8.4); the RFC 2543 form, c=0.0.0.0, still arrives and means "do not send to me", so it removes
 * the receive half of whatever the flag says.
 */
import type { Direction, MediaDescription, SessionDescription } from "./SessionDescription.js"

export const sends = (d: Direction): boolean => d === "sendrecv" || d === "sendonly"

export const receives = (d: Direction): boolean => d === "sendrecv" || d === "recvonly"

export const directionOf = (send: boolean, receive: boolean): Direction =>
  send ? (receive ? "sendrecv" : "sendonly") : receive ? "recvonly" : "inactive"

/**
 * RFC 3264 §6.1: "If a stream is offered as sendonly, the corresponding stream MUST be marked as recvonly or
 * inactive in the answer. If a media stream is listed as recvonly in the offer, the answer MUST be marked as
 * sendonly or inactive in the answer. If an offered media stream is listed as sendrecv (or if there is no
 * direction attribute at the media or session level, in which case the stream is sendrecv by default), the
 * corresponding stream in the answer MAY be marked as sendonly, recvonly, sendrecv, or inactive. If an
 * offered media stream is listed as inactive, it MUST be marked as inactive in the answer."
 */
export const mirrorDirection = (d: Direction): Direction => directionOf(receives(d), sends(d))

/** The direction both ends can agree on: only what both allow. */
export const intersectDirection = (a: Direction, b: Direction): Direction =>
  directionOf(sends(a) && sends(b), receives(a) && receives(b))

/** RFC 2543 hold: a connection address of all zeroes. */
export const isNullConnection = (session: SessionDescription, media: MediaDescription): boolean => {
  const address = (media.connection ?? session.connection)?.address
  return address === "0.0.0.0" || address === "::"
}

/** The direction a media section declares: its flag, else the session's, else sendrecv (RFC 3264 §5.1). */
export const declaredDirection = (session: SessionDescription, media: MediaDescription): Direction =>
  media.direction ?? session.direction ?? "sendrecv"

/** What the sender of the SDP will do on the stream: the declared direction, c=0.0.0.0 applied. */
export const streamDirection = (session: SessionDescription, media: MediaDescription): Direction => {
  const declared = declaredDirection(session, media)
  return isNullConnection(session, media) ? directionOf(sends(declared), false) : declared
}

/** True when the sender of this SDP does not want to receive the stream: a=sendonly, a=inactive or c=0.0.0.0. */
export const isHold = (session: SessionDescription, media: MediaDescription): boolean =>
  !receives(streamDirection(session, media))
