/** The transaction table: a pure value that routes, creates, steps and drops transactions. */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  makeNonTwoXxAck,
  receive,
  respond,
  serverKey,
  TransactionTable,
  timerFired,
} from "../../src/transaction/index.js"
import { invite, nonInvite } from "./support/machines.js"
import { makeTestRequest, makeTestResponse } from "./support/messages.js"

const udp = { reliable: false } as const

const started = (r: ReturnType<typeof TransactionTable.startClient>) => {
  if (r._tag === "Err") throw new Error(JSON.stringify(r.error))
  return r.value
}

describe("TransactionTable", () => {
  it("starts a client transaction of the right kind and routes its responses to it", () => {
    const a = started(TransactionTable.startClient(TransactionTable.empty, invite, udp))
    expect(a.outputs[0]).toEqual({ _tag: "Send", message: invite })
    expect(TransactionTable.get(a.table, a.key)?.machine).toBe("InviteClient")
    const b = started(TransactionTable.startClient(a.table, nonInvite, udp))
    expect(TransactionTable.get(b.table, b.key)?.machine).toBe("NonInviteClient")
    expect(b.table.size).toBe(2)
    const routed = TransactionTable.route(b.table, makeTestResponse(invite, 180))
    expect(routed).toMatchObject({ _tag: "Match", key: a.key })
  })

  it("starts server transactions; retransmissions and the non-2xx ACK match, a CANCEL does not", () => {
    const s = started(TransactionTable.startServer(TransactionTable.empty, invite, udp))
    // the 200 ms Trying100 is armed before the INVITE goes up (a TU answering at once stops it)
    expect(s.outputs.map((o) => o._tag)).toEqual(["StartTimer", "Deliver"])
    expect(s.outputs[1]).toEqual({ _tag: "Deliver", message: invite })
    expect(TransactionTable.route(s.table, invite)).toMatchObject({ _tag: "Match", key: s.key })
    const ack = makeNonTwoXxAck(invite, makeTestResponse(invite, 486))
    expect(TransactionTable.route(s.table, ack)).toMatchObject({ _tag: "Match", key: s.key })
    const cancel = makeTestRequest({ method: "CANCEL" })
    const routed = TransactionTable.route(s.table, cancel)
    expect(routed._tag).toBe("NoMatch")
    const c = started(TransactionTable.startServer(s.table, cancel, udp))
    expect(TransactionTable.get(c.table, c.key)?.machine).toBe("NonInviteServer")
  })

  it("refuses an ACK as a new transaction, and a key already in use", () => {
    const ack = makeTestRequest({ method: "ACK" })
    expect(TransactionTable.startClient(TransactionTable.empty, ack, udp)).toMatchObject({
      _tag: "Err",
      error: { reason: "AckIsNotATransaction" },
    })
    expect(TransactionTable.startServer(TransactionTable.empty, ack, udp)).toMatchObject({
      _tag: "Err",
      error: { reason: "AckIsNotATransaction" },
    })
    const s = started(TransactionTable.startServer(TransactionTable.empty, invite, udp))
    expect(TransactionTable.startServer(s.table, invite, udp)).toMatchObject({
      _tag: "Err",
      error: { reason: "KeyInUse" },
    })
  })

  it("a message without a Via is Invalid, with the status to answer", () => {
    const broken = { ...invite, headers: invite.headers.filter((h) => h.name !== "Via") }
    const routed = TransactionTable.route(TransactionTable.empty, broken)
    expect(routed._tag).toBe("Invalid")
    if (routed._tag === "Invalid") expect(routed.error.status).toBe(400)
  })

  it("steps a transaction by key, and drops it when it terminates", () => {
    const s = started(TransactionTable.startServer(TransactionTable.empty, nonInvite, { reliable: true }))
    const r = TransactionTable.step(s.table, s.key, respond(makeTestResponse(nonInvite, 200)))
    expect(r.outputs.map((o) => o._tag)).toEqual(["Send", "Terminated"])
    expect(r.transaction?._tag).toBe("Terminated")
    expect(TransactionTable.has(r.table, s.key)).toBe(false)
    expect(r.table.size).toBe(0)
  })

  it("an unknown key, or an event the machine cannot take, changes nothing", () => {
    const s = started(TransactionTable.startClient(TransactionTable.empty, invite, udp))
    const unknown = TransactionTable.step(s.table, "nope", timerFired("A", 1))
    expect(unknown).toEqual({ table: s.table, outputs: [], transaction: undefined })
    const wrong = TransactionTable.step(s.table, s.key, respond(makeTestResponse(invite, 200)))
    expect(wrong.table).toBe(s.table)
    expect(wrong.outputs).toEqual([])
    const request = TransactionTable.step(s.table, s.key, receive(invite))
    expect(request.table).toBe(s.table)
  })

  it("is a value: earlier tables are never changed", () => {
    const s = started(TransactionTable.startServer(TransactionTable.empty, invite, udp))
    const before = TransactionTable.entries(s.table)
    const after = TransactionTable.step(s.table, s.key, respond(makeTestResponse(invite, 486)))
    expect(TransactionTable.entries(s.table)).toEqual(before)
    expect(TransactionTable.get(after.table, s.key)?._tag).toBe("Completed")
    expect(TransactionTable.get(s.table, s.key)?._tag).toBe("Proceeding")
    expect(TransactionTable.empty.size).toBe(0)
  })

  it("behaves like a map under any sequence of add and remove (property)", () => {
    const state = started(TransactionTable.startServer(TransactionTable.empty, invite, udp)).table
    const t = TransactionTable.get(state, (serverKey(invite) as { value: string }).value)
    if (t === undefined) throw new Error("no transaction")
    fc.assert(
      fc.property(
        fc.array(fc.record({ add: fc.boolean(), key: fc.string({ maxLength: 3 }) }), { maxLength: 60 }),
        (ops) => {
          let table = TransactionTable.empty
          const model = new Map<string, unknown>()
          for (const op of ops) {
            if (op.add) {
              table = TransactionTable.add(table, op.key, t)
              model.set(op.key, t)
            } else {
              table = TransactionTable.remove(table, op.key)
              model.delete(op.key)
            }
            expect(table.size).toBe(model.size)
          }
          expect(
            TransactionTable.entries(table)
              .map(([k]) => k)
              .sort(),
          ).toEqual([...model.keys()].sort())
          for (const key of model.keys()) expect(TransactionTable.has(table, key)).toBe(true)
        },
      ),
      { numRuns: 100 },
    )
  })
})
