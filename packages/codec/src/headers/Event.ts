/**
 * Event and Subscription-State (RFC 6665 §8.2.1, §8.2.3):
 *   Event = ( "Event" / "o" ) HCOLON event-type *( SEMI event-param );  event-param = generic-param / ( "id" EQUAL token )
 *   Subscription-State = substate-value *( SEMI subexp-params );  substate-value = "active" / "pending" / "terminated" / extension
 *   subexp-params = ("reason" EQUAL event-reason-value) / ("expires" EQUAL delta-seconds) / ("retry-after" EQUAL delta-seconds) / generic-param
 * Examples: `o: presence;id=7`, `Subscription-State: terminated;reason=timeout`
 */
import type { SipMessage } from "../Message.js"
import { getParam, type Param, printParams } from "../Params.js"
import type { HeaderError } from "../ParseError.js"
import { ok, type Result } from "../Result.js"
import { optionalHeader, parseValueParams } from "./ValueParams.js"

export interface Event {
  /** The event package, with its template suffixes: `presence`, `presence.winfo`. */
  readonly type: string
  readonly params: ReadonlyArray<Param>
}

export interface SubscriptionState {
  /** `active`, `pending`, `terminated`, or an extension value, as written. */
  readonly state: string
  readonly params: ReadonlyArray<Param>
}

export const parseEvent = (value: string): Result<Event, HeaderError> => {
  const r = parseValueParams("event", value)
  return r._tag === "Ok" ? ok({ type: r.value.value, params: r.value.params }) : r
}
export const printEvent = (e: Event): string => `${e.type}${printParams(e.params)}`
/** The `id` parameter of an Event (RFC 6665 §8.2.1). */
export const eventId = (e: Event): string | undefined => getParam(e.params, "id")
export const getEvent = (message: SipMessage): Result<Event | undefined, HeaderError> =>
  optionalHeader(message, "event", parseEvent)

export const parseSubscriptionState = (value: string): Result<SubscriptionState, HeaderError> => {
  const r = parseValueParams("subscription-state", value)
  return r._tag === "Ok" ? ok({ state: r.value.value, params: r.value.params }) : r
}
export const printSubscriptionState = (s: SubscriptionState): string => `${s.state}${printParams(s.params)}`
export const getSubscriptionState = (
  message: SipMessage,
): Result<SubscriptionState | undefined, HeaderError> =>
  optionalHeader(message, "subscription-state", parseSubscriptionState)
