/**
 * responses — the responses a UA core builds (§8.2.6): To tag on every response but 100 (§8.2.6.2), Contact on
 * the ones that create or refresh a dialog (§12.1.1, §13.3.1.4), and an SDP body when there is one.
 */
import { getHeaderValues, makeResponse, type Request, type Response } from "@sipkit/codec"
import { allowHeader, supportedHeader, type UaConfig } from "./UaConfig.js"

/** No header was given by the caller. */
const none = (_name: string): boolean => false

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
  const extra = init.headers
  const given = givenIn(extra)
  const contact = init.contact === true ? config.contact : init.contact
  const headers: Array<readonly [string, string]> = []
  if (contact !== undefined) {
    if (status > 100 && status < 300 && !given("record-route"))
      for (const rr of getHeaderValues(request, "Record-Route")) headers.push(["Record-Route", rr])
    if (!given("contact") && !given("m")) headers.push(["Contact", contactValue(contact)])
    if (request.method === "INVITE" && !given("allow")) headers.push(["Allow", allowHeader(config)])
    if (request.method === "INVITE" && !given("supported") && !given("k"))
      headers.push(["Supported", supportedHeader(config)])
  }
  if (extra !== undefined) for (const h of extra) headers.push(h)
  if (init.sdp !== undefined) headers.push(["Content-Type", "application/sdp"])
  if (init.body !== undefined && !given("content-type") && !given("c"))
    headers.push(["Content-Type", init.body.type])
  // one options record, its fields set in place (spreads of conditional parts took the generic object-clone path)
  const options: { toTag?: string; reason?: string; headers: typeof headers; body?: string | Uint8Array } = {
    headers,
  }
  if (status !== 100 && init.toTag !== undefined) options.toTag = init.toTag
  if (init.reason !== undefined) options.reason = init.reason
  const body = init.body?.content ?? init.sdp
  if (body !== undefined) options.body = body
  return makeResponse(request, status, options)
}

/** Whether the caller's headers name a header (by its lower-case name or compact form). */
const givenIn = (extra: ResponseInit["headers"]): ((name: string) => boolean) =>
  extra === undefined || extra.length === 0
    ? none
    : (name: string) => extra.some(([n]) => n.toLowerCase() === name)

const contactValue = (contact: string): string => (contact.startsWith("<") ? contact : `<${contact}>`)

/** The Contact value `respond` puts in the response for `init`; `undefined` when it puts none (no `contact`, or
 * the caller's headers carry their own Contact). A UAS core that makes its dialog from the response (§12.1.1
 * "the local target") knows it from here instead of reading the response back. */
export const ownContact = (config: UaConfig, init: ResponseInit): string | undefined => {
  const contact = init.contact === true ? config.contact : init.contact
  if (contact === undefined) return undefined
  const given = givenIn(init.headers)
  return given("contact") || given("m") ? undefined : contactValue(contact)
}
