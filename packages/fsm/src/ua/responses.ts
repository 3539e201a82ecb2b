/**
 * responses — the responses a UA core builds (§8.2.6): To tag on every response but 100 (§8.2.6.2), Contact on
 * the ones that create or refresh a dialog (§12.1.1, §13.3.1.4), and an SDP body when there is one.
 */
import { getHeaderValues, makeResponse, ownString, type Request, type Response } from "@sipkit/codec"
import { allowHeader, supportedHeader, type UaConfig } from "./UaConfig.js"

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
  // one options record, its fields set in place (spreads of conditional parts took the generic object-clone path)
  const options: {
    toTag?: string
    reason?: string
    headers: ReadonlyArray<Field>
    body?: string | Uint8Array
  } = {
    headers: fieldsOf(config, request, status, init),
  }
  if (status !== 100 && init.toTag !== undefined) options.toTag = init.toTag
  if (init.reason !== undefined) options.reason = init.reason
  const body = init.body?.content ?? init.sdp
  if (body !== undefined) options.body = typeof body === "string" ? bytesOf(body) : body
  return makeResponse(request, status, options)
}

type Field = readonly [string, string]

/** The fields `respond` adds after the copied ones: Record-Route, Contact, Allow, Supported (as `init.contact`
 * asks), the caller's, then Content-Type. Counted first and written into an array of that length (a list grown by
 * `push` reserved 17 slots for every response); the caller's own list as it is when it is all there is (a BYE's
 * 200). The fields of our own values are shared records (`fieldOf`): `makeResponse` copies each into the
 * response's header, and a field is never written. */
const fieldsOf = (
  config: UaConfig,
  request: Request,
  status: number,
  init: ResponseInit,
): ReadonlyArray<Field> => {
  const extra = init.headers ?? noFields
  const given = givenIn(extra)
  const contact = init.contact === true ? config.contact : init.contact
  const routes =
    contact !== undefined && status > 100 && status < 300 && (given & RECORD_ROUTE) === 0
      ? getHeaderValues(request, "Record-Route")
      : noValues
  const invite = contact !== undefined && request.method === "INVITE"
  const own = contact !== undefined && (given & CONTACT) === 0
  const allow = invite && (given & ALLOW) === 0
  const supported = invite && (given & SUPPORTED) === 0
  const sdp = init.sdp !== undefined
  const type = init.body !== undefined && (given & CONTENT_TYPE) === 0
  const count = routes.length + +own + +allow + +supported + extra.length + +sdp + +type
  if (count === extra.length) return extra
  const fields = new Array<Field>(count)
  let n = 0
  for (let i = 0; i < routes.length; i++) fields[n++] = ["Record-Route", routes[i] as string]
  if (own) fields[n++] = contactField(contactValue(contact as string))
  if (allow) fields[n++] = allowField(allowHeader(config))
  if (supported) fields[n++] = supportedField(supportedHeader(config))
  for (let i = 0; i < extra.length; i++) fields[n++] = extra[i] as Field
  if (sdp) fields[n++] = sdpType
  if (type) fields[n++] = ["Content-Type", (init.body as { readonly type: string }).type]
  return fields
}

const noFields: ReadonlyArray<Field> = []
const noValues: ReadonlyArray<string> = []
const sdpType: Field = ["Content-Type", "application/sdp"]

/** The field `name: value`, the last one made kept for the next value that is the same (a UA puts the same Contact,
 * Allow and Supported in every dialog-creating response). */
const fieldOf = (name: string): ((value: string) => Field) => {
  let last: Field = [name, ""]
  return (value) => {
    if (last[1] !== value) last = [name, value]
    return last
  }
}
const contactField = fieldOf("Contact")
const allowField = fieldOf("Allow")
const supportedField = fieldOf("Supported")

/** A body text as UTF-8 bytes. The last text encoded is kept with its bytes: an application answers every call
 * with the same SDP (a load generator sends the same offer each time), and encoding it again for every 200 cost
 * ~2.5% of a call. The bytes are shared by the responses that carry that text; a message is never written. */
const encoder = new TextEncoder()
let lastText = ""
let lastBytes = encoder.encode("")
const bytesOf = (text: string): Uint8Array => {
  if (text !== lastText) {
    lastBytes = encoder.encode(text)
    lastText = text
  }
  return lastBytes
}

/** The headers `respond` may add itself, one bit each: the caller's own (any case, or the compact form) wins. */
const RECORD_ROUTE = 1
const CONTACT = 2
const ALLOW = 4
const SUPPORTED = 8
const CONTENT_TYPE = 16

/** Which of those the caller's headers name, in one pass and no closure (a response is built three times a call,
 * and a runtime adds a header of its own to every one). */
const givenIn = (extra: ResponseInit["headers"]): number => {
  let given = 0
  if (extra !== undefined) for (let i = 0; i < extra.length; i++) given |= bitOf((extra[i] as Field)[0])
  return given
}

/** The bit of a header name, by its lower-case name or compact form. Only a name of one of their lengths is
 * lower-cased: a name whose lower case is one of these ASCII names has its length (a character that lower-cases
 * to ASCII, such as the Kelvin sign, is one unit, as its image). */
const bitOf = (name: string): number => {
  switch (name.length) {
    case 1: {
      const compact = name.toLowerCase()
      return compact === "m" ? CONTACT : compact === "k" ? SUPPORTED : compact === "c" ? CONTENT_TYPE : 0
    }
    case 5:
      return name.toLowerCase() === "allow" ? ALLOW : 0
    case 7:
      return name.toLowerCase() === "contact" ? CONTACT : 0
    case 9:
      return name.toLowerCase() === "supported" ? SUPPORTED : 0
    case 12: {
      const lower = name.toLowerCase()
      return lower === "record-route" ? RECORD_ROUTE : lower === "content-type" ? CONTENT_TYPE : 0
    }
    default:
      return 0
  }
}

/** The Contact value for a URI: bracketed (§20.10). The last one made is kept (a UA puts the same Contact in
 * every dialog-creating response), so the same text is not built again for each. */
let lastContact = ""
let lastValue = ""
const contactValue = (contact: string): string => {
  if (contact.startsWith("<")) return contact
  if (contact !== lastContact) {
    lastValue = ownString(`<${contact}>`)
    lastContact = lastValue.slice(1, -1)
  }
  return lastValue
}

/** The Contact value `respond` puts in the response for `init`; `undefined` when it puts none (no `contact`, or
 * the caller's headers carry their own Contact). A UAS core that makes its dialog from the response (§12.1.1
 * "the local target") knows it from here instead of reading the response back. */
export const ownContact = (config: UaConfig, init: ResponseInit): string | undefined => {
  const contact = init.contact === true ? config.contact : init.contact
  if (contact === undefined) return undefined
  return (givenIn(init.headers) & CONTACT) === 0 ? contactValue(contact) : undefined
}
