/**
 * Handlers — what an application writes: one handler per method, each given the request and a context and
 * returning an Effect of a `Decision`. The stack does the rest (transactions, retransmissions, timers, response
 * routing, dialog state — the seed's promise).
 *
 * A handler may answer at once (`respond`, `reject`, `redirect`, `proxy`) or send provisional responses through
 * `ctx.respond` and return `later()`, keeping the context to send the final response from anywhere, at any time.
 * A method without a handler gets the RFC answer: 501 with Allow (§8.2.1), 200 with Allow/Accept/Supported for
 * OPTIONS (§11.2), 200 for a BYE inside a dialog (§15.1.2).
 */
import type { Request, Response } from "@sipkit/codec"
import type { Deferred, Effect } from "effect"
import type { PeerAddress } from "./Address.js"
import type { LocationShape } from "./Location.js"

export interface ResponseInit {
  readonly reason?: string | undefined
  readonly headers?: ReadonlyArray<readonly [string, string]> | undefined
  readonly body?: string | Uint8Array | undefined
  /** Content-Type of the body (default `application/sdp` when a body is given to an INVITE/UPDATE/PRACK). */
  readonly contentType?: string | undefined
}

export type Decision =
  | ({ readonly _tag: "Respond"; readonly status: number } & ResponseInit)
  | { readonly _tag: "Redirect"; readonly status: number; readonly contacts: ReadonlyArray<string> }
  | ProxyDecision
  | { readonly _tag: "Later" }
  /** Send this response as built (e.g. by a core of @sipkit/fsm such as the registrar); use `ctx.toTag`. */
  | { readonly _tag: "Reply"; readonly response: Response }

export const respond = (status: number, init?: ResponseInit): Decision => {
  // field by field (a spread of `init` took the generic object-copy path for every answer)
  const decision: { -readonly [K in keyof ResponseInit]: ResponseInit[K] } & {
    readonly _tag: "Respond"
    readonly status: number
  } = { _tag: "Respond", status }
  if (init === undefined) return decision
  if (init.reason !== undefined) decision.reason = init.reason
  if (init.headers !== undefined) decision.headers = init.headers
  if (init.body !== undefined) decision.body = init.body
  if (init.contentType !== undefined) decision.contentType = init.contentType
  return decision
}
export const reject = (status: number, reason?: string): Decision =>
  reason === undefined ? { _tag: "Respond", status } : { _tag: "Respond", status, reason }
export const redirect = (contacts: ReadonlyArray<string>, status = 302): Decision => ({
  _tag: "Redirect",
  status,
  contacts,
})
/** How to proxy: to these targets, or to the Location service's bindings of the Request-URI (domains ours). */
export type ProxyDecision =
  | { readonly _tag: "Proxy"; readonly targets: ReadonlyArray<string> }
  | {
      readonly _tag: "ProxyByLocation"
      readonly location: LocationShape
      readonly domains: ReadonlyArray<string>
    }

/**
 * Forward the request to every target at once (§16 forking by @sipkit/fsm/proxy: Record-Route, loop detection,
 * Max-Forwards, CANCEL of losing forks, the best final response relayed with its headers).
 */
export const proxy = (targets: ReadonlyArray<string>): Decision => ({ _tag: "Proxy", targets })
/** Proxy to the bindings `location` holds for the Request-URI (§16.5; 480 when there are none). */
export const proxyByLocation = (location: LocationShape, domains: ReadonlyArray<string> = []): Decision => ({
  _tag: "ProxyByLocation",
  location,
  domains,
})
/** The handler has answered, or will, through `ctx.respond`. */
export const later = (): Decision => ({ _tag: "Later" })
export const reply = (response: Response): Decision => ({ _tag: "Reply", response })

/** Per-call state: the dialog the request belongs to and a bag the application keeps across its requests. */
export interface DialogContext {
  readonly id: string
  readonly callId: string
  readonly localTag: string
  readonly remoteTag: string
  /** Survives from INVITE to re-INVITE to BYE; dropped when the dialog ends. */
  readonly data: Map<string, unknown>
}

export class ResponseRefused extends Error {
  readonly _tag = "ResponseRefused"
}

export interface RequestContext {
  readonly request: Request
  readonly source: PeerAddress
  /** The To tag this endpoint uses in its responses to this request (undefined when the request had one). */
  readonly toTag: string | undefined
  /** The dialog, for a request inside one (or the INVITE's dialog once a response with a tag was sent). */
  readonly dialog: () => DialogContext | undefined
  /** Sends a response now. A final response ends the transaction; later calls fail (the transaction is done). */
  readonly respond: (status: number, init?: ResponseInit) => Effect.Effect<void, ResponseRefused>
  /**
   * `respond` done at once, for a handler that sends a provisional response and then answers at once (a ringing
   * 180, then `Effect.succeed(respond(200))`): no Effect to run, so such a handler needs no fiber. Call it while the
   * handler is being called; what it sends goes before the handler's answer. Returns the refusal instead of failing.
   */
  readonly respondNow: (status: number, init?: ResponseInit) => ResponseRefused | undefined
  /** Completes when a CANCEL for this request arrived (the stack has already answered 487). */
  readonly cancelled: Deferred.Deferred<void>
}

/** A failure or defect of the handler is answered with 500 (when no final response was sent yet). */
export type Handler = (request: Request, ctx: RequestContext) => Effect.Effect<Decision, unknown>

export interface Handlers {
  readonly invite?: Handler
  readonly ack?: (request: Request, ctx: RequestContext) => Effect.Effect<void>
  readonly bye?: Handler
  readonly options?: Handler
  readonly register?: Handler
  readonly message?: Handler
  readonly info?: Handler
  readonly refer?: Handler
  readonly notify?: Handler
  readonly subscribe?: Handler
  readonly update?: Handler
  readonly prack?: Handler
  /** Any other method (and those above without a handler, before the default answer). */
  readonly fallback?: Handler
}

/** The handlers of a method by name (`ack` takes an ACK, which has no answer; `fallback` any other method). */
type MethodHandler = Exclude<keyof Handlers, "ack" | "fallback">

/**
 * The handler's name for each method. A `Map`: a method is read from the wire, a string of its own, and looking it
 * up as a property key of an object had V8 find its interned copy first, for every request.
 */
const byMethod: ReadonlyMap<string, MethodHandler> = new Map([
  ["INVITE", "invite"],
  ["BYE", "bye"],
  ["OPTIONS", "options"],
  ["REGISTER", "register"],
  ["MESSAGE", "message"],
  ["INFO", "info"],
  ["REFER", "refer"],
  ["NOTIFY", "notify"],
  ["SUBSCRIBE", "subscribe"],
  ["UPDATE", "update"],
  ["PRACK", "prack"],
])

/** The handler of `method`, else the fallback. */
export const handlerFor = (handlers: Handlers, method: string): Handler | undefined => {
  const name = byMethod.get(method)
  return (name === undefined ? undefined : handlers[name]) ?? handlers.fallback
}

/** The methods we accept (§20.5 Allow): those with a handler, plus what the stack itself handles. */
export const allowedMethods = (handlers: Handlers): ReadonlyArray<string> => {
  const own = [...byMethod].filter(([, name]) => handlers[name] !== undefined).map(([method]) => method)
  return [...new Set(["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", ...own])].filter(
    (m) => m !== "INVITE" || handlers.invite !== undefined || handlers.fallback !== undefined,
  )
}
