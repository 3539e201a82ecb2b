/**
 * Keys — the identifiers a proxy computes from a request: the server transaction its response context hangs on
 * (RFC 3261 §17.2.3, from the transaction module), the loop-detection hash carried in its branches (§16.3 step 4, §16.6 step 8), and the branch
 * values themselves.
 *
 * Never: randomness. The unique part of a branch is a token handed in by the caller.
 */
import {
  getCallId,
  getCSeq,
  getFromTag,
  getHeaderValues,
  getToTag,
  type HeaderError,
  printVia,
  type Request,
  type Result,
  type Via,
} from "@sipkit/codec"
import {
  cancelTargetKey,
  magicCookie,
  serverKey,
  type TransactionKey,
} from "../transaction/TransactionKey.js"
import { hashText } from "./Hash.js"

export { magicCookie }

/**
 * The key of the server transaction a request belongs to (§17.2.3), as the transaction table computes it, so a
 * `Respond` output names the transaction the table holds. An ACK maps to its INVITE's transaction. A request whose
 * Via or CSeq cannot be read gets a key that names no transaction.
 */
export const transactionKey = (request: Request): TransactionKey => orInvalid(serverKey(request), request)

/** The key of the INVITE server transaction a CANCEL targets (§9.2). */
export const cancelledKey = (cancel: Request): TransactionKey => orInvalid(cancelTargetKey(cancel), cancel)

const orInvalid = (key: Result<TransactionKey, HeaderError>, request: Request): TransactionKey =>
  key._tag === "Ok" ? key.value : `invalid ${request.method} ${request.uri}`

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
  const tag = getToTag(request)
  return tag._tag === "Ok" ? (tag.value ?? "") : ""
}

const fromTag = (request: Request): string => {
  const tag = getFromTag(request)
  return tag._tag === "Ok" ? (tag.value ?? "") : ""
}

const callIdOf = (request: Request): string => {
  const callId = getCallId(request)
  return callId._tag === "Ok" ? callId.value : ""
}

const cseqNumber = (request: Request): number | string => {
  const cseq = getCSeq(request)
  return cseq._tag === "Ok" ? cseq.value.seq : ""
}
