/**
 * FinalTx — a server transaction after its final response, held as one small record until Timer L or J: an
 * INVITE's in RFC 6026's "Accepted" state (§7.1, Timer L = 64·T1), a non-INVITE's in §17.2.2's "Completed" state
 * over an unreliable transport (Timer J = 64·T1). Every call leaves two of them for 32 s, so what each one holds
 * is held per call (issue 8): here a record of five or six fields and, for a non-INVITE, its kept response's head
 * (one flat string), instead of the runtime's `ServerTxInfo`, the fsm state, the slimmed request and a timer in
 * the facility's buckets.
 *
 * A live record becomes one when its machine arms Timer J or L (`holdFinal`, called by engine/Core.ts as it acts on
 * the `StartTimer`); an event for it is stepped here (`stepFinal`), doing what `@sipkit/fsm/transaction`'s machine
 * outputs in that state, for every event (the test `finalTx.test.ts` checks it against the reducer, on loopback
 * sockets):
 *
 * | state                  | Receive                              | Respond                  | TimerFired | TransportError |
 * |------------------------|--------------------------------------|--------------------------|------------|----------------|
 * | Accepted (INVITE)      | ACK: Deliver; INVITE: absorbed       | 2xx: Send; other: none   | stale: none | inform TU     |
 * | Completed (non-INVITE) | Send the kept final response         | none                     | stale: none | inform TU     |
 *
 * Timer J or L itself is not a timer of the facility: both are 64·T1 for every transaction of an endpoint, so
 * the records come due in the order they were made, in the engine's one queue of such records (engine/Expiring.ts);
 * when one does, it leaves `core.info`, as the reducer's `Terminated` takes a transaction out of the table.
 *
 * Never: holds the request, the fsm state, or a timer per transaction; used for a transaction the application
 * proxies (its record stays whole: a CANCEL of it goes to the proxy, §16.10).
 */
import type { TransactionEvent } from "@sipkit/fsm/transaction"
import { Effect } from "effect"
import type { PeerAddress } from "../Address.js"
import type { ResponseRoute } from "../Routing.js"
// a cycle: Core.ts steps a final record with the functions below, which send with its `sendOut` (both are used
// only inside functions, never while the modules load)
import { type Core, type ServerTxInfo, sendOut } from "./Core.js"
import { deadlineAfter, Expiring, expireLater } from "./Expiring.js"
import { KeptResponse, keepResponse } from "./KeptResponse.js"
import { keyText } from "./KeyText.js"
import type { Rest } from "./Now.js"

/** A server transaction after its final response (see the module's note). */
export abstract class FinalTx extends Expiring {
  constructor(
    /** Its §17 key in `core.info`. */
    readonly key: string,
    /** When Timer J or L fires (`Expiring`). */
    deadline: number,
    /** Where its responses go (§18.2.2). */
    readonly route: ResponseRoute,
  ) {
    super(deadline)
  }
  /** Tells it from a live transaction's record (`TxInfo`): a getter on the prototype, no field. */
  get side(): "final" {
    return "final"
  }
  /** Timer J/L fired: §17.2.2 "remains in this state until Timer J fires, at which point it MUST transition to the
   * 'Terminated' state"; RFC 6026 §7.1 "When Timer L fires and the state machine is in the 'Accepted' state, the
   * machine MUST transition to the 'Terminated' state." Terminated, the record leaves the table. */
  expire(core: Core): Rest {
    if (core.info.get(this.key) === this) core.info.delete(this.key)
    return undefined
  }
}

/** An INVITE server transaction in "Accepted" (RFC 6026 §7.1): ACKs go up, INVITE retransmissions are absorbed,
 * the TU's 2xx retransmissions are sent. */
export class AcceptedInvite extends FinalTx {
  constructor(
    key: string,
    deadline: number,
    route: ResponseRoute,
    /** Where the INVITE came from: an ACK passed up is given this source, as the live record gave it. */
    readonly source: PeerAddress,
  ) {
    super(key, deadline, route)
  }
}

/** A non-INVITE server transaction in "Completed" (§17.2.2): each retransmitted request gets the kept response. */
export class CompletedNonInvite extends FinalTx {
  constructor(
    key: string,
    deadline: number,
    route: ResponseRoute,
    /** The final response's start line and headers, as `KeptResponse.head`. */
    readonly head: string,
    readonly body: Uint8Array,
  ) {
    super(key, deadline, route)
  }
}

/** The kept final response of a completed non-INVITE, as a `Response` to send (made per resend: resends are rare). */
export const keptOf = (final: CompletedNonInvite): KeptResponse => {
  const head = final.head
  // "SIP/2.0 200 OK\r\n…": version, status, reason of the start line `headText` wrote
  const sp = head.indexOf(" ")
  const sp2 = head.indexOf(" ", sp + 1)
  const eol = head.indexOf("\r\n")
  return new KeptResponse(
    head.slice(0, sp),
    Number(head.slice(sp + 1, sp2)),
    head.slice(sp2 + 1, eol),
    head,
    final.body,
  )
}

const NO_BODY = new Uint8Array(0)

/**
 * The final record of `info` when its machine has just entered RFC 6026's "Accepted" (an INVITE) or §17.2.2's
 * "Completed" (a non-INVITE) and armed Timer L or J; undefined for any other state, and for a
 * transaction the application proxies (§16.10: a CANCEL of it goes to the proxy, with its `cancelled`).
 */
const finalOf = (key: string, info: ServerTxInfo, deadline: number): FinalTx | undefined => {
  if (info.proxying) return undefined
  const tx = info.tx
  if (tx._tag === "Accepted") return new AcceptedInvite(key, deadline, info.route, info.source)
  if (tx._tag !== "Completed" || tx.machine !== "NonInviteServer") return undefined
  const kept = tx.response instanceof KeptResponse ? tx.response : keepResponse(tx.response)
  return new CompletedNonInvite(
    key,
    deadline,
    info.route,
    kept.head,
    kept.body.length === 0 ? NO_BODY : kept.body,
  )
}

/**
 * Server transaction `key` has just armed Timer J or L (`after` = 64·T1): its record in `core.info` becomes a final
 * record, queued to go when the timer would fire (engine/Expiring.ts). Answers whether it did
 * (else the timer is set as any other).
 */
export const holdFinal = (core: Core, key: string, info: ServerTxInfo, after: number): boolean => {
  if (core.info.get(key) !== info) return false
  const final = finalOf(key, info, deadlineAfter(core, after))
  if (final === undefined) return false
  // its machine's other timers were stopped by the final response; any still set go with the record
  const timers = info.timers
  if (timers !== undefined) for (let i = 0; i < timers.length; i++) core.timers.dropNow(timers[i]!)
  info.timers = undefined
  core.info.set(key, final)
  expireLater(core, final)
  return true
}

/**
 * What the machine in "Accepted" (INVITE) or "Completed" (non-INVITE) outputs for `event`, done with the final
 * record (the module's note has the table). The record stays as it is: only Timer J/L ends it (engine/Expiring.ts).
 */
export const stepFinal = (
  core: Core,
  key: string,
  final: FinalTx,
  event: TransactionEvent,
  isRetransmission: boolean,
): Rest => {
  switch (event._tag) {
    case "Receive": {
      const m = event.message
      if (final instanceof CompletedNonInvite)
        /** §17.2.2: "While in the 'Completed' state, the server transaction MUST pass the final response to the
         * transport layer for retransmission whenever a retransmission of the request is received." */
        return sendOut(core, key, final.route, undefined, keptOf(final), true)
      /** RFC 6026 §7.1: INVITE retransmissions "will be absorbed by the machine without changing its state";
       * §8.7: "Any ACKs received from the network while in the 'Accepted' state MUST be passed directly to the
       * TU and not absorbed." */
      if (m._tag !== "Request" || m.method !== "ACK" || !(final instanceof AcceptedInvite)) return undefined
      return core.hooks.onAck(m, final.source)
    }
    case "Respond": {
      const status = event.response.status
      /** RFC 6026 §8.7: "Any retransmission of the 2xx response passed from the TU to the transaction while in the
       * 'Accepted' state MUST be passed to the transport layer for transmission." §17.2.2: "Any other final
       * responses passed by the TU to the server transaction MUST be discarded while in the 'Completed' state." */
      if (!(final instanceof AcceptedInvite) || status < 200 || status >= 300) return undefined
      return sendOut(core, key, final.route, undefined, event.response, isRetransmission)
    }
    case "TimerFired":
      // Timer J/L is the queue's (engine/Expiring.ts): any firing that comes here is stale
      return undefined
    case "TransportError":
      /** RFC 6026 §8.8: "inform the TU that a failure has occurred, and MUST remain in the current state". */
      return Effect.logWarning(`transaction ${keyText(key)}: transport failure: ${event.reason}`)
  }
}
