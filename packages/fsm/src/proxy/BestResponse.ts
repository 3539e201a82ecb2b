/**
 * BestResponse — RFC 3261 §16.7 steps 6 and 7: the final response a response context sends when no final response
 * was forwarded at once and every client transaction has ended.
 *
 * Step 6: "If there are no final responses in the context, the proxy MUST send a 408 (Request Timeout) response to
 * the server transaction. Otherwise, the proxy MUST forward a response from the responses stored in the response
 * context. It MUST choose from the 6xx class responses if any exist in the context. If no 6xx class responses are
 * present, the proxy SHOULD choose from the lowest response class stored in the response context. … The proxy SHOULD
 * give preference to responses that provide information affecting resubmission of this request, such as 401, 407,
 * 415, 420, and 484 if the 4xx class is chosen." "If the only response that was received is a 503, the proxy SHOULD
 * generate a 500 response and forward that upstream."
 *
 * Step 7: "If the selected response is a 401 (Unauthorized) or 407 (Proxy Authentication Required), the proxy MUST
 * collect any WWW-Authenticate and Proxy-Authenticate header field values from all other 401 (Unauthorized) and 407
 * (Proxy Authentication Required) responses received so far in this response context and add them to this response
 * without modification before forwarding."
 *
 * Never: throws. Responses here already had this proxy's Via removed.
 */
import { appendHeader, headerKey, makeResponse, type Request, type Response } from "@sipkit/codec"

/** 4xx responses that tell the client how to resubmit, in order of preference. */
const resubmission = [401, 407, 415, 420, 484]

/** Lower-case names; challenge fields are copied whole (their values hold commas, so they are never split). */
const challengeHeaders = ["www-authenticate", "proxy-authenticate"]

const isChallenge = (response: Response) => response.status === 401 || response.status === 407

/** The best final response of a context; `request` and `toTag` build the 408/500 the proxy generates itself. */
export const chooseBest = (finals: ReadonlyArray<Response>, request: Request, toTag: string): Response => {
  const chosen = pick(finals)
  if (chosen === undefined) return makeResponse(request, 408, { toTag })
  if (chosen.status === 503) return makeResponse(request, 500, { toTag })
  return isChallenge(chosen) ? mergeChallenges(chosen, finals) : chosen
}

const pick = (finals: ReadonlyArray<Response>): Response | undefined => {
  const sixes = finals.filter((response) => response.status >= 600)
  if (sixes.length > 0) return sixes[0]
  const lowest = Math.min(...finals.map((response) => Math.floor(response.status / 100)))
  const candidates = finals.filter((response) => Math.floor(response.status / 100) === lowest)
  const preferred = resubmission
    .map((status) => candidates.find((response) => response.status === status))
    .find((response) => response !== undefined)
  return lowest === 4 && preferred !== undefined ? preferred : candidates[0]
}

const mergeChallenges = (chosen: Response, finals: ReadonlyArray<Response>): Response =>
  finals
    .filter((response) => response !== chosen && isChallenge(response))
    .flatMap((response) =>
      response.headers.filter((header) => challengeHeaders.includes(headerKey(header.name))),
    )
    .reduce((merged, header) => appendHeader(merged, header.name, header.value), chosen)
