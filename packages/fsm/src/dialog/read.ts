/**
 * read — the few header reads the dialog layer needs, with codec `HeaderError`s turned into `DialogError`s.
 *
 * Internal to the dialog folder (not exported from the package).
 */
import {
  err,
  getCallId,
  getContacts,
  getCSeq,
  getFrom,
  getFromTag,
  getRecordRoutes,
  getTag,
  getTo,
  getToTag,
  type HeaderError,
  isErr,
  type NameAddr,
  ok,
  parseUri,
  type Result,
  type SipMessage,
} from "@sipkit/codec"
import { type DialogError, dialogError } from "./Dialog.js"

const lift = <A>(result: Result<A, HeaderError>): Result<A, DialogError> =>
  isErr(result)
    ? err(dialogError(`${result.error.header}: ${result.error.reason}`, result.error.status))
    : result

export const readCallId = (message: SipMessage): Result<string, DialogError> => lift(getCallId(message))

export const readCSeq = (
  message: SipMessage,
): Result<{ readonly seq: number; readonly method: string }, DialogError> => lift(getCSeq(message))

export const readFrom = (message: SipMessage): Result<NameAddr, DialogError> => lift(getFrom(message))

export const readTo = (message: SipMessage): Result<NameAddr, DialogError> => lift(getTo(message))

export const tagOf = (nameAddr: NameAddr): string | undefined => getTag(nameAddr)

/** The From and To tags read in place (the codec's `getFromTag`/`getToTag`): `tagOf(readFrom(…))` … without
 * building the name-addrs, with the same answers and the same errors. */
export const readFromTag = (message: SipMessage): Result<string | undefined, DialogError> =>
  lift(getFromTag(message))
export const readToTag = (message: SipMessage): Result<string | undefined, DialogError> =>
  lift(getToTag(message))

/** The URI of the first Contact, `undefined` when there is none (or it is `*`). */
export const readContactUri = (message: SipMessage): Result<string | undefined, DialogError> => {
  const contacts = lift(getContacts(message))
  if (isErr(contacts)) return contacts
  return ok(contacts.value === "*" ? undefined : contacts.value[0]?.uri)
}

export const readRecordRoutes = (message: SipMessage): Result<ReadonlyArray<NameAddr>, DialogError> =>
  lift(getRecordRoutes(message))

/** `sips:` Request-URI (the first half of the secure-flag rule of §12.1.1 / §12.1.2). */
export const isSipsUri = (uri: string): boolean => {
  const parsed = parseUri(uri)
  return !isErr(parsed) && parsed.value._tag === "SipUri" && parsed.value.scheme === "sips"
}
