/**
 * Proxy — the stateful proxy of RFC 3261 §16 as one pure reducer: `stepProxy(config, state, event) → { state, outputs }`.
 *
 * A request goes through validation (§16.3), route preprocessing (§16.4), target determination (§16.5) and is
 * forwarded to every target of the first group (§16.6), opening a response context (§16.7) keyed by its server
 * transaction. Responses come back by the branch of this proxy's Via (§16.7 steps 1–3) and are forwarded, stored or
 * absorbed by the rules of the context (ResponseContext.ts). A CANCEL finds the context of its INVITE (§16.10); an
 * ACK is absorbed when it acknowledges this context's non-2xx answer (hop by hop) and forwarded statelessly
 * otherwise (the ACK of a 2xx, end to end). A response with no context is forwarded statelessly.
 *
 * Time, randomness (the token) and the location store come in with the events; outputs are data for the
 * transaction layer, the transport and the timer facility to act on.
 *
 * Never: clocks, randomness, I/O; never throws on network input.
 */
import {
  getCSeq,
  getVias,
  makeResponse,
  type Request,
  removeFirstHeaderValue,
  viaBranch,
} from "@sipkit/codec"
import { cancelledKey, loopHash, transactionKey } from "./Keys.js"
import { emptyPersistentMap } from "./PersistentMap.js"
import type { ProxyConfig } from "./ProxyConfig.js"
import {
  type ContextStep,
  cancelPending,
  onFinal,
  onProvisional,
  onTimerC,
  openBranches,
  synthesize,
} from "./ResponseContext.js"
import { preprocessRoute } from "./Routing.js"
import { forwardResponseStateless, forwardStateless, isOwnVia } from "./Stateless.js"
import { determineTargets, forkPlan } from "./Targets.js"
import type { Branch, ProxyEvent, ProxyOutput, ProxyState, ProxyStep, ResponseContext } from "./Types.js"
import { validateProxyRequest } from "./Validation.js"

export const initialProxyState: ProxyState = {
  contexts: emptyPersistentMap(),
  branches: emptyPersistentMap(),
  lingering: emptyPersistentMap(),
  nextPurge: undefined,
}

export const stepProxy = (config: ProxyConfig, state: ProxyState, event: ProxyEvent): ProxyStep => {
  const result = dispatch(config, state, event)
  return { state: purge(result.state, event.now), outputs: result.outputs }
}

const dispatch = (config: ProxyConfig, state: ProxyState, event: ProxyEvent): ProxyStep => {
  switch (event._tag) {
    case "RequestReceived":
      return onRequest(config, state, event)
    case "ResponseReceived":
      return onResponse(config, state, event)
    case "ClientTransactionFailed":
      return onBranch(state, event.branch, (context, branch) =>
        branch.state._tag === "Completed"
          ? { context, outputs: [] }
          : onFinal(
              config,
              context,
              branch,
              synthesize(context, event.reason === "Timeout" ? 408 : 503),
              event.now,
            ),
      )
    case "TimerFired":
      return onBranch(state, event.branch, (context, branch) => onTimerC(config, context, branch, event.now))
  }
}

type RequestEvent = Extract<ProxyEvent, { _tag: "RequestReceived" }>

const onRequest = (config: ProxyConfig, state: ProxyState, event: RequestEvent): ProxyStep => {
  switch (event.request.method) {
    case "ACK":
      return onAck(config, state, event.request)
    case "CANCEL":
      return onCancel(config, state, event)
    default:
      return onNewRequest(config, state, event)
  }
}

/** An ACK for this context's non-2xx answer is hop by hop (§17.2.1); any other ACK is a 2xx ACK, end to end. */
const onAck = (config: ProxyConfig, state: ProxyState, ack: Request): ProxyStep => {
  const context = state.contexts.get(transactionKey(ack))
  if (context !== undefined && context.phase._tag === "Answered" && context.phase.status >= 300) {
    return {
      state,
      outputs: [{ _tag: "Absorbed", message: ack, reason: "ACK for a non-2xx final response" }],
    }
  }
  if (validateProxyRequest(config, ack) !== undefined) {
    return { state, outputs: [{ _tag: "Absorbed", message: ack, reason: "ACK fails validation (§16.3)" }] }
  }
  return { state, outputs: [forwardStateless(config, ack)] }
}

/**
 * §16.10: "If a response context is found, the element MUST immediately return a 200 (OK) response to the CANCEL
 * request. … the element MUST generate CANCEL requests for all pending client transactions in the context … If a
 * response context is not found, … It MUST statelessly forward the CANCEL request".
 */
const onCancel = (config: ProxyConfig, state: ProxyState, event: RequestEvent): ProxyStep => {
  const cancel = event.request
  const context = state.contexts.get(cancelledKey(cancel))
  if (context === undefined) {
    const rejection = validateProxyRequest(config, cancel)
    if (rejection === undefined) return { state, outputs: [forwardStateless(config, cancel)] }
    const response = makeResponse(cancel, rejection.status, {
      toTag: event.token,
      headers: rejection.headers,
    })
    return { state, outputs: [{ _tag: "Respond", transaction: transactionKey(cancel), response }] }
  }
  const ok: ProxyOutput = {
    _tag: "Respond",
    transaction: transactionKey(cancel),
    response: makeResponse(cancel, 200, { toTag: context.token }),
  }
  if (context.phase._tag === "Answered") return { state, outputs: [ok] }
  const cancelled = cancelPending(config, { ...context, closed: true, later: [] }, event.now)
  return { state: store(state, cancelled.context), outputs: [ok, ...cancelled.outputs] }
}

/** §16.3–§16.6 for a new request: validate, preprocess Route, find the targets, fork. */
const onNewRequest = (config: ProxyConfig, state: ProxyState, event: RequestEvent): ProxyStep => {
  const { request, now, token } = event
  const key = transactionKey(request)
  if (state.contexts.has(key)) {
    return {
      state,
      outputs: [{ _tag: "Absorbed", message: request, reason: "retransmission of a proxied request" }],
    }
  }
  const refuse = (
    status: number,
    headers: ReadonlyArray<readonly [string, string]> = [],
    reason?: string,
  ) => ({
    state,
    outputs: [
      {
        _tag: "Respond",
        transaction: key,
        response: makeResponse(request, status, {
          toTag: token,
          headers,
          ...(reason === undefined ? {} : { reason }),
        }),
      } as const,
    ],
  })
  const rejection = validateProxyRequest(config, request)
  if (rejection !== undefined) return refuse(rejection.status, rejection.headers, rejection.reason)
  const routed = preprocessRoute(config, request)
  const targets = determineTargets(config, routed, event.location, now)
  if (targets._tag === "Unavailable") return refuse(480)
  const vias = getVias(request)
  const plan = forkPlan(config, targets.groups)
  const context: ResponseContext = {
    key,
    request,
    routed,
    inbound: event.transport ?? config.transport,
    token,
    loopHash: loopHash(request, vias._tag === "Ok" ? vias.value[0] : undefined),
    branches: [],
    later: plan.later,
    closed: false,
    finals: [],
    phase: { _tag: "Forking" },
  }
  const opened = openBranches(config, context, plan.now, now)
  // An INVITE is answered 100 (Trying) at once, so the upstream client stops retransmitting (§16.2, §17.2.1).
  const trying: ReadonlyArray<ProxyOutput> =
    request.method === "INVITE"
      ? [{ _tag: "Respond", transaction: key, response: makeResponse(request, 100) }]
      : []
  return { state: store(state, opened.context), outputs: [...trying, ...opened.outputs] }
}

type ResponseEvent = Extract<ProxyEvent, { _tag: "ResponseReceived" }>

/** §16.7 steps 1–3: find the context by this proxy's Via branch, take the Via off, hand the response to the context. */
const onResponse = (config: ProxyConfig, state: ProxyState, event: ResponseEvent): ProxyStep => {
  const { response, now } = event
  const vias = getVias(response)
  const top = vias._tag === "Ok" ? vias.value[0] : undefined
  const id = top === undefined ? undefined : viaBranch(top)
  const contextKey = id === undefined ? undefined : state.branches.get(id)
  if (top === undefined || id === undefined || contextKey === undefined || !isOwnVia(config, top)) {
    return { state, outputs: [forwardResponseStateless(config, response)] }
  }
  const cseq = getCSeq(response)
  if (cseq._tag === "Ok" && cseq.value.method === "CANCEL") {
    return {
      state,
      outputs: [{ _tag: "Absorbed", message: response, reason: "response to this proxy's CANCEL" }],
    }
  }
  const stripped = removeFirstHeaderValue(response, "Via")
  return onBranch(state, id, (context, branch) =>
    response.status < 200
      ? onProvisional(config, context, branch, stripped, now)
      : onFinal(config, context, branch, stripped, now),
  )
}

/** Runs a context step for the branch `id`; nothing happens for a branch this proxy does not know. */
const onBranch = (
  state: ProxyState,
  id: string,
  run: (context: ResponseContext, branch: Branch) => ContextStep,
): ProxyStep => {
  const key = state.branches.get(id)
  const context = key === undefined ? undefined : state.contexts.get(key)
  const branch = context?.branches.find((candidate) => candidate.id === id)
  if (context === undefined || branch === undefined) return { state, outputs: [] }
  const result = run(context, branch)
  return { state: result.context === context ? state : store(state, result.context), outputs: result.outputs }
}

const store = (state: ProxyState, context: ResponseContext): ProxyState => {
  let branches = state.branches
  for (const branch of context.branches) {
    if (!branches.has(branch.id)) branches = branches.set(branch.id, context.key)
  }
  const until = context.phase._tag === "Answered" ? context.phase.lingerUntil : undefined
  const linger = until !== undefined && !state.lingering.has(context.key)
  return {
    contexts: state.contexts.set(context.key, context),
    branches,
    lingering: linger ? state.lingering.set(context.key, until) : state.lingering,
    nextPurge: linger ? Math.min(until, state.nextPurge ?? until) : state.nextPurge,
  }
}

/**
 * Drops the contexts whose linger time has passed (answered, no pending branch). Only the lingering ones are looked
 * at, and only once the earliest of their deadlines has passed.
 */
const purge = (state: ProxyState, now: number): ProxyState => {
  if (state.nextPurge === undefined || now < state.nextPurge) return state
  let { contexts, branches, lingering } = state
  let nextPurge: number | undefined
  for (const [key, until] of state.lingering.entries()) {
    if (until > now) {
      nextPurge = Math.min(until, nextPurge ?? until)
      continue
    }
    for (const branch of contexts.get(key)?.branches ?? []) branches = branches.delete(branch.id)
    contexts = contexts.delete(key)
    lingering = lingering.delete(key)
  }
  return { contexts, branches, lingering, nextPurge }
}
