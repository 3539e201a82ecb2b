/**
 * Types — the state, events and outputs of the stateful proxy reducer (RFC 3261 §16).
 *
 * The proxy is a transaction user: the events are what the transaction layer passes up (a request from a server
 * transaction, a response or a failure from a client transaction) plus Timer C; the outputs are what it asks of the
 * transaction layer and the transport (respond on a server transaction, start a client transaction for a forwarded
 * request or a CANCEL, send a message statelessly) and of the timer facility.
 */
import type { Request, Response, SipMessage } from "@sipkit/codec"
import type { PersistentMap } from "./PersistentMap.js"
import type { LocationView } from "./Targets.js"

/** Where a pending branch stands (§16.7, §9.1); Timer C deadlines (ms) live on the states that have one. */
export type BranchState =
  /** Forwarded; no response yet. */
  | { readonly _tag: "Trying"; readonly timerC: number | undefined }
  /** A provisional response arrived: the branch may be CANCELled. */
  | { readonly _tag: "Proceeding"; readonly timerC: number | undefined }
  /** Cancellation wanted before any provisional: "the client MUST wait for the arrival of a provisional response" (§9.1). */
  | { readonly _tag: "CancelPending"; readonly timerC: number | undefined }
  /** CANCEL sent; the final response (487 or other) is awaited. */
  | { readonly _tag: "Cancelled"; readonly timerC: number | undefined }
  /** A final response arrived, or the client transaction failed (408/503 stand in for it, §16.7, §16.9). */
  | { readonly _tag: "Completed"; readonly status: number }

export interface Branch {
  /** The Via branch of this fork, unique per fork (§16.6 step 8). */
  readonly id: string
  readonly target: string
  /** The request as forwarded down this branch. */
  readonly request: Request
  readonly destination: string
  readonly state: BranchState
}

export type ContextPhase =
  /** No final response sent upstream yet. */
  | { readonly _tag: "Forking" }
  /** A final response was sent upstream; `lingerUntil` is set once every branch has ended. */
  | { readonly _tag: "Answered"; readonly status: number; readonly lingerUntil: number | undefined }

/** The response context of §16.7: one per proxied request, keyed by its server transaction. */
export interface ResponseContext {
  readonly key: string
  /** The request as received (its Vias are the ones responses go back on). */
  readonly request: Request
  /** The request after §16.4, from which later forks are made. */
  readonly routed: Request
  /** The transport the request came in on: the Record-Route of every fork names it (§16.6 step 4, RFC 5658). */
  readonly inbound: string
  /** The caller's token: unique part of branches, To tag of responses this proxy makes. */
  readonly token: string
  readonly loopHash: string
  readonly branches: ReadonlyArray<Branch>
  /** Target groups not yet tried (sequential forking). */
  readonly later: ReadonlyArray<ReadonlyArray<string>>
  /** "it MUST NOT create any new branches in this context" (after a 6xx, or a CANCEL). */
  readonly closed: boolean
  /** Final responses received and not forwarded at once, in arrival order (§16.7 step 4). */
  readonly finals: ReadonlyArray<Response>
  readonly phase: ContextPhase
}

export interface ProxyState {
  readonly contexts: PersistentMap<ResponseContext>
  /** Branch id → context key. */
  readonly branches: PersistentMap<string>
  /** Answered contexts kept only to absorb a hop-by-hop ACK: context key → until (ms). */
  readonly lingering: PersistentMap<number>
  /** The earliest `lingering` deadline, so an event scans them only when one has passed. */
  readonly nextPurge: number | undefined
}

export type ProxyEvent =
  /**
   * A request passed up by a server transaction (or an ACK/CANCEL). `token` is fresh randomness from the caller (a
   * SIP token, ≥ 32 random bits): the unique part of this request's branches and the To tag of any response the proxy
   * generates. `location` is the location store as it is now. `transport` is the transport the request came in on
   * (`UDP`, `TCP`, `TLS`, `WS`, `WSS`; absent: the configured one): the Record-Route names it (§16.6 step 4).
   */
  | {
      readonly _tag: "RequestReceived"
      readonly request: Request
      readonly now: number
      readonly token: string
      readonly location: LocationView
      readonly transport?: string
    }
  /** A response passed up by a client transaction, or received with no transaction. */
  | { readonly _tag: "ResponseReceived"; readonly response: Response; readonly now: number }
  /** The client transaction of a branch timed out (→ 408) or hit a transport error (→ 503, §16.9). */
  | {
      readonly _tag: "ClientTransactionFailed"
      readonly branch: string
      readonly reason: "Timeout" | "TransportError"
      readonly now: number
    }
  /** Timer C of a branch fired (§16.8). Stale and repeated firings change nothing. */
  | { readonly _tag: "TimerFired"; readonly timer: "C"; readonly branch: string; readonly now: number }

export type Destination =
  /** A next-hop URI, resolved by the runtime (RFC 3263). */
  | { readonly _tag: "Uri"; readonly uri: string }
  /** The address a response goes back to, from its Via (§18.2.2): received/rport over sent-by. */
  | { readonly _tag: "Address"; readonly transport: string; readonly host: string; readonly port: number }

export type ProxyOutput =
  /** Send `response` on the server transaction `transaction` (its §17.2.3 key, as the transaction table has it). */
  | { readonly _tag: "Respond"; readonly transaction: string; readonly response: Response }
  /** Start a client transaction for a forwarded request. */
  | {
      readonly _tag: "Forward"
      readonly branch: string
      readonly request: Request
      readonly destination: string
    }
  /** Start a client transaction for a CANCEL of branch `branch` (§9.1). */
  | {
      readonly _tag: "Cancel"
      readonly branch: string
      readonly request: Request
      readonly destination: string
    }
  /** Send without a transaction: an ACK for a 2xx, a CANCEL or a response with no context (§16.11, §16.10, §16.7). */
  | { readonly _tag: "SendStateless"; readonly message: SipMessage; readonly destination: Destination }
  | { readonly _tag: "SetTimer"; readonly timer: "C"; readonly branch: string; readonly at: number }
  | { readonly _tag: "ClearTimer"; readonly timer: "C"; readonly branch: string }
  /** Terminate the client transaction of a branch that Timer C gave up on (§16.8). */
  | { readonly _tag: "AbandonBranch"; readonly branch: string }
  /** A message that stops here, and why (for logs and tests). */
  | { readonly _tag: "Absorbed"; readonly message: SipMessage; readonly reason: string }

export interface ProxyStep {
  readonly state: ProxyState
  readonly outputs: ReadonlyArray<ProxyOutput>
}
