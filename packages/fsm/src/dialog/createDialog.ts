/**
 * createDialog — a dialog from the request that created it and the response that created it (RFC 3261 §12.1).
 *
 * The UAS builds it when it sends a 101–199 or 2xx with a To tag (§12.1.1); the UAC when it receives one
 * (§12.1.2). Both sides read the same two messages and end up with mirror-image dialog IDs and route sets.
 *
 * Never: guesses a missing tag. A response without a To tag creates no dialog (§12.1: "dialogs are created
 * through … responses … with a To tag").
 */
import { err, isErr, type NameAddr, ok, type Request, type Response, type Result } from "@sipkit/codec"
import { type Dialog, type DialogError, dialogError } from "./Dialog.js"
import {
  isSipsUri,
  readCallId,
  readContactUri,
  readCSeq,
  readFrom,
  readRecordRoutes,
  readTo,
  tagOf,
} from "./read.js"

export interface CreateDialogOptions {
  /** The dialog-creating request went over TLS (or another secure transport); with a SIPS Request-URI this sets
   * the secure flag (§12.1.1, §12.1.2). Default false. */
  readonly transportSecure?: boolean
}

const creates = (response: Response): boolean => response.status > 100 && response.status < 300

/**
 * §12.1.2 UAC behavior: "the route set MUST be set to the list of URIs in the Record-Route header field from
 * the response, taken in reverse order … The remote target MUST be set to the URI from the Contact header field
 * of the response. The local sequence number MUST be set to the value of the sequence number in the CSeq header
 * field of the request. The remote sequence number MUST be empty." A response without Contact keeps the
 * Request-URI as the remote target (lenient: many 18x responses carry none).
 */
export const makeUacDialog = (
  request: Request,
  response: Response,
  options: CreateDialogOptions = {},
): Result<Dialog, DialogError> => {
  if (!creates(response)) return err(dialogError(`a ${response.status} response creates no dialog`, 400))
  const callId = readCallId(request)
  const from = readFrom(request)
  const to = readTo(response)
  const cseq = readCSeq(request)
  const contact = readContactUri(response)
  const recordRoutes = readRecordRoutes(response)
  if (isErr(callId)) return callId
  if (isErr(from)) return from
  if (isErr(to)) return to
  if (isErr(cseq)) return cseq
  if (isErr(contact)) return contact
  if (isErr(recordRoutes)) return recordRoutes
  const localTag = tagOf(from.value)
  const remoteTag = tagOf(to.value)
  if (localTag === undefined) return err(dialogError("the request has no From tag", 400))
  if (remoteTag === undefined) return err(dialogError("the response has no To tag", 400))
  const requestContact = readContactUri(request)
  return ok({
    id: { callId: callId.value, localTag, remoteTag },
    state: response.status < 200 ? "early" : "confirmed",
    role: "UAC",
    local: from.value,
    remote: to.value,
    localSeq: cseq.value.seq,
    remoteSeq: undefined,
    localTarget: isErr(requestContact) ? undefined : requestContact.value,
    remoteTarget: contact.value ?? request.uri,
    routeSet: [...recordRoutes.value].reverse(),
    secure: isSipsUri(request.uri) && options.transportSecure === true,
  })
}

/**
 * §12.1.1 UAS behavior: "The route set MUST be set to the list of URIs in the Record-Route header field from
 * the request, taken in order … The remote target MUST be set to the URI from the Contact header field of the
 * request. The remote sequence number MUST be set to the value of the sequence number in the CSeq header field
 * of the request. The local sequence number MUST be empty. … the remote tag [is] the tag in the From field of the
 * request (… null if there is none)".
 */
export const makeUasDialog = (
  request: Request,
  response: Response,
  options: CreateDialogOptions = {},
): Result<Dialog, DialogError> =>
  creates(response)
    ? uasDialog(request, response.status, readTo(response), readContactUri(response), options)
    : err(dialogError(`a ${response.status} response creates no dialog`, 400))

/**
 * `makeUasDialog` for a UAS core that knows what its own response says without reading it back: its To (the
 * request's with the local tag, §8.2.6.2) and the URI of its Contact (§12.1.1 "the local target"), each as
 * `makeUasDialog` would read it from the response, error included.
 */
export const makeUasDialogFrom = (
  request: Request,
  status: number,
  local: {
    readonly to: Result<NameAddr, DialogError>
    readonly contact: Result<string | undefined, DialogError>
  },
  options: CreateDialogOptions = {},
): Result<Dialog, DialogError> =>
  status > 100 && status < 300
    ? uasDialog(request, status, local.to, local.contact, options)
    : err(dialogError(`a ${status} response creates no dialog`, 400))

const uasDialog = (
  request: Request,
  status: number,
  to: Result<NameAddr, DialogError>,
  localContact: Result<string | undefined, DialogError>,
  options: CreateDialogOptions,
): Result<Dialog, DialogError> => {
  const callId = readCallId(request)
  const from = readFrom(request)
  const cseq = readCSeq(request)
  const contact = readContactUri(request)
  const recordRoutes = readRecordRoutes(request)
  if (isErr(callId)) return callId
  if (isErr(from)) return from
  if (isErr(to)) return to
  if (isErr(cseq)) return cseq
  if (isErr(contact)) return contact
  if (isErr(recordRoutes)) return recordRoutes
  if (isErr(localContact)) return localContact
  const localTag = tagOf(to.value)
  if (localTag === undefined) return err(dialogError("the response has no To tag", 500))
  if (contact.value === undefined) return err(dialogError("a dialog-creating request needs a Contact", 400))
  return ok({
    id: { callId: callId.value, localTag, remoteTag: tagOf(from.value) ?? "" },
    state: status < 200 ? "early" : "confirmed",
    role: "UAS",
    local: to.value,
    remote: from.value,
    localSeq: undefined,
    remoteSeq: cseq.value.seq,
    localTarget: localContact.value,
    remoteTarget: contact.value,
    routeSet: recordRoutes.value,
    // the flag asks for both; the URI is read only when the transport was secure
    secure: options.transportSecure === true && isSipsUri(request.uri),
  })
}
