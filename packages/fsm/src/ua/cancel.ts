/**
 * cancel — CANCEL (RFC 3261 §9): building it from the INVITE it cancels, and matching it on the UAS.
 */
import {
  getCallId,
  getCSeq,
  getFrom,
  getHeader,
  getHeaderValues,
  getTag,
  getTopVia,
  isErr,
  makeRequest,
  type Request,
  viaBranch,
} from "@sipkit/codec"

/**
 * §9.1: "The Request-URI, Call-ID, To, the numeric part of CSeq, and From header fields in the CANCEL request MUST
 * be identical to those in the request being cancelled, including tags. A CANCEL constructed by a client MUST
 * have only a single Via header field value matching the top Via value in the request being cancelled. … the
 * method part of CSeq … MUST have a value of CANCEL. … If the request being cancelled contains a Route header
 * field, the CANCEL request MUST include that Route header field's values."
 */
export const makeCancel = (invite: Request): Request => {
  const cseq = getCSeq(invite)
  const seq = isErr(cseq) ? 1 : cseq.value.seq
  const copy = (name: string): ReadonlyArray<readonly [string, string]> =>
    getHeaderValues(invite, name).map((value) => [name, value] as const)
  const one = (name: string): ReadonlyArray<readonly [string, string]> => {
    const value = getHeader(invite, name)
    return value === undefined ? [] : [[name, value]]
  }
  return makeRequest({
    method: "CANCEL",
    uri: invite.uri,
    headers: [
      ...one("Via"),
      ...one("Max-Forwards"),
      ...copy("Route"),
      ...one("From"),
      ...one("To"),
      ...one("Call-ID"),
      ["CSeq", `${seq} CANCEL`],
    ],
  })
}

const key = (request: Request): string | undefined => {
  const via = getTopVia(request)
  const cseq = getCSeq(request)
  const callId = getCallId(request)
  const from = getFrom(request)
  if (isErr(via) || isErr(cseq) || isErr(callId) || isErr(from)) return undefined
  return [viaBranch(via.value), cseq.value.seq, callId.value, getTag(from.value), request.uri].join(" ")
}

/** §9.2: the CANCEL names the INVITE that has the same top Via branch, Call-ID, From tag, CSeq number and
 * Request-URI (what §17.2.3 matching amounts to for a UA). */
export const cancels = (cancel: Request, invite: Request): boolean => {
  const k = key(cancel)
  return k !== undefined && k === key(invite)
}
