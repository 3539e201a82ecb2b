/**
 * Keys — the identifiers a proxy computes from a request: the server transaction its response context hangs on
 * (RFC 3261 §17.2.3), the loop-detection hash carried in its branches (§16.3 step 4, §16.6 step 8), and the branch
 * values themselves.
 *
 * Never: randomness. The unique part of a branch is a token handed in by the caller.
 */
import {
  getCallId,
  getCSeq,
  getFrom,
  getHeaderValues,
  getTag,
  getTo,
  getVias,
  printVia,
  type Request,
  type Via,
  viaBranch,
} from "@sipkit/codec"
import { hashText } from "./Hash.js"

/** The magic cookie of RFC 3261 branches (§8.1.1.7). */
export const magicCookie = "z9hG4bK"

/**
 * The key of the server transaction a request belongs to (§17.2.3): top Via branch, sent-by and method, where an
 * ACK and a CANCEL are looked up under `INVITE` by passing `method`. Requests without the magic cookie fall back to
 * the RFC 2543 fields (Request-URI, tags, Call-ID, CSeq number, top Via).
 */
export const transactionKey = (request: Request, method: string = request.method): string => {
  const vias = getVias(request)
  const top = vias._tag === "Ok" ? vias.value[0] : undefined
  const branch = top === undefined ? undefined : viaBranch(top)
  if (top !== undefined && branch?.startsWith(magicCookie)) {
    return `${branch}|${sentBy(top)}|${method}`
  }
  return `2543|${request.uri}|${toTag(request)}|${fromTag(request)}|${callIdOf(request)}|${cseqNumber(request)}|${top === undefined ? "" : printVia(top)}|${method}`
}

/** `host:port` of a Via, lower-cased, the port explicit only when written. */
export const sentBy = (via: Via): string => `${via.host.toLowerCase()}:${via.port ?? ""}`

/**
 * §16.6 step 8: the part of the branch that detects loops, "a hash of the To tag, From tag, Call-ID header field,
 * the Request-URI of the request received (before translation), the topmost Via header, and the sequence number
 * from the CSeq header field, in addition to any Proxy-Require and Proxy-Authorization header fields". `topVia` is
 * the Via that was topmost when this proxy received the request (below this proxy's own Via when it comes back).
 */
export const loopHash = (request: Request, topVia: Via | undefined): string =>
  hashText(
    [
      toTag(request),
      fromTag(request),
      callIdOf(request),
      request.uri,
      topVia === undefined ? "" : printVia(topVia),
      String(cseqNumber(request)),
      getHeaderValues(request, "Proxy-Require").join(","),
      getHeaderValues(request, "Proxy-Authorization").join(","),
    ].join("\n"),
  )

/** The branch of fork `index` of a request: cookie, loop hash, the caller's unique token, the fork index. */
export const forkBranch = (hash: string, token: string, index: number): string =>
  `${magicCookie}${hash}.${token}.${index}`

/** The loop hash a branch made by `forkBranch` carries, if it is one of ours. */
export const branchLoopHash = (branch: string): string | undefined => {
  if (!branch.startsWith(magicCookie)) return undefined
  const dot = branch.indexOf(".", magicCookie.length)
  return dot === -1 ? undefined : branch.slice(magicCookie.length, dot)
}

const toTag = (request: Request): string => {
  const to = getTo(request)
  return to._tag === "Ok" ? (getTag(to.value) ?? "") : ""
}

const fromTag = (request: Request): string => {
  const from = getFrom(request)
  return from._tag === "Ok" ? (getTag(from.value) ?? "") : ""
}

const callIdOf = (request: Request): string => {
  const callId = getCallId(request)
  return callId._tag === "Ok" ? callId.value : ""
}

const cseqNumber = (request: Request): number | string => {
  const cseq = getCSeq(request)
  return cseq._tag === "Ok" ? cseq.value.seq : ""
}
