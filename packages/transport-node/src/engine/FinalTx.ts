/**
 * FinalTx — a server transaction after its final response, held as one small record until Timer L or J: an
 * INVITE's in RFC 6026's "Accepted" state (§7.1, Timer L = 64·T1), a non-INVITE's in §17.2.2's "Completed" state
 * over an unreliable transport (Timer J = 64·T1). Every call leaves two of them for 32 s, so what each one holds
 * is held per call (issue 8): here a record of five or six fields and, for a non-INVITE, its kept response's head
 * (one flat string), instead of the runtime's `ServerTxInfo`, the fsm state, the slimmed request and a timer in
 * the facility's buckets.
 *
 * What it does is what `@sipkit/fsm/transaction`'s machine outputs in that state, for every event (the test
 * `finalTx.test.ts` checks it against the reducer, and on loopback sockets):
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
import type { PeerAddress } from "../Address.js"
import type { ResponseRoute } from "../Routing.js"
import type { Core } from "./Core.js"
import { Expiring } from "./Expiring.js"
import { KeptResponse } from "./KeptResponse.js"
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
