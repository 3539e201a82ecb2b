/**
 * ResponseContext — the response context of RFC 3261 §16.7: branches forked for one request, the responses they
 * return, and which of them go upstream.
 *
 * Step 5: "Until a final response has been sent on the server transaction, the following responses MUST be
 * forwarded immediately: Any provisional response other than 100 (Trying); Any 2xx response. If a 6xx response is
 * received, it is not immediately forwarded, but the stateful proxy SHOULD cancel all client pending transactions …
 * and it MUST NOT create any new branches in this context. After a final response has been sent on the server
 * transaction, the following responses MUST be forwarded immediately: Any 2xx response to an INVITE request. A
 * stateful proxy MUST NOT immediately forward any other responses."
 * Step 6: the best response once every branch has ended (BestResponse.ts). Step 10: "If the forwarded response was a
 * final response, the proxy MUST generate a CANCEL request for all pending client transactions associated with this
 * response context."
 *
 * Every function returns the next context and the outputs, in the order they must be acted on.
 */
import { makeResponse, type Response } from "@sipkit/codec"
import { chooseBest } from "./BestResponse.js"
import { makeCancel } from "./Cancel.js"
import { forwardTo } from "./Forwarding.js"
import { forkBranch } from "./Keys.js"
import type { ProxyConfig } from "./ProxyConfig.js"
import type { Branch, BranchState, ProxyOutput, ResponseContext } from "./Types.js"

export interface ContextStep {
  readonly context: ResponseContext
  readonly outputs: ReadonlyArray<ProxyOutput>
}

const isInvite = (context: ResponseContext) => context.request.method === "INVITE"

export const isPending = (branch: Branch): boolean => branch.state._tag !== "Completed"

const withBranch = (context: ResponseContext, id: string, state: BranchState): ResponseContext => ({
  ...context,
  branches: context.branches.map((branch) => (branch.id === id ? { ...branch, state } : branch)),
})

const respond = (context: ResponseContext, response: Response): ProxyOutput => ({
  _tag: "Respond",
  transaction: context.key,
  response,
})

/** §16.6 for each target; Timer C for INVITE branches (step 11). */
export const openBranches = (
  config: ProxyConfig,
  context: ResponseContext,
  targets: ReadonlyArray<string>,
  now: number,
): ContextStep => {
  const timerC = isInvite(context) ? now + config.timerC : undefined
  const fresh: ReadonlyArray<Branch> = targets.map((target, i) => {
    const id = forkBranch(context.loopHash, context.token, context.branches.length + i)
    const { request, destination } = forwardTo(config, context.routed, target, id, context.inbound)
    return { id, target, request, destination, state: { _tag: "Trying", timerC } }
  })
  const outputs = fresh.flatMap(
    (branch): ReadonlyArray<ProxyOutput> => [
      { _tag: "Forward", branch: branch.id, request: branch.request, destination: branch.destination },
      ...(timerC === undefined
        ? []
        : [{ _tag: "SetTimer", timer: "C", branch: branch.id, at: timerC } as const]),
    ],
  )
  return { context: { ...context, branches: [...context.branches, ...fresh] }, outputs }
}

/** A 1xx on a pending branch: Timer C reset (§16.7 step 2), a wanted CANCEL sent (§9.1), forwarded unless 100. */
export const onProvisional = (
  config: ProxyConfig,
  context: ResponseContext,
  branch: Branch,
  response: Response,
  now: number,
): ContextStep => {
  const state = branch.state
  if (state._tag === "Completed") return { context, outputs: [absorbed(response, "provisional after final")] }
  if (state._tag === "CancelPending")
    return sendCancel(config, withBranch(context, branch.id, state), branch, now)
  // §16.7 step 2: "if the response is a provisional response with status codes 101 to 199 inclusive (i.e., anything
  // but 100), the proxy MUST reset timer C for that client transaction."
  const reset = response.status > 100 && state.timerC !== undefined && state._tag !== "Cancelled"
  const timerC = reset ? now + config.timerC : state.timerC
  const next: BranchState = state._tag === "Cancelled" ? state : { _tag: "Proceeding", timerC }
  const outputs: Array<ProxyOutput> = []
  if (response.status === 100) outputs.push(absorbed(response, "100 Trying is hop by hop"))
  else if (context.phase._tag === "Forking") outputs.push(respond(context, response))
  else outputs.push(absorbed(response, "provisional after the final response"))
  if (reset) outputs.push({ _tag: "SetTimer", timer: "C", branch: branch.id, at: now + config.timerC })
  return { context: withBranch(context, branch.id, next), outputs }
}

/** A final response (received, or standing in for a failed client transaction) on a branch. */
export const onFinal = (
  config: ProxyConfig,
  context: ResponseContext,
  branch: Branch,
  response: Response,
  now: number,
): ContextStep => {
  const prior = branch.state
  if (prior._tag === "Completed" && response.status >= 300) {
    return { context, outputs: [absorbed(response, "final response retransmitted")] }
  }
  const ended = withBranch(context, branch.id, { _tag: "Completed", status: response.status })
  const clear: ReadonlyArray<ProxyOutput> =
    prior._tag !== "Completed" && prior.timerC !== undefined
      ? [{ _tag: "ClearTimer", timer: "C", branch: branch.id }]
      : []
  if (response.status < 300) {
    if (context.phase._tag === "Answered")
      return settle(config, ended, [...clear, respond(context, response)], now)
    const answered: ResponseContext = {
      ...ended,
      later: [],
      phase: { _tag: "Answered", status: response.status, lingerUntil: undefined },
    }
    const cancelled = cancelPending(config, answered, now)
    return settle(
      config,
      cancelled.context,
      [...clear, respond(context, response), ...cancelled.outputs],
      now,
    )
  }
  if (context.phase._tag === "Answered") {
    return settle(
      config,
      ended,
      [...clear, absorbed(response, "final response after the context was answered")],
      now,
    )
  }
  const stored: ResponseContext = { ...ended, finals: [...ended.finals, response] }
  if (response.status >= 600) {
    const cancelled = cancelPending(config, { ...stored, closed: true, later: [] }, now)
    return settle(config, cancelled.context, [...clear, ...cancelled.outputs], now)
  }
  return settle(config, stored, clear, now)
}

/** Cancels every pending branch (§16.7 step 10, §16.10); a branch with no provisional yet waits for one (§9.1). */
export const cancelPending = (config: ProxyConfig, context: ResponseContext, now: number): ContextStep => {
  if (!isInvite(context)) return { context, outputs: [] }
  let next = context
  const outputs: Array<ProxyOutput> = []
  for (const branch of context.branches) {
    if (branch.state._tag === "Proceeding") {
      const sent = sendCancel(config, next, branch, now)
      next = sent.context
      outputs.push(...sent.outputs)
    } else if (branch.state._tag === "Trying") {
      next = withBranch(next, branch.id, { _tag: "CancelPending", timerC: branch.state.timerC })
    }
  }
  return { context: next, outputs }
}

/**
 * §16.8 Timer C: "If the client transaction has received a provisional response, the proxy MUST generate a CANCEL
 * request matching that transaction. If the client transaction has not received a provisional response, the proxy
 * MUST behave as if the transaction received a 408 (Request Timeout) response." A firing before the deadline held
 * in the branch, or on an ended branch, is stale and changes nothing.
 */
export const onTimerC = (
  config: ProxyConfig,
  context: ResponseContext,
  branch: Branch,
  now: number,
): ContextStep => {
  const state = branch.state
  if (state._tag === "Completed" || state.timerC === undefined || now < state.timerC)
    return { context, outputs: [] }
  if (state._tag === "Proceeding") return sendCancel(config, context, branch, now)
  const timeout = synthesize(context, 408)
  const step = onFinal(config, context, branch, timeout, now)
  return { context: step.context, outputs: [{ _tag: "AbandonBranch", branch: branch.id }, ...step.outputs] }
}

/** The response standing in for a failed branch: 408 for a timeout, 503 for a transport error (§16.9). */
export const synthesize = (context: ResponseContext, status: number): Response =>
  makeResponse(context.request, status, { toTag: context.token })

/**
 * The CANCEL of one branch; the final response it provokes is awaited for 64·T1 (`config.linger`), after which
 * Timer C gives up on the branch with a 408.
 */
const sendCancel = (
  config: ProxyConfig,
  context: ResponseContext,
  branch: Branch,
  now: number,
): ContextStep => {
  const at = now + config.linger
  return {
    context: withBranch(context, branch.id, { _tag: "Cancelled", timerC: at }),
    outputs: [
      {
        _tag: "Cancel",
        branch: branch.id,
        request: makeCancel(branch.request),
        destination: branch.destination,
      },
      { _tag: "SetTimer", timer: "C", branch: branch.id, at },
    ],
  }
}

/**
 * After a branch ends: fork the next target group (sequential forking), or — once every branch has ended and no
 * final response went upstream — send the best one (§16.7 step 6); then note when the context may go.
 */
const settle = (
  config: ProxyConfig,
  context: ResponseContext,
  outputs: ReadonlyArray<ProxyOutput>,
  now: number,
): ContextStep => {
  if (context.branches.some(isPending)) return { context, outputs }
  const [group, ...rest] = context.later
  if (context.phase._tag === "Forking" && group !== undefined && !context.closed) {
    const opened = openBranches(config, { ...context, later: rest }, group, now)
    return { context: opened.context, outputs: [...outputs, ...opened.outputs] }
  }
  if (context.phase._tag === "Forking") {
    const best = chooseBest(context.finals, context.request, context.token)
    const answered = {
      ...context,
      phase: { _tag: "Answered", status: best.status, lingerUntil: undefined },
    } as const
    return settle(config, answered, [...outputs, respond(context, best)], now)
  }
  // The hop-by-hop ACK of a non-2xx final answer to an INVITE is absorbed for as long as the context lingers.
  const linger = isInvite(context) && context.phase.status >= 300 ? config.linger : 0
  return { context: { ...context, phase: { ...context.phase, lingerUntil: now + linger } }, outputs }
}

const absorbed = (message: Response, reason: string): ProxyOutput => ({ _tag: "Absorbed", message, reason })
