/**
 * The four machines behind one test interface: how to start each, step it, and turn an event class of its
 * specification table ("2xx", "Timer G", "ACK" …) into a concrete event for a given state.
 */
import type { Request } from "@sipkit/codec"
import {
  InviteClientTransaction,
  InviteServerTransaction,
  type MachineSpec,
  makeNonTwoXxAck,
  NonInviteClientTransaction,
  NonInviteServerTransaction,
  receive,
  respond,
  type Step,
  type TimerName,
  type Transaction,
  type TransactionEvent,
  TransactionTable,
  timerFired,
  transportError,
} from "../../../src/transaction/index.js"
import { makeTestRequest, makeTestResponse } from "./messages.js"

export interface MachineUnderTest {
  readonly spec: MachineSpec<string, string>
  readonly start: (reliable: boolean) => Step<Transaction>
  /** The states a reliable transport never holds (their zero timer skips them). */
  readonly transientWhenReliable: ReadonlyArray<string>
  readonly request: Request
}

export const invite = makeTestRequest()
export const nonInvite = makeTestRequest({ method: "OPTIONS", branch: "z9hG4bKnashds7" })

export const machines: ReadonlyArray<MachineUnderTest> = [
  {
    spec: InviteClientTransaction.spec,
    start: (reliable) => InviteClientTransaction.start(invite, { reliable }),
    transientWhenReliable: ["Completed"],
    request: invite,
  },
  {
    spec: NonInviteClientTransaction.spec,
    start: (reliable) => NonInviteClientTransaction.start(nonInvite, { reliable }),
    transientWhenReliable: ["Completed"],
    request: nonInvite,
  },
  {
    spec: InviteServerTransaction.spec,
    start: (reliable) => InviteServerTransaction.start(invite, { reliable }),
    transientWhenReliable: ["Confirmed"],
    request: invite,
  },
  {
    spec: NonInviteServerTransaction.spec,
    start: (reliable) => NonInviteServerTransaction.start(nonInvite, { reliable }),
    transientWhenReliable: ["Completed"],
    request: nonInvite,
  },
]

export const step = (state: Transaction, event: TransactionEvent): Step<Transaction> =>
  TransactionTable.stepTransaction(state, event)

/** The id of the armed timer `name` in this state, if any (armed timers are the state's `ArmedTimer` fields). */
export const armedId = (state: Transaction, name: TimerName): number | undefined => {
  for (const value of Object.values(state)) {
    if (
      typeof value === "object" &&
      value !== null &&
      "timer" in value &&
      "id" in value &&
      value.timer === name
    ) {
      return value.id as number
    }
  }
  return undefined
}

/** A concrete event for an event class of the spec, in this state. Unarmed timers get an id never issued. */
export const eventFor = (state: Transaction, label: string): TransactionEvent => {
  // the request the machines above start with: absorbing states no longer carry it (Transaction.ts `WithRequest`)
  const request = state.machine === "InviteClient" || state.machine === "InviteServer" ? invite : nonInvite
  if (label.startsWith("Timer ")) {
    const name = label.slice("Timer ".length) as TimerName
    return timerFired(name, armedId(state, name) ?? state.lastTimerId + 1000)
  }
  switch (label) {
    case "1xx":
      return receive(makeTestResponse(request, 180))
    case "2xx":
      return receive(makeTestResponse(request, 200))
    case "300-699":
      return receive(makeTestResponse(request, 486))
    case "200-699":
      return receive(makeTestResponse(request, 404))
    case "INVITE":
    case "Request":
      return receive(request)
    case "ACK":
      return receive(makeNonTwoXxAck(request, makeTestResponse(request, 486)))
    case "1xx from TU":
      return respond(makeTestResponse(request, 180))
    case "2xx from TU":
      return respond(makeTestResponse(request, 200))
    case "300-699 from TU":
      return respond(makeTestResponse(request, 486))
    case "200-699 from TU":
      return respond(makeTestResponse(request, 200))
    case "Transport Err":
      return transportError("connection refused")
  }
  throw new Error(`no event for ${label}`)
}

/**
 * Breadth-first search over the event classes, from `start`: one representative state per state name, each
 * reached by a shortest path.
 */
export const reachable = (m: MachineUnderTest, reliable: boolean): ReadonlyMap<string, Transaction> => {
  const found = new Map<string, Transaction>()
  const first = m.start(reliable).state
  found.set(first._tag, first)
  const queue: Array<Transaction> = [first]
  for (let i = 0; i < queue.length && i < 1000; i++) {
    const state = queue[i]
    if (state === undefined) break
    for (const label of m.spec.events) {
      const next = step(state, eventFor(state, label)).state
      if (!found.has(next._tag)) {
        found.set(next._tag, next)
        queue.push(next)
      }
    }
  }
  return found
}
