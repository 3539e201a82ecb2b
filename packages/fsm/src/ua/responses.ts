/**
 * responses — the responses a UA core builds (§8.2.6): To tag on every response but 100 (§8.2.6.2), Contact on
 * the ones that create or refresh a dialog (§12.1.1, §13.3.1.4), and an SDP body when there is one.
 */
import { getHeaderValues, makeResponse, type Request, type Response } from "@sipkit/codec"
import { allowHeader, type UaConfig } from "./UaConfig.js"

export interface ResponseInit {
  readonly toTag?: string
  /** Add Contact (and, on a dialog-creating INVITE response, Record-Route, Allow, Supported): `true` for the
   * configured Contact, a URI for the dialog's own local target. */
  readonly contact?: true | string
  readonly sdp?: string | undefined
  readonly headers?: ReadonlyArray<readonly [string, string]>
  /** Default: the standard reason phrase. */
  readonly reason?: string | undefined
  /** A body of any type (instead of `sdp`), with its Content-Type. */
  readonly body?: { readonly content: string | Uint8Array; readonly type: string } | undefined
}

/** §12.1.1: "When a UAS responds to a request with a response that establishes a dialog …, the UAS MUST copy all
 * Record-Route header field values from the request into the response (including the URIs, URI parameters, and
 * any Record-Route header field parameters, whether they are known or unknown to the UAS) and MUST maintain the
 * order of those values." §8.2.6.2: "the UAS MUST add a tag to the To header field in the response (with the exception of the 100
 * (Trying) response, in which a tag MAY be present)". A request that already has a To tag keeps it. */
export const respond = (
  config: UaConfig,
  request: Request,
  status: number,
  init: ResponseInit = {},
): Response => {
  const given = (name: string) => init.headers?.some(([n]) => n.toLowerCase() === name) === true
  const contact = init.contact === true ? config.contact : init.contact
  const creates = contact !== undefined && status > 100 && status < 300
  const headers: Array<readonly [string, string]> = [
    ...(creates && !given("record-route")
      ? getHeaderValues(request, "Record-Route").map((rr) => ["Record-Route", rr] as const)
      : []),
    ...(contact === undefined || given("contact") || given("m")
      ? []
      : [["Contact", contact.startsWith("<") ? contact : `<${contact}>`] as const]),
    ...(contact !== undefined && request.method === "INVITE" && !given("allow")
      ? [["Allow", allowHeader(config)] as const]
      : []),
    ...(contact !== undefined && request.method === "INVITE" && !given("supported") && !given("k")
      ? [["Supported", config.supported.join(", ")] as const]
      : []),
    ...(init.headers ?? []),
    ...(init.sdp === undefined ? [] : [["Content-Type", "application/sdp"] as const]),
    ...(init.body === undefined || given("content-type") || given("c")
      ? []
      : [["Content-Type", init.body.type] as const]),
  ]
  const body = init.body?.content ?? init.sdp
  return makeResponse(request, status, {
    ...(status === 100 || init.toTag === undefined ? {} : { toTag: init.toTag }),
    ...(init.reason === undefined ? {} : { reason: init.reason }),
    headers,
    ...(body === undefined ? {} : { body }),
  })
}
