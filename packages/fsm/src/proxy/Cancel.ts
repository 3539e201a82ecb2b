/**
 * Cancel — the CANCEL a proxy sends down a pending branch (RFC 3261 §9.1, §16.10, §16.7 step 10).
 *
 * §9.1: "The Request-URI, Call-ID, To, the numeric part of CSeq, and From header fields in the CANCEL request MUST be
 * identical to those in the request being cancelled, including tags. … A CANCEL constructed by a client MUST have
 * only a single Via header field value matching the top Via value in the request being cancelled. … If the request
 * being cancelled contains a Route header field, the CANCEL request MUST include that Route header field's values."
 *
 * Never: throws; a forwarded request always carries the fields copied here (this proxy wrote or validated them).
 */
import { getCSeq, getHeader, getHeaderValues, makeRequest, type Request } from "@sipkit/codec"

export const makeCancel = (forwarded: Request): Request => {
  const cseq = getCSeq(forwarded)
  const seq = cseq._tag === "Ok" ? cseq.value.seq : 0
  const headers: Array<readonly [string, string]> = [
    ["Via", getHeaderValues(forwarded, "Via")[0] ?? ""],
    ["Max-Forwards", "70"],
    ["From", getHeader(forwarded, "From") ?? ""],
    ["To", getHeader(forwarded, "To") ?? ""],
    ["Call-ID", getHeader(forwarded, "Call-ID") ?? ""],
    ["CSeq", `${seq} CANCEL`],
    ...getHeaderValues(forwarded, "Route").map((route) => ["Route", route] as const),
  ]
  return makeRequest({ method: "CANCEL", uri: forwarded.uri, headers })
}
