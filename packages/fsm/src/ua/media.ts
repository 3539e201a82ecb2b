/**
 * media — RFC 3264 offer/answer for the UA core, through `@sipkit/codec/sdp`, on SDP text.
 *
 * When `config.session` is set the core makes offers and answers itself (initial INVITE, 200, hold/resume,
 * re-INVITE); an SDP the application passes always wins. Without a session the core only carries bodies.
 */
import { err, isErr, ok, type Result } from "@sipkit/codec"
import {
  type Direction,
  type LocalSession,
  makeOffer,
  negotiate,
  parseSdp,
  printSdp,
  type SessionDescription,
} from "@sipkit/codec/sdp"
import type { UaConfig } from "./UaConfig.js"

export interface MediaRejection {
  readonly status: number
  readonly warning: string | undefined
}

const parsed = (text: string | undefined): SessionDescription | undefined => {
  if (text === undefined) return undefined
  const result = parseSdp(text)
  return isErr(result) ? undefined : result.value
}

const withDirection = (session: LocalSession, direction: Direction): LocalSession => ({
  ...session,
  media: session.media.map((m) => ({ ...m, direction })),
})

/** An offer: the application's, else one from the local session (a re-offer when `previous` is known, §8). */
export const offer = (
  config: UaConfig,
  explicit: string | undefined,
  previous: string | undefined,
  held = false,
): string | undefined => {
  if (explicit !== undefined) return explicit
  if (config.session === undefined) return undefined
  const session = held ? withDirection(config.session, "sendonly") : config.session
  return printSdp(makeOffer(session, parsed(previous)))
}

/** An answer to `remoteOffer`: the application's, else negotiated from the local session; 488 when the offer
 * cannot be read or nothing in it can be accepted (RFC 3264 §6). */
export const answer = (
  config: UaConfig,
  explicit: string | undefined,
  remoteOffer: string,
  previous: string | undefined,
): Result<string | undefined, MediaRejection> => {
  if (explicit !== undefined) return ok(explicit)
  if (config.session === undefined) return ok(undefined)
  const theirs = parseSdp(remoteOffer)
  if (isErr(theirs)) return err({ status: 488, warning: undefined })
  const negotiated = negotiate(theirs.value, config.session, parsed(previous))
  if (isErr(negotiated)) return err({ status: 488, warning: negotiated.error.warning })
  return ok(printSdp(negotiated.value.description))
}

const utf8 = new TextDecoder()

export const bodyText = (body: Uint8Array): string | undefined =>
  body.length === 0 ? undefined : utf8.decode(body)
