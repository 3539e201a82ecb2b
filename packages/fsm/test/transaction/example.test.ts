/**
 * The example of docs/transactions.md, run. `docs.test.ts` checks the page shows exactly the region below.
 */
import * as codec from "@sipkit/codec"
import { describe, expect, it } from "vitest"
import * as transaction from "../../src/transaction/index.js"

describe("docs/transactions.md example", () => {
  it("runs", () => {
    // #region example
    // (paths relative to this test; an application imports from "@sipkit/fsm/transaction")
    const { makeRequest, makeResponse } = codec
    const { TransactionTable, receive, timerFired } = transaction

    const invite = makeRequest({
      method: "INVITE",
      uri: "sip:bob@biloxi.example.com",
      headers: [
        ["Via", "SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds"],
        ["Max-Forwards", "70"],
        ["To", "Bob <sip:bob@biloxi.example.com>"],
        ["From", "Alice <sip:alice@atlanta.example.com>;tag=1928301774"],
        ["Call-ID", "a84b4c76e66710@pc33.atlanta.example.com"],
        ["CSeq", "314159 INVITE"],
      ],
    })

    // The TU starts a client transaction: the outputs say what to do, in order.
    const started = TransactionTable.startClient(TransactionTable.empty, invite, { reliable: false })
    if (started._tag === "Err") throw new Error(started.error.reason)
    let { table } = started.value
    const { key, outputs } = started.value
    expect(outputs.map((o) => o._tag)).toEqual(["Send", "StartTimer", "StartTimer"]) // INVITE, Timer A, Timer B
    const timerA = outputs[1]
    if (timerA?._tag !== "StartTimer") throw new Error("no Timer A")
    expect([timerA.timer, timerA.after]).toEqual(["A", 500])

    // 500 ms later the runtime's timer facility reports Timer A: the INVITE goes out again, A doubles.
    const fired = TransactionTable.step(table, key, timerFired("A", timerA.id))
    table = fired.table
    expect(fired.outputs).toMatchObject([{ _tag: "Send" }, { _tag: "StartTimer", timer: "A", after: 1000 }])

    // The same firing again is stale: nothing happens.
    expect(TransactionTable.step(table, key, timerFired("A", timerA.id)).outputs).toEqual([])

    // A 486 arrives from the wire: route it, step it. The transaction ACKs it itself and passes it up.
    const busy = makeResponse(invite, 486, { toTag: "8321234356" })
    const routed = TransactionTable.route(table, busy)
    if (routed._tag !== "Match") throw new Error("no match")
    const answered = TransactionTable.step(table, routed.key, receive(busy))
    expect(answered.outputs.map((o) => o._tag)).toEqual([
      "StopTimer",
      "StopTimer",
      "Send",
      "Deliver",
      "StartTimer",
    ])
    expect(answered.transaction?._tag).toBe("Completed") // Timer D (32 s) absorbs retransmitted 486s
    // #endregion
  })
})
