/**
 * UaConfig — what a user agent core is configured with: its address, its timers, what it supports.
 *
 * Never: read from the environment. The runtime builds it once and hands it to `makeUa`.
 */
import type { LocalSession } from "@sipkit/codec/sdp"

export interface Credentials {
  readonly username: string
  readonly password: string
}

export interface UaConfig {
  /** This UA's Contact URI (§8.1.1.8), e.g. `sip:alice@192.168.1.100:5060`. */
  readonly contact: string
  /** The Via `sent-protocol sent-by` this UA puts on its requests, e.g. `SIP/2.0/UDP 192.168.1.100:5060`. */
  readonly via: string
  /** Round-trip estimate and the cap of the 2xx retransmission interval (§13.3.1.4, Table 4): 500 ms and 4 s. */
  readonly t1: number
  readonly t2: number
  /** Methods this UA answers; the Allow of 405/501 responses and of dialog-creating messages (§20.5). `*` lets
   * every method through the §8.2.1 check (an application that answers anything); it is never printed. */
  readonly allow: ReadonlyArray<string>
  /** Option tags this UA understands (§8.2.2.3); anything else in a Require gets 420. */
  readonly supported: ReadonlyArray<string>
  /** Body types this UA reads (§8.2.3); anything else gets 415 with Accept. The media range of
   * everything (star, slash, star) accepts every type: the application reads the bodies. */
  readonly accept: ReadonlyArray<string>
  /** Content-Encodings this UA reads (§8.2.3); anything else gets 415 with Accept-Encoding. */
  readonly acceptEncoding: ReadonlyArray<string>
  /** Media this UA offers and answers with (RFC 3264 through `@sipkit/codec/sdp`); none means the application
   * always supplies SDP bodies itself. */
  readonly session?: LocalSession
  /** Used to answer one 401/407 challenge per nonce (§22.2). */
  readonly credentials?: Credentials
  /** Recurse on 3xx (§8.1.3.4) for every INVITE; an `Invite` can also ask for it alone. */
  readonly followRedirects: boolean
  /** Max-Forwards of new requests (§8.1.1.6). */
  readonly maxForwards: number
  /** Methods the application answers itself: the core runs its checks (§8.2, §12.2.2), reports the request
   * (`IncomingCall`, `IncomingRequest`, `InDialogRequest`) and builds the response a `Respond` command asks for,
   * instead of answering on its own. Default none: the core answers everything but the INVITE's final. `*`: every
   * method. */
  readonly delegate: ReadonlyArray<string>
  /** Methods this UA recognizes: one of them outside `allow` gets 405, any other 501 (§8.2.1, §21.5.2). */
  readonly recognized: ReadonlyArray<string>
}

/** The methods a UA core recognizes at all; a method outside this set gets 501, inside but not allowed 405. */
export const knownMethods: ReadonlyArray<string> = [
  "INVITE",
  "ACK",
  "CANCEL",
  "BYE",
  "OPTIONS",
  "REGISTER",
  "REFER",
  "NOTIFY",
  "SUBSCRIBE",
  "INFO",
  "MESSAGE",
  "UPDATE",
  "PRACK",
  "PUBLISH",
]

export const makeUaConfig = (
  init: Pick<UaConfig, "contact" | "via"> & Partial<Omit<UaConfig, "contact" | "via">>,
): UaConfig => ({
  t1: 500,
  t2: 4000,
  allow: ["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "REFER", "NOTIFY", "INFO", "MESSAGE"],
  supported: ["replaces"],
  accept: ["application/sdp", "message/sipfrag", "text/plain"],
  acceptEncoding: ["identity"],
  followRedirects: false,
  maxForwards: 70,
  delegate: [],
  recognized: knownMethods,
  ...init,
})

/** Header values made from a configuration list, by the list (lists are never mutated): every response that
 * creates a dialog carries Allow and Supported, and joining them each time would cost as much as the rest of it. */
const joined = new WeakMap<ReadonlyArray<string>, string>()

const joinedOnce = (list: ReadonlyArray<string>, join: (list: ReadonlyArray<string>) => string): string => {
  const known = joined.get(list)
  if (known !== undefined) return known
  const value = join(list)
  joined.set(list, value)
  return value
}

const allowValue = (allow: ReadonlyArray<string>): string => allow.filter((m) => m !== "*").join(", ")
const listValue = (list: ReadonlyArray<string>): string => list.join(", ")

/** The Allow header value (§20.5): the allowed methods, without `*`. */
export const allowHeader = (config: UaConfig): string => joinedOnce(config.allow, allowValue)

/** The Supported header value (§20.37): the option tags this UA understands. */
export const supportedHeader = (config: UaConfig): string => joinedOnce(config.supported, listValue)

export const isAllowed = (config: UaConfig, method: string): boolean =>
  config.allow.includes(method) || config.allow.includes("*")

export const isDelegated = (config: UaConfig, method: string): boolean =>
  config.delegate.includes(method) || config.delegate.includes("*")
