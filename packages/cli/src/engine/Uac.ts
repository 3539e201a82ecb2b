/**
 * Uac — `sip send`: one request followed to its end over the Endpoint (RFC 3261 §8.1, §13.2, §9.1, §22.2).
 *
 * - Any method: the final response decides (2xx → ok, else failed); 401/407 is answered once with digest
 *   credentials when the user gave them (§22.2: same Call-ID and From tag, CSeq + 1, a new branch).
 * - INVITE: every 2xx is ACKed by the UA core (§13.2.2.4, built from the dialog by @sipkit/fsm/dialog) and
 *   re-ACKed on retransmission; `hangupAfterMs` sends BYE when the call is up; `cancelAfterMs` sends CANCEL
 *   (§9.1: only after a provisional response) when no final response came by then, and a 487 is then the
 *   expected end.
 * - `timeoutMs` bounds the whole exchange (exit 2), besides Timer B/F of the transaction.
 * The transaction machines are @sipkit/fsm's; this file only decides what to send next.
 */
import {
  getCSeq,
  getHeaderValues,
  getTo,
  headerKey,
  makeRequest,
  parseUri,
  type Request,
  type Response,
} from "@sipkit/codec"
import { authorize, parseChallenges } from "@sipkit/codec/digest"
import { type Dialog, makeAck, makeInDialogRequest, makeUacDialog, requestTarget } from "@sipkit/fsm/dialog"
import { newBranch, newCallId, newCnonce, newTag } from "../Ids.js"
import { formatHostPort, type HostPort } from "../options/Common.js"
import type { Endpoint } from "./Endpoint.js"

export interface UacPlan {
  readonly method: string
  readonly uri: string
  readonly target: HostPort
  readonly from: string | undefined
  readonly to: string | undefined
  readonly headers: ReadonlyArray<readonly [string, string]>
  readonly body: { readonly bytes: Uint8Array; readonly contentType: string } | undefined
  readonly proxy: string | undefined
  readonly credentials: { readonly user: string; readonly password: string } | undefined
  readonly timeoutMs: number
  readonly hangupAfterMs: number | undefined
  readonly cancelAfterMs: number | undefined
  readonly expires: number | undefined
}

/** How an exchange ended; `exit` is the code `sip send` returns for it. */
export type UacOutcome =
  | {
      readonly _tag: "Final"
      readonly response: Response
      readonly ms: number
      readonly ok: boolean
      readonly note: string
    }
  | { readonly _tag: "Timeout"; readonly ms: number; readonly note: string }

export const outcomeExit = (outcome: UacOutcome): 0 | 1 | 2 =>
  outcome._tag === "Timeout" ? 2 : outcome.ok ? 0 : 1

const bracketed = (value: string): string => (value.includes("<") ? value : `<${value}>`)

/** The host:port a URI sends to (default 5060/5061); `fallback` when it is not a sip/sips URI. */
export const uriDestination = (uri: string, fallback: HostPort): HostPort => {
  const parsed = parseUri(uri.replace(/^<|>$/g, ""))
  if (parsed._tag === "Err" || parsed.value._tag !== "SipUri") return fallback
  const host = parsed.value.host.replace(/^\[|\]$/g, "")
  return { host, port: parsed.value.port ?? (parsed.value.scheme === "sips" ? 5061 : 5060) }
}

/** Where a request in `dialog` goes first: the first Route, else the remote target (§12.2.1.1, §8.1.2). */
const dialogDestination = (dialog: Dialog, fallback: HostPort): HostPort => {
  const target = requestTarget(dialog)
  const first = target.routes[0]
  return uriDestination(first ?? target.uri, fallback)
}

const defaultIdentity = (plan: UacPlan, local: HostPort): string => {
  const user = plan.credentials?.user ?? "sip"
  if (plan.method !== "REGISTER") return `<sip:${user}@${formatHostPort(local)}>`
  const parsed = parseUri(plan.uri)
  const host = parsed._tag === "Ok" && parsed.value._tag === "SipUri" ? parsed.value.host : local.host
  return `<sip:${user}@${host}>`
}

interface Identity {
  readonly callId: string
  readonly from: string
  readonly to: string
  readonly contact: string
}

const makeIdentity = (plan: UacPlan, local: HostPort): Identity => {
  const from = plan.from === undefined ? defaultIdentity(plan, local) : bracketed(plan.from)
  const to = plan.to !== undefined ? bracketed(plan.to) : plan.method === "REGISTER" ? from : `<${plan.uri}>`
  return {
    callId: newCallId(local.host),
    from: `${from};tag=${newTag()}`,
    to,
    contact: `<sip:${plan.credentials?.user ?? "sip"}@${formatHostPort(local)}>`,
  }
}

const via = (local: HostPort) => `SIP/2.0/UDP ${formatHostPort(local)};branch=${newBranch()};rport`

const wantsContact = (method: string) =>
  ["INVITE", "REGISTER", "SUBSCRIBE", "REFER", "UPDATE"].includes(method)

const buildRequest = (
  plan: UacPlan,
  identity: Identity,
  local: HostPort,
  seq: number,
  auth: ReadonlyArray<readonly [string, string]>,
): Request =>
  makeRequest({
    method: plan.method,
    uri: plan.uri,
    headers: [
      ["Via", via(local)],
      ["Max-Forwards", "70"],
      ...(plan.proxy === undefined ? [] : [["Route", `<${plan.proxy.replace(/^<|>$/g, "")};lr>`] as const]),
      ["From", identity.from],
      ["To", identity.to],
      ["Call-ID", identity.callId],
      ["CSeq", `${seq} ${plan.method}`],
      ...(wantsContact(plan.method) && !plan.headers.some(([name]) => headerKey(name) === "contact")
        ? [["Contact", identity.contact] as const]
        : []),
      ...(plan.expires === undefined ? [] : [["Expires", String(plan.expires)] as const]),
      ...auth,
      ["User-Agent", "sipkit-cli/0.1.0"],
      ...plan.headers,
      ...(plan.body === undefined ? [] : [["Content-Type", plan.body.contentType] as const]),
    ],
    ...(plan.body === undefined ? {} : { body: plan.body.bytes }),
  })

/** The CANCEL of `invite` (§9.1): same Request-URI, Call-ID, From, To, top Via and CSeq number. */
export const makeCancel = (invite: Request): Request => {
  const cseq = getCSeq(invite)
  const seq = cseq._tag === "Ok" ? cseq.value.seq : 1
  const pick = (name: string) => getHeaderValues(invite, name)
  return makeRequest({
    method: "CANCEL",
    uri: invite.uri,
    headers: [
      ["Via", pick("Via")[0] ?? ""],
      ["Max-Forwards", "70"],
      ...pick("Route").map((route) => ["Route", route] as const),
      ["From", pick("From")[0] ?? ""],
      ["To", pick("To")[0] ?? ""],
      ["Call-ID", pick("Call-ID")[0] ?? ""],
      ["CSeq", `${seq} CANCEL`],
    ],
  })
}

/** Runs one exchange; resolves once it has ended (never rejects). */
export const runExchange = (endpoint: Endpoint, plan: UacPlan, now: () => number): Promise<UacOutcome> =>
  new Promise((resolve) => {
    const local = endpoint.local
    const identity = makeIdentity(plan, local)
    const started = now()
    let seq = 1
    let authTried = false
    let provisional = false
    let cancelWanted = false
    let cancelled = false
    let done = false
    let invite: Request | undefined
    let ack: { request: Request; to: HostPort } | undefined
    const timers: Array<NodeJS.Timeout> = []

    const finish = (outcome: UacOutcome) => {
      if (done) return
      done = true
      for (const timer of timers) clearTimeout(timer)
      resolve(outcome)
    }
    const later = (ms: number, f: () => void) => timers.push(setTimeout(f, ms))
    const final = (response: Response, ok: boolean, note: string) =>
      finish({ _tag: "Final", response, ms: now() - started, ok, note })

    const sendCancel = () => {
      if (invite === undefined || cancelled) return
      cancelled = true
      endpoint.request(makeCancel(invite), plan.target, { onResponse: () => {}, onEnd: () => {} })
    }

    const hangUp = (dialog: Dialog, answer: Response) => {
      const bye = makeInDialogRequest(dialog, { method: "BYE", via: via(local) })
      if (bye._tag === "Err") return final(answer, false, `cannot build BYE: ${bye.error.reason}`)
      endpoint.request(bye.value.request, dialogDestination(dialog, plan.target), {
        onResponse: (response) => {
          if (response.status >= 200)
            final(answer, response.status < 300, `call answered, BYE → ${response.status} ${response.reason}`)
        },
        onEnd: (reason) => {
          if (reason._tag !== "Normal")
            finish({ _tag: "Timeout", ms: now() - started, note: "no answer to BYE" })
        },
      })
    }

    const acknowledge = (request: Request, response: Response) => {
      if (ack !== undefined) return endpoint.sendDirect(ack.request, ack.to)
      const dialog = makeUacDialog(request, response)
      if (dialog._tag === "Err")
        return final(response, false, `2xx without a usable dialog: ${dialog.error.reason}`)
      ack = {
        request: makeAck(dialog.value, seq, { via: via(local) }),
        to: dialogDestination(dialog.value, plan.target),
      }
      endpoint.sendDirect(ack.request, ack.to)
      // §9.1: a 2xx that crossed our CANCEL is a call that is up; end it at once.
      if (cancelled) return hangUp(dialog.value, response)
      if (plan.hangupAfterMs === undefined)
        return final(response, true, "call answered (no BYE: --hangup-after-ms not given)")
      const up = dialog.value
      later(plan.hangupAfterMs, () => hangUp(up, response))
    }

    const challenge = (request: Request, response: Response): boolean => {
      if (authTried || plan.credentials === undefined) return false
      const header = response.status === 401 ? "WWW-Authenticate" : "Proxy-Authenticate"
      const challenges = parseChallenges(getHeaderValues(response, header))
      if (challenges._tag === "Err") return false
      const value = authorize(
        challenges.value,
        { username: plan.credentials.user, password: plan.credentials.password },
        { method: request.method, uri: request.uri, cnonce: newCnonce(), nc: 1 },
      )
      if (value._tag === "Err") return false
      authTried = true
      seq++
      send([[response.status === 401 ? "Authorization" : "Proxy-Authorization", value.value]])
      return true
    }

    const onFinal = (request: Request, response: Response) => {
      if (response.status < 300) {
        if (request.method === "INVITE") return acknowledge(request, response)
        return final(response, true, "")
      }
      if ((response.status === 401 || response.status === 407) && challenge(request, response)) return
      if (cancelled && response.status === 487) return final(response, true, "call cancelled as asked")
      final(response, false, "")
    }

    const send = (auth: ReadonlyArray<readonly [string, string]>) => {
      const request = buildRequest(plan, identity, local, seq, auth)
      if (request.method === "INVITE") invite = request
      let finalSeen = false
      const result = endpoint.request(request, plan.target, {
        onResponse: (response) => {
          if (response.status < 200) {
            provisional = true
            if (cancelWanted) sendCancel()
            return
          }
          // A 2xx retransmission (Accepted state, RFC 6026) is ACKed again; other repeats are absorbed.
          if (finalSeen) {
            if (response.status < 300 && request.method === "INVITE" && getTo(response)._tag === "Ok")
              acknowledge(request, response)
            return
          }
          finalSeen = true
          onFinal(request, response)
        },
        onEnd: (reason) => {
          if (reason._tag !== "Normal" && !finalSeen)
            finish({
              _tag: "Timeout",
              ms: now() - started,
              note: reason._tag === "Timeout" ? `no final response (Timer ${reason.timer})` : reason.reason,
            })
        },
      })
      if (result._tag === "Err") finish({ _tag: "Timeout", ms: 0, note: `cannot send: ${result.error}` })
    }

    later(plan.timeoutMs, () =>
      finish({ _tag: "Timeout", ms: now() - started, note: `no final response within ${plan.timeoutMs} ms` }),
    )
    if (plan.cancelAfterMs !== undefined)
      later(plan.cancelAfterMs, () => {
        cancelWanted = true
        if (provisional) sendCancel()
      })
    send([])
  })
