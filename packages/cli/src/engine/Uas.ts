/**
 * Uas — what `sip listen` answers (RFC 3261 §8.2, §13.3, §9.2, §10.3 through @sipkit/fsm/registrar):
 * - a request that fails the §8.2 checks gets the status the codec names (400, 416 …) with a Warning saying why;
 *   a Require we do not support → 420 with Unsupported (§8.2.2.3). (Max-Forwards 0 is a proxy's concern, §16.3.)
 * - OPTIONS → 200 with Allow, Accept, Supported; MESSAGE → 200; BYE / INFO / UPDATE in a dialog → 200, else 481;
 * - INVITE → 180 (or 183 with the SDP answer, `earlyMedia`), then after `ringMs` the final response: 200 with an
 *   SDP answer negotiated from the offer (PCMU, PCMA, telephone-event; 488 when nothing matches) or `answer`;
 *   the 2xx is retransmitted (T1 doubling to T2) until its ACK, for 64·T1 at most (§13.3.1.4);
 * - CANCEL of a pending INVITE → 200 and 487 for the INVITE (§9.2); else 481;
 * - REGISTER → the fsm registrar when `registrar` (digest for `users`), else 405 with Allow;
 * - methods RFC 3261 and its extensions define but we do not handle → 405 with Allow; unknown methods → 501.
 * The server transactions (retransmissions, ACK of non-2xx, Timers G/H/I/J) are the fsm's, run by Endpoint.
 */
import {
  getCallId,
  getFrom,
  getHeaderValues,
  getTag,
  getTo,
  headerKey,
  makeResponse,
  parseUri,
  type Request,
  type Response,
  validateRequest,
} from "@sipkit/codec"
import {
  type Binding,
  type LocationStore,
  makeDigestAuthenticator,
  makeMemoryLocationStore,
  makeRegistrarConfig,
  register,
} from "@sipkit/fsm/registrar"
import { cancelTargetKey, type TransactionKey } from "@sipkit/fsm/transaction"
import { formatHostPort, type HostPort } from "../options/Common.js"
import type { ListenOptions } from "../options/ListenOptions.js"
import type { Endpoint, EndpointHandlers } from "./Endpoint.js"
import { newTag } from "./Ids.js"
import { answerOffer, defaultOffer } from "./Media.js"

export const allowed = ["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "MESSAGE", "INFO", "UPDATE"]
const knownButNotHandled = ["SUBSCRIBE", "NOTIFY", "REFER", "PUBLISH", "PRACK"]
const T1 = 500
const T2 = 4000

export interface UasStats {
  requests: Record<string, number>
  responses: Record<string, number>
  callsAnswered: number
  callsRejected: number
  callsCancelled: number
  callsEnded: number
  acksMissing: number
  registrations: number
}

interface PendingInvite {
  readonly request: Request
  readonly toTag: string
  readonly timer: NodeJS.Timeout | undefined
}

interface Confirming {
  readonly response: Response
  readonly remote: HostPort
  timer: NodeJS.Timeout | undefined
  acked: boolean
}

export interface Uas {
  readonly handlers: EndpointHandlers
  readonly stats: UasStats
  /** The registrar's live bindings of an AOR (for the proxy). */
  readonly bindings: (aor: string, now: number) => ReadonlyArray<Binding>
  /** The domains this element is responsible for. */
  readonly domains: ReadonlyArray<string>
  /** Stops every ring and 2xx-retransmission timer. */
  readonly close: () => void
}

const textDecoder = new TextDecoder()

/** §12.1.1: "The UAS MUST copy all Record-Route header field values from the request into the response". */
const recordRoutes = (request: Request): ReadonlyArray<readonly [string, string]> =>
  request.headers
    .filter((h) => headerKey(h.name) === "record-route")
    .map((h) => ["Record-Route", h.value] as const)

const dialogKeyOf = (callId: string, localTag: string, remoteTag: string) =>
  `${callId};${localTag};${remoteTag}`

/** The dialog key of a request seen from the UAS: our tag is in To, the peer's in From. */
const requestDialogKey = (request: Request): string | undefined => {
  const callId = getCallId(request)
  const to = getTo(request)
  const from = getFrom(request)
  if (callId._tag === "Err" || to._tag === "Err" || from._tag === "Err") return undefined
  const local = getTag(to.value)
  if (local === undefined) return undefined
  return dialogKeyOf(callId.value, local, getTag(from.value) ?? "")
}

export const makeUas = (endpoint: () => Endpoint, options: ListenOptions): Uas => {
  const stats: UasStats = {
    requests: {},
    responses: {},
    callsAnswered: 0,
    callsRejected: 0,
    callsCancelled: 0,
    callsEnded: 0,
    acksMissing: 0,
    registrations: 0,
  }
  const pending = new Map<TransactionKey, PendingInvite>()
  const confirming = new Map<string, Confirming>()
  const dialogs = new Set<string>()
  const nonceSecret = newTag() + newTag()
  const hostPort = formatHostPort({ host: options.host, port: options.port })
  /** Our Contact for a dialog: the user the request was for (bob@ for sip:bob@…), else `listen`. */
  const contactFor = (request: Request) => {
    const uri = parseUri(request.uri)
    const user = uri._tag === "Ok" && uri.value._tag === "SipUri" ? uri.value.user : undefined
    return `<sip:${user ?? "listen"}@${hostPort}>`
  }
  const domains = [
    ...new Set(
      [options.host, options.realm, "localhost", "127.0.0.1", "::1", "[::1]"].map((d) => d.toLowerCase()),
    ),
  ]
  const registrar = makeRegistrarConfig({
    domains,
    minExpires: 1,
    authenticator: () =>
      options.users.size === 0
        ? undefined
        : makeDigestAuthenticator({
            realm: options.realm,
            nonceSecret,
            lookup: (user) => {
              const password = options.users.get(user)
              return password === undefined ? undefined : { password }
            },
          }),
  })
  let store: LocationStore = makeMemoryLocationStore()

  const count = (table: Record<string, number>, key: string) => {
    table[key] = (table[key] ?? 0) + 1
  }

  const reply = (key: TransactionKey, response: Response) => {
    count(stats.responses, String(response.status))
    endpoint().respond(key, response)
  }

  const answer = (
    key: TransactionKey,
    request: Request,
    status: number,
    extra: { toTag?: string; headers?: ReadonlyArray<readonly [string, string]>; body?: string } = {},
  ) => reply(key, makeResponse(request, status, extra))

  const allowHeader: ReadonlyArray<readonly [string, string]> = [
    ["Allow", [...allowed, ...(options.registrar ? ["REGISTER"] : [])].join(", ")],
  ]

  const retransmit2xx = (key: string, interval: number, elapsed: number) => {
    const entry = confirming.get(key)
    if (entry === undefined || entry.acked) return
    if (elapsed >= 64 * T1) {
      stats.acksMissing++
      confirming.delete(key)
      return
    }
    entry.timer = setTimeout(() => {
      const current = confirming.get(key)
      if (current === undefined || current.acked) return
      endpoint().sendDirect(current.response, current.remote)
      retransmit2xx(key, Math.min(interval * 2, T2), elapsed + interval)
    }, interval)
  }

  const sdpOf = (request: Request) => {
    const type = (getHeaderValues(request, "Content-Type")[0] ?? "").toLowerCase()
    return request.body.length > 0 && type.startsWith("application/sdp")
      ? textDecoder.decode(request.body)
      : undefined
  }

  /** The final response to a pending INVITE: 200 with SDP (answer, or our offer when the INVITE had none) or `answer`. */
  const finalFor = (key: TransactionKey, remote: HostPort) => {
    const call = pending.get(key)
    if (call === undefined) return
    pending.delete(key)
    const { request, toTag } = call
    if (options.answer >= 300) {
      stats.callsRejected++
      return answer(key, request, options.answer, { toTag })
    }
    const offer = sdpOf(request)
    const negotiated = offer === undefined ? undefined : answerOffer(offer, options.host)
    if (negotiated?._tag === "Reject") {
      stats.callsRejected++
      return answer(key, request, negotiated.status, {
        toTag,
        ...(negotiated.warning === undefined ? {} : { headers: [["Warning", negotiated.warning]] }),
      })
    }
    const sdp = negotiated === undefined ? defaultOffer(options.host) : negotiated.sdp
    const response = makeResponse(request, options.answer, {
      toTag,
      headers: [
        ...recordRoutes(request),
        ["Contact", contactFor(request)],
        ...allowHeader,
        ["Content-Type", "application/sdp"],
      ],
      body: sdp,
    })
    stats.callsAnswered++
    reply(key, response)
    const callId = getCallId(request)
    const from = getFrom(request)
    if (callId._tag === "Err" || from._tag === "Err") return
    const dialog = dialogKeyOf(callId.value, toTag, getTag(from.value) ?? "")
    dialogs.add(dialog)
    confirming.set(dialog, { response, remote, timer: undefined, acked: false })
    retransmit2xx(dialog, T1, 0)
  }

  const invite = (key: TransactionKey, request: Request, remote: HostPort) => {
    if (requestDialogKey(request) !== undefined) {
      // A re-INVITE: answered in the dialog we know, else 481 (§12.2.2).
      const known = dialogs.has(requestDialogKey(request) ?? "")
      if (!known) return answer(key, request, 481)
      const offer = sdpOf(request)
      const negotiated = offer === undefined ? undefined : answerOffer(offer, options.host)
      if (negotiated?._tag === "Reject") return answer(key, request, negotiated.status)
      return answer(key, request, 200, {
        headers: [
          ["Contact", contactFor(request)],
          ["Content-Type", "application/sdp"],
        ],
        body: negotiated?.sdp ?? defaultOffer(options.host),
      })
    }
    const toTag = newTag()
    const offer = sdpOf(request)
    if (options.earlyMedia && offer !== undefined) {
      const early = answerOffer(offer, options.host)
      if (early._tag === "Answer")
        answer(key, request, 183, {
          toTag,
          headers: [
            ...recordRoutes(request),
            ["Contact", contactFor(request)],
            ["Content-Type", "application/sdp"],
          ],
          body: early.sdp,
        })
    } else
      answer(key, request, 180, {
        toTag,
        headers: [...recordRoutes(request), ["Contact", contactFor(request)]],
      })
    const timer = options.ringMs > 0 ? setTimeout(() => finalFor(key, remote), options.ringMs) : undefined
    pending.set(key, { request, toTag, timer })
    if (timer === undefined) finalFor(key, remote)
  }

  const cancel = (key: TransactionKey, request: Request) => {
    const target = cancelTargetKey(request)
    const call = target._tag === "Ok" ? pending.get(target.value) : undefined
    if (target._tag === "Err" || call === undefined) return answer(key, request, 481)
    pending.delete(target.value)
    if (call.timer !== undefined) clearTimeout(call.timer)
    stats.callsCancelled++
    answer(key, request, 200)
    answer(target.value, call.request, 487, { toTag: call.toTag })
  }

  const inDialog = (key: TransactionKey, request: Request, ends: boolean) => {
    const dialog = requestDialogKey(request)
    if (dialog === undefined || !dialogs.has(dialog)) return answer(key, request, 481)
    if (ends) {
      dialogs.delete(dialog)
      const entry = confirming.get(dialog)
      if (entry?.timer !== undefined) clearTimeout(entry.timer)
      confirming.delete(dialog)
      stats.callsEnded++
    }
    answer(key, request, 200)
  }

  const registerRequest = (key: TransactionKey, request: Request) => {
    if (!options.registrar) return answer(key, request, 405, { headers: allowHeader })
    const result = register(registrar, store, { request, now: Date.now(), toTag: newTag() })
    store = result.store
    if (result.response.status < 300) stats.registrations++
    reply(key, result.response)
  }

  /** §8.2 checks before any method: what the RFC expects of an endpoint for malformed or odd requests. */
  const refused = (key: TransactionKey, request: Request): boolean => {
    const valid = validateRequest(request)
    if (valid._tag === "Err") {
      answer(key, request, valid.error.status, {
        headers: [["Warning", `399 ${formatHostPort(options)} ${JSON.stringify(valid.error.reason)}`]],
      })
      return true
    }
    const required = getHeaderValues(request, "Require")
    if (required.length > 0 && request.method !== "CANCEL") {
      answer(key, request, 420, { headers: [["Unsupported", required.join(", ")]] })
      return true
    }
    return false
  }

  const onRequest = (request: Request, remote: HostPort, key: TransactionKey) => {
    count(stats.requests, request.method)
    if (refused(key, request)) return
    switch (request.method) {
      case "OPTIONS":
        return answer(key, request, 200, {
          headers: [...allowHeader, ["Accept", "application/sdp"], ["Supported", ""]],
        })
      case "INVITE":
        return invite(key, request, remote)
      case "CANCEL":
        return cancel(key, request)
      case "BYE":
        return inDialog(key, request, true)
      case "INFO":
      case "UPDATE":
        return inDialog(key, request, false)
      case "MESSAGE":
        return answer(key, request, 200)
      case "REGISTER":
        return registerRequest(key, request)
      default:
        return answer(key, request, knownButNotHandled.includes(request.method) ? 405 : 501, {
          headers: allowHeader,
        })
    }
  }

  const onAck = (ack: Request) => {
    count(stats.requests, "ACK")
    const dialog = requestDialogKey(ack)
    const entry = dialog === undefined ? undefined : confirming.get(dialog)
    if (entry === undefined || dialog === undefined) return
    entry.acked = true
    if (entry.timer !== undefined) clearTimeout(entry.timer)
    confirming.delete(dialog)
  }

  return {
    handlers: {
      onRequest,
      onAck,
      onStrayResponse: () => {},
      onServerEnd: (_key, reason) => {
        if (reason._tag === "Timeout" && reason.timer === "H") stats.acksMissing++
      },
    },
    stats,
    bindings: (aor, now) => store.get(aor, now),
    domains,
    close: () => {
      for (const call of pending.values()) if (call.timer !== undefined) clearTimeout(call.timer)
      for (const entry of confirming.values()) if (entry.timer !== undefined) clearTimeout(entry.timer)
      pending.clear()
      confirming.clear()
    },
  }
}
