/**
 * TransactionKey — which transaction a message belongs to (RFC 3261 §17.1.3, §17.2.3).
 *
 * A key is a string, so a runtime can keep transactions in any map. Client and server keys never collide (a proxy
 * that loops a request back to itself holds both sides of one branch). Keys are computed from the top Via and the
 * CSeq only — the cheap, lazily parsed headers — except for the RFC 2543 fallback, which needs the dialog fields.
 *
 * Never: I/O, exceptions. A message whose Via or CSeq cannot be read yields the codec's `HeaderError`, which
 * carries the status (400) a server should answer.
 */
import {
  err,
  getCallId,
  getCSeq,
  getFromTag,
  getHeaderValues,
  getTopVia,
  getTopViaBranch,
  getToTag,
  type HeaderError,
  ok,
  type Request,
  type Response,
  type Result,
  type SipMessage,
  viaBranch,
} from "@sipkit/codec"
import { join3, join5 } from "../flatJoin.js"

/** A transaction's identity in a `TransactionTable`. Opaque: compare with `===`, never parse. */
export type TransactionKey = string

/** A key's parts joined by a line feed, which none of them can hold (the parser ends header lines and the request
 * line there; the URI and Via of an RFC 2543 key lose all white space), so two lists of parts never give one key.
 * (Concatenation: a key is made for every message, and `JSON.stringify` of an array costs twice as much.) */
const sep = "\n"

/** The parts joined by `sep`. `join` makes one flat string: a template literal makes a tree of concatenations
 * (V8's cons strings) that every hash and comparison of the key as a map key walks, and that stays in memory
 * with the key for as long as the transaction is kept (64·T1 after it ends). The RFC 2543 key (rare) only: the
 * others, made for every message, are joined without an array (`join3`, `join5`, ../flatJoin.ts). */
const joinKey = (...parts: ReadonlyArray<string>): TransactionKey => parts.join(sep)

/** §8.1.1.7: "The branch ID inserted by an element compliant with this specification MUST always begin with the
 * characters 'z9hG4bK'." */
export const magicCookie = "z9hG4bK"

/**
 * §17.1.3: "A response matches a client transaction under two conditions: 1. If the response has the same value
 * of the branch parameter in the top Via header field as the branch parameter in the top Via header field of the
 * request that created the transaction. 2. If the method parameter in the CSeq header field matches the method of
 * the request that created the transaction. The method is needed since a CANCEL request constitutes a different
 * transaction, but shares the same value of the branch parameter."
 *
 * This is the key of the client transaction that sends `request` (its top Via must carry the branch).
 */
export const clientKey = (request: Request): Result<TransactionKey, HeaderError> => {
  const branch = getTopViaBranch(request)
  if (branch._tag === "Err") return branch
  return ok(join3(sep, "client", branch.value ?? "", request.method))
}

/** The key of the client transaction a response belongs to (§17.1.3): top Via branch and CSeq method. */
export const responseKey = (response: Response): Result<TransactionKey, HeaderError> => {
  const branch = getTopViaBranch(response)
  if (branch._tag === "Err") return branch
  const cseq = getCSeq(response)
  if (cseq._tag === "Err") return cseq
  return ok(join3(sep, "client", branch.value ?? "", cseq.value.method))
}

/**
 * The key of the server transaction a request belongs to (§17.2.3). With the magic cookie: "1. the branch
 * parameter in the request is equal to the one in the top Via header field of the request that created the
 * transaction, and 2. the sent-by value in the top Via of the request is equal to the one in the request that
 * created the transaction, and 3. the method of the request matches the one that created the transaction, except
 * for ACK, where the method of the request that created the transaction is INVITE."
 *
 * A CANCEL has its own key (its method is CANCEL); `cancelTargetKey` finds the INVITE it cancels.
 */
export const serverKey = (request: Request): Result<TransactionKey, HeaderError> =>
  serverKeyFor(request, request.method === "ACK" ? "INVITE" : request.method)

/**
 * §9.2: "the CANCEL request [is matched] to the server transaction [of the request it cancels] using the
 * transaction matching procedures of Section 17.2.3" with the method of the matched transaction taken as INVITE
 * (the only method a CANCEL has an effect on). The key of the INVITE server transaction a CANCEL targets.
 */
export const cancelTargetKey = (cancel: Request): Result<TransactionKey, HeaderError> =>
  serverKeyFor(cancel, "INVITE")

/** The key `message` routes to: a response to a client transaction, a request to a server transaction. */
export const keyOf = (message: SipMessage): Result<TransactionKey, HeaderError> =>
  message._tag === "Response" ? responseKey(message) : serverKey(message)

const serverKeyFor = (request: Request, method: string): Result<TransactionKey, HeaderError> => {
  const via = getTopVia(request)
  if (via._tag === "Err") return via
  const branch = viaBranch(via.value)
  if (branch?.startsWith(magicCookie)) {
    // the sent-by as two parts (host, port): no `host:port` string is made for a key that is made per message
    const port = via.value.port
    return ok(
      join5(
        sep,
        "server",
        branch,
        via.value.host.toLowerCase(),
        port === undefined ? "" : String(port),
        method,
      ),
    )
  }
  return rfc2543Key(request, method)
}

/**
 * §17.2.3, for a top Via without the magic cookie (RFC 2543): "the INVITE request matches a transaction if the
 * Request-URI, To tag, From tag, Call-ID, CSeq, and top Via header field match those of the INVITE request which
 * created the transaction. [...] The ACK request matches a transaction if the Request-URI, From tag, Call-ID, CSeq
 * number (not the method), and top Via header field match those of the INVITE request which created the
 * transaction, and the To tag of the ACK matches the To tag of the response sent by the server transaction.
 * [...] For all other request methods, a request is matched to a transaction if the Request-URI, To tag, From
 * tag, Call-ID, CSeq (including the method), and top Via header field match those of the request that created
 * the transaction."
 *
 * One key must serve the INVITE and its ACK, so for INVITE/ACK the To tag is left out of the key (the ACK's To tag
 * is the response's, which the INVITE did not carry). The Request-URI and top Via are compared as text with
 * white space removed (retransmissions repeat them byte for byte).
 */
const rfc2543Key = (request: Request, method: string): Result<TransactionKey, HeaderError> => {
  const cseq = getCSeq(request)
  if (cseq._tag === "Err") return cseq
  const callId = getCallId(request)
  if (callId._tag === "Err") return callId
  const fromTag = getFromTag(request)
  if (fromTag._tag === "Err") return fromTag
  const to = getToTag(request)
  if (to._tag === "Err") return to
  const topVia = getHeaderValues(request, "Via")[0]
  if (topVia === undefined) {
    return err({ _tag: "HeaderError", header: "Via", reason: "missing", status: 400 })
  }
  const toTag = method === "INVITE" ? "" : (to.value ?? "")
  const parts = [
    squeeze(request.uri),
    fromTag.value ?? "",
    toTag,
    callId.value,
    String(cseq.value.seq),
    squeeze(topVia),
  ]
  return ok(joinKey("server-2543", ...parts, method))
}

const squeeze = (text: string): string => text.replace(/\s+/g, "")
