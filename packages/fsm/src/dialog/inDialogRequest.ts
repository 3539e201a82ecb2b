/**
 * inDialogRequest — building requests inside a dialog (RFC 3261 §12.2.1.1) and the ACK for a 2xx (§13.2.2.4).
 *
 * The Request-URI and Route come from the remote target and the route set, with loose routing (§16.12.1.1) and
 * the strict-router compatibility of §12.2.1.1 / §16.12.1.2; the CSeq number grows by one for every request but
 * ACK and CANCEL; To and From carry the remote and local URIs with their tags.
 *
 * Never: picks a branch. The Via (with its branch) comes in from the caller.
 */
import {
  err,
  getParam,
  isErr,
  makeRequest,
  ok,
  parseUri,
  printNameAddr,
  printUri,
  type Request,
  type Result,
} from "@sipkit/codec"
import { type Dialog, type DialogError, dialogError, isTargetRefresh } from "./Dialog.js"

export interface InDialogRequestInit {
  readonly method: string
  /** The full top Via value, branch included: `SIP/2.0/UDP host:port;branch=z9hG4bK…`. */
  readonly via: string
  readonly headers?: ReadonlyArray<readonly [string, string]>
  readonly body?: string | Uint8Array
  /** Content-Type of the body (required when a body is given). */
  readonly contentType?: string
  /** Max-Forwards, default 70 (§8.1.1.6). */
  readonly maxForwards?: number
  /** The first local CSeq number when the local sequence number is still empty (§12.2.1.1 → §8.1.1.5). Default 1. */
  readonly initialSeq?: number
}

/** Where a request in the dialog goes: its Request-URI and its Route header values, in order. */
export interface RequestTarget {
  readonly uri: string
  readonly routes: ReadonlyArray<string>
}

const bracket = (uri: string): string => `<${uri}>`

/** §19.1.1 table: `method` and URI headers are not allowed in a Request-URI. */
const asRequestUri = (uri: string): string => {
  const parsed = parseUri(uri)
  if (isErr(parsed) || parsed.value._tag !== "SipUri") return uri
  const params = parsed.value.params.filter((p) => p.name.toLowerCase() !== "method")
  return printUri({ ...parsed.value, params, headers: [] })
}

const isLooseRouter = (uri: string): boolean => {
  const parsed = parseUri(uri)
  return !isErr(parsed) && parsed.value._tag === "SipUri" && getParam(parsed.value.params, "lr") !== undefined
}

/**
 * §12.2.1.1: "If the route set is empty, the UAC MUST place the remote target URI into the Request-URI. … If the
 * route set is not empty, and the first URI in the route set contains the lr parameter, the UAC MUST place the
 * remote target URI into the Request-URI and MUST include a Route header field containing the route set values
 * in order, including all parameters. If the route set is not empty, and its first URI does not contain the lr
 * parameter, the UAC MUST place the first URI from the route set into the Request-URI, stripping any parameters
 * that are not allowed in a Request-URI. The UAC MUST add a Route header field containing the remainder of the
 * route set values in order, including all parameters. The UAC MUST then place the remote target URI into the
 * Route header field as the last value."
 */
export const requestTarget = (dialog: Dialog): RequestTarget => {
  const [first, ...rest] = dialog.routeSet
  if (first === undefined) return { uri: dialog.remoteTarget, routes: [] }
  const all = dialog.routeSet.map(printNameAddr)
  if (isLooseRouter(first.uri)) return { uri: dialog.remoteTarget, routes: all }
  return { uri: asRequestUri(first.uri), routes: [...rest.map(printNameAddr), bracket(dialog.remoteTarget)] }
}

const baseHeaders = (
  dialog: Dialog,
  target: RequestTarget,
  via: string,
  cseq: string,
  maxForwards: number,
): Array<readonly [string, string]> => [
  ["Via", via],
  ["Max-Forwards", String(maxForwards)],
  ...target.routes.map((route) => ["Route", route] as const),
  ["From", printNameAddr(dialog.local)],
  ["To", printNameAddr(dialog.remote)],
  ["Call-ID", dialog.id.callId],
  ["CSeq", cseq],
]

const build = (
  dialog: Dialog,
  init: Omit<InDialogRequestInit, "method">,
  seq: number,
  method: string,
): Request => {
  const target = requestTarget(dialog)
  const contact: Array<readonly [string, string]> =
    isTargetRefresh(method) && dialog.localTarget !== undefined
      ? [["Contact", bracket(dialog.localTarget)]]
      : []
  const content: Array<readonly [string, string]> =
    init.body !== undefined && init.contentType !== undefined ? [["Content-Type", init.contentType]] : []
  const headers = [
    ...baseHeaders(dialog, target, init.via, `${seq} ${method}`, init.maxForwards ?? 70),
    ...contact,
    ...(init.headers ?? []),
    ...content,
  ]
  return makeRequest({
    method,
    uri: target.uri,
    headers,
    ...(init.body === undefined ? {} : { body: init.body }),
  })
}

/**
 * A new request inside the dialog. §12.2.1.1: "The CSeq header field value … MUST be … incremented by one" from
 * the local sequence number; ACK and CANCEL are not built here (ACK for a 2xx: `makeAck`; CANCEL: §9.1, from the
 * INVITE). Fails on a terminated dialog and for ACK/CANCEL.
 */
export const makeInDialogRequest = (
  dialog: Dialog,
  init: InDialogRequestInit,
): Result<{ readonly dialog: Dialog; readonly request: Request }, DialogError> => {
  if (dialog.state === "terminated") return err(dialogError("the dialog is terminated", 481))
  if (init.method === "ACK" || init.method === "CANCEL")
    return err(dialogError(`${init.method} takes the CSeq of its INVITE`, 500))
  const seq = dialog.localSeq === undefined ? (init.initialSeq ?? 1) : dialog.localSeq + 1
  if (seq > 2 ** 31 - 1) return err(dialogError("the CSeq number would pass 2^31-1 (§8.1.1.5)", 500))
  return ok({ dialog: { ...dialog, localSeq: seq }, request: build(dialog, init, seq, init.method) })
}

/**
 * §13.2.2.4: "The UAC core MUST generate an ACK request for each 2xx received … The header fields of the ACK are
 * constructed in the same way as for any request sent within a dialog (see Section 12) with the exception of the
 * CSeq and the header fields related to authentication. The sequence number of the CSeq header field MUST be the
 * same as the INVITE being acknowledged, but the CSeq method MUST be ACK."
 */
export const makeAck = (
  dialog: Dialog,
  inviteSeq: number,
  init: Omit<InDialogRequestInit, "method">,
): Request => build(dialog, init, inviteSeq, "ACK")
