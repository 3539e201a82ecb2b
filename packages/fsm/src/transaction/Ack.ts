/**
 * Ack — the ACK an INVITE client transaction builds for a non-2xx final response (RFC 3261 §17.1.1.3).
 *
 * The ACK for a 2xx is not part of the transaction (the UA core builds it, §13.2.2.4); this one is, and goes to
 * the same address, port and transport as the INVITE. Never: I/O, exceptions (a header missing from the INVITE is
 * simply missing from the ACK).
 */
import { getCSeq, getHeader, getHeaderValues, makeRequest, type Request, type Response } from "@sipkit/codec"

/**
 * §17.1.1.3: "The ACK request constructed by the client transaction MUST contain values for the Call-ID, From,
 * and Request-URI that are equal to the values of those header fields in the request passed to the transport by
 * the client transaction (call this the 'original request'). The To header field in the ACK MUST equal the To
 * header field in the response being acknowledged, and therefore will usually differ from the To header field in
 * the original request by the addition of the tag parameter. The ACK MUST contain a single Via header field, and
 * this MUST be equal to the top Via header field of the original request. The CSeq header field in the ACK MUST
 * contain the same value for the sequence number as was present in the original request, but the method
 * parameter MUST be equal to 'ACK'."
 *
 * "If the INVITE request whose response is being acknowledged had Route header fields, those header fields MUST
 * appear in the ACK." Max-Forwards (mandatory in every request, §8.1.1.6) is the INVITE's, or 70.
 */
export const makeNonTwoXxAck = (invite: Request, response: Response): Request => {
  const headers: Array<readonly [string, string]> = []
  const topVia = getHeaderValues(invite, "Via")[0]
  if (topVia !== undefined) headers.push(["Via", topVia])
  for (const route of getHeaderValues(invite, "Route")) headers.push(["Route", route])
  headers.push(["Max-Forwards", getHeader(invite, "Max-Forwards")?.trim() ?? "70"])
  const from = getHeader(invite, "From")
  if (from !== undefined) headers.push(["From", from])
  const to = getHeader(response, "To") ?? getHeader(invite, "To")
  if (to !== undefined) headers.push(["To", to])
  const callId = getHeader(invite, "Call-ID")
  if (callId !== undefined) headers.push(["Call-ID", callId])
  headers.push(["CSeq", `${cseqNumber(invite)} ACK`])
  return makeRequest({ method: "ACK", uri: invite.uri, headers })
}

const cseqNumber = (invite: Request): number => {
  const cseq = getCSeq(invite)
  return cseq._tag === "Ok" ? cseq.value.seq : 0
}
