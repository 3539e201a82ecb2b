/**
 * Call — the client side of a call: `call(target, offer)` gives the UA core of @sipkit/fsm/ua an `Invite` and returns
 * a handle at once. The core sends the INVITE, ACKs every 2xx (§13.2.2.4), CANCELs (§9.1), hangs up (§15.1.1),
 * re-INVITEs (§14.1) and sends requests inside the dialog; its reports become the handle's `events` (trying,
 * ringing, early media, answered, failed, ended).
 *
 * The runtime's own part: the Call-ID and tag (from `Ids`), this endpoint's Contact for the transport the call goes
 * on, the preloaded route of an outbound proxy (§8.1.2), and who waits for which response.
 */
import { getCSeq, getHeader, type Response } from "@sipkit/codec"
import { type CallRef, callRef, type UaReport } from "@sipkit/fsm/ua"
import { type Cause, Deferred, Effect, Queue, Stream } from "effect"
import { RequestFailed, type SendOptions, targetsFor } from "./Client.js"
import { type Core, type DialogEntry, pickListener } from "./Core.js"
import { localContact } from "./Server.js"
import { type Observer, stripBrackets, type UaInput, uaOf, uaStep } from "./UaCore.js"

export type CallEvent =
  | { readonly _tag: "Trying"; readonly response: Response }
  | { readonly _tag: "Ringing"; readonly response: Response }
  | { readonly _tag: "EarlyMedia"; readonly sdp: string; readonly response: Response }
  | { readonly _tag: "Answered"; readonly sdp: string | undefined; readonly response: Response }
  | { readonly _tag: "Failed"; readonly status: number; readonly reason: string }
  | { readonly _tag: "Ended"; readonly by: "local" | "remote"; readonly reason: string }

export interface CallHandle {
  readonly callId: string
  readonly events: Stream.Stream<CallEvent>
  /** §9.1: CANCEL the INVITE (sent once a provisional response arrived); no-op after a final response. */
  readonly cancel: Effect.Effect<void>
  /** BYE when answered, CANCEL before. */
  readonly hangup: Effect.Effect<void>
  /** re-INVITE with a new offer; the answer's SDP. */
  readonly reoffer: (sdp: string) => Effect.Effect<Response, RequestFailed>
  /** Any request inside the dialog (INFO, REFER, MESSAGE, UPDATE …). */
  readonly request: (
    method: string,
    init?: {
      readonly headers?: ReadonlyArray<readonly [string, string]>
      readonly body?: string
      readonly contentType?: string
    },
  ) => Effect.Effect<Response, RequestFailed>
  readonly info: (body: string, contentType: string) => Effect.Effect<Response, RequestFailed>
  readonly refer: (target: string) => Effect.Effect<Response, RequestFailed>
}

export interface CallOptions {
  readonly from?: string | undefined
  /** The To header (a name-addr, e.g. `"Bob" <sip:bob@example.com>`); default `<target>`. */
  readonly to?: string | undefined
  readonly headers?: ReadonlyArray<readonly [string, string]> | undefined
  readonly credentials?: SendOptions["credentials"]
  /** §8.1.2: send through this proxy (`sip:proxy.example.com`; `;lr` is added): preloaded as the Route. */
  readonly outboundProxy?: string | undefined
  /** §8.1.2: a preloaded route set (name-addrs or URIs, each a loose router), instead of `outboundProxy`. */
  readonly route?: ReadonlyArray<string> | undefined
  /** The INVITE's Contact (a URI or `<URI>`, §8.1.1.8); default: this endpoint's address on the transport used. */
  readonly contact?: string | undefined
}

/** The preloaded route set of an `outboundProxy` or `route` option, each entry `<uri;lr>` (§8.1.2, §16.12). */
export const preloadedRoute = (options: {
  readonly outboundProxy?: string | undefined
  readonly route?: ReadonlyArray<string> | undefined
}): ReadonlyArray<string> | undefined => {
  const entries = options.route ?? (options.outboundProxy === undefined ? undefined : [options.outboundProxy])
  return entries?.map((entry) => {
    const uri = stripBrackets(entry)
    return `<${/;lr(=|;|$)/i.test(uri) ? uri : `${uri};lr`}>`
  })
}

const text = (body: Uint8Array): string => new TextDecoder().decode(body)

/** Waits for the final response of the one request a command makes. */
const observed = () => {
  const done = Deferred.makeUnsafe<Response, RequestFailed>()
  const observer: Observer = {
    onFinal: (response) => Deferred.succeed(done, response).pipe(Effect.asVoid),
    onFailed: (status, reason) =>
      Deferred.fail(done, new RequestFailed({ status, reason })).pipe(Effect.asVoid),
  }
  let taken = false
  const observe = () => {
    if (taken) return undefined
    taken = true
    return observer
  }
  return { observe, done, sent: () => taken }
}

/** Runs a command of `call` and waits for the final response to the request it sends. */
export const commandAndWait = (core: Core, input: UaInput) =>
  Effect.gen(function* () {
    const { observe, done, sent } = observed()
    yield* uaStep(core, input, { observe })
    if (!sent()) {
      // §15: a UAS hanging up before the ACK of its 2xx sends its BYE once the ACK came; wait for that one
      const call = input._tag === "Hangup" ? uaOf(core).state.calls.get(input.call) : undefined
      if (call?.byeAfterAck !== true)
        return yield* new RequestFailed({ status: 481, reason: "the call has no dialog for it" })
      uaOf(core).pendingByes.set(call.ref, observe()!)
    }
    return yield* Deferred.await(done)
  })

type InDialogInit = {
  readonly headers?: ReadonlyArray<readonly [string, string]>
  readonly body?: string
  readonly contentType?: string
}

/** A request inside `call`'s dialog (a BYE hangs up, §15.1.1); its final response. */
export const requestInCall = (core: Core, call: CallRef, method: string, init: InDialogInit = {}) =>
  method === "BYE"
    ? commandAndWait(core, { _tag: "Hangup", call })
    : commandAndWait(core, {
        _tag: "SendInDialog",
        call,
        method,
        ...(init.headers === undefined ? {} : { headers: init.headers }),
        ...(init.body === undefined ? {} : { body: init.body }),
        ...(init.contentType === undefined ? {} : { contentType: init.contentType }),
      })

/** Sends a request inside `entry`'s dialog and waits for its final response. */
export const sendInDialog = (core: Core, entry: DialogEntry, method: string, init: InDialogInit = {}) =>
  entry.call === undefined
    ? Effect.fail(new RequestFailed({ status: 481, reason: "no such dialog" }))
    : requestInCall(core, entry.call, method, init)

export const call = (core: Core, target: string, offer: string | undefined, options: CallOptions = {}) =>
  Effect.gen(function* () {
    const events = yield* Queue.unbounded<CallEvent, Cause.Done>()
    const emit = (event: CallEvent) => Queue.offer(events, event).pipe(Effect.asVoid)
    const finish = (event: CallEvent) => Effect.andThen(emit(event), Queue.end(events))

    const callId = core.ids.callId()
    const localTag = core.ids.tag()
    const ref = callRef(callId, localTag)
    const route = preloadedRoute(options)
    const uri = stripBrackets(target)
    const [first] = yield* targetsFor(core, route?.[0] === undefined ? uri : stripBrackets(route[0]))
    const at = pickListener(core, first?.transport ?? "UDP", first?.host ?? "127.0.0.1")
    const contact = localContact(core, {
      transport: first?.transport ?? at?.transport.kind ?? "UDP",
      host: first?.host ?? "127.0.0.1",
      port: first?.port ?? 5060,
    })
    const from = options.from ?? `<sip:${core.config.user}@${at?.advertised.host ?? "localhost"}>`

    let answered = false
    let last: Response | undefined
    let lastProvisional: Response | undefined
    let repeated = false
    const settled = Effect.sync(() => void core.pendingCalls.delete(cancelCall))

    const onReport = (report: UaReport): Effect.Effect<void> => {
      switch (report._tag) {
        case "Ringing": {
          const response = last
          if (response === undefined || repeated) return Effect.void
          return report.sdp === undefined
            ? emit({ _tag: "Ringing", response })
            : emit({ _tag: "EarlyMedia", sdp: report.sdp, response })
        }
        case "Established": {
          answered = true
          const response = last
          if (response === undefined) return settled
          const sdp = response.body.byteLength > 0 ? text(response.body) : undefined
          return Effect.andThen(settled, emit({ _tag: "Answered", sdp, response }))
        }
        case "Ended":
          return Effect.andThen(
            settled,
            answered
              ? finish({ _tag: "Ended", by: report.by, reason: report.reason })
              : finish({ _tag: "Failed", status: report.status, reason: report.reason }),
          )
        default:
          return Effect.void
      }
    }
    // the responses of this call pass here before the core sees them: the events carry them; a 100 is "Trying",
    // and a retransmitted provisional (same status, To and body) says nothing new
    const onResponse = (response: Response): Effect.Effect<void> => {
      // only the INVITE's responses before the answer (not those of a re-INVITE, BYE or INFO later)
      const cseq = getCSeq(response)
      if (answered || cseq._tag === "Err" || cseq.value.method !== "INVITE") return Effect.void
      last = response
      if (response.status >= 200) return Effect.void
      repeated =
        lastProvisional !== undefined &&
        lastProvisional.status === response.status &&
        getHeader(lastProvisional, "To") === getHeader(response, "To") &&
        text(lastProvisional.body) === text(response.body)
      lastProvisional = response
      return response.status === 100 && !repeated ? emit({ _tag: "Trying", response }) : Effect.void
    }
    uaOf(core).listeners.set(ref, { onReport, onResponse })

    const cancelCall: Effect.Effect<void> = uaStep(core, { _tag: "Cancel", call: ref })
    core.pendingCalls.add(cancelCall)

    yield* uaStep(core, {
      _tag: "Invite",
      callId,
      fromTag: localTag,
      from,
      to: options.to ?? (target.startsWith("<") ? target : `<${target}>`),
      uri,
      ...(offer === undefined ? {} : { sdp: offer }),
      headers: [["User-Agent", core.config.userAgent], ...(options.headers ?? [])],
      contact: stripBrackets(options.contact ?? contact),
      ...(route === undefined ? {} : { route }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    })

    const inDialog: CallHandle["request"] = (method, init) => requestInCall(core, ref, method, init ?? {})
    const handle: CallHandle = {
      callId,
      events: Stream.fromQueue(events),
      cancel: cancelCall,
      hangup: Effect.suspend(() => {
        const phase = uaOf(core).state.calls.get(ref)?.phase
        return phase === "Confirmed"
          ? commandAndWait(core, { _tag: "Hangup", call: ref }).pipe(Effect.ignore)
          : uaStep(core, { _tag: "Hangup", call: ref })
      }),
      reoffer: (sdp) => commandAndWait(core, { _tag: "Reinvite", call: ref, sdp }),
      request: inDialog,
      info: (body, contentType) => inDialog("INFO", { body, contentType }),
      refer: (referTo) =>
        commandAndWait(core, { _tag: "Refer", call: ref, referTo: `<${stripBrackets(referTo)}>` }),
    }
    return handle
  })
