/**
 * transactions.bench — what the pure transaction table (`@sipkit/fsm/transaction`) holds per call while the RFC's
 * timers keep a call's transactions after it ended, without sockets, timers or Effect (issue 8, memory side).
 *
 * One call is SIPp's built-in `uac` scenario seen by a UAS's transaction layer: the INVITE arrives as bytes
 * (`startServer`), the TU answers 180 and 200 with SDP (`Respond`: the INVITE server transaction goes to Accepted
 * for Timer L, RFC 6026 §8.7), the ACK arrives and is passed up (`route` → `Match`), the BYE arrives as bytes and
 * the TU answers 200 (the non-INVITE server transaction sits in Completed for Timer J, §17.2.2). Both stay for
 * 64·T1 = 32 s over UDP: ~10 000 calls at 300 calls/s, ~48 000 at 1 500. The bench keeps `held` calls that way.
 *
 * `--info` also keeps each server transaction's request beside the table, as transport-node's `TxInfo` does (its
 * `request` field, until the transaction ends): the figure then is the runtime's, not the table's alone.
 *
 * Usage: node transactions.bench.ts [--held=20000] [--info]. Prints the CPU per call (the five steps and the two
 * parses) and the heap held per call: heapUsed with the calls held minus without, each after a full GC on a later
 * turn of the event loop (what one job allocated stays reachable until the job ends).
 */
import { appendHeader, makeResponse, type Request, withBody } from "@sipkit/codec"
import { receive, respond, TransactionTable } from "@sipkit/fsm/transaction"
import { exposedGc, intArg } from "./src/benchArgs.ts"
import { parsedRequest, sippRequest, sippSdp } from "./src/sippUac.ts"

const held = intArg("held", 20_000)
const withInfo = process.argv.includes("--info")

const options = { reliable: false }
let table = TransactionTable.empty
/** The runtime's `TxInfo.request`, when `--info`: kept until the transaction ends. */
let info = new Map<string, Request>()

const serve = (request: Request): string => {
  const started = TransactionTable.startServer(table, request, options)
  if (started._tag === "Err") throw new Error(`no server transaction: ${JSON.stringify(started.error)}`)
  table = started.value.table
  if (withInfo) info.set(started.value.key, request)
  return started.value.key
}

const answer = (key: string, request: Request, status: number, toTag: string): void => {
  let response = makeResponse(request, status, { toTag })
  if (status === 200 && request.method === "INVITE") {
    response = withBody(
      appendHeader(response, "Contact", "<sip:sipkit@127.0.0.1:5060>"),
      sippSdp,
      "application/sdp",
    )
  }
  table = TransactionTable.step(table, key, respond(response)).table
}

const oneCall = (call: number): void => {
  const tag = `t${call}`
  const invite = parsedRequest(sippRequest("INVITE", call, "", 1))
  const inviteKey = serve(invite)
  answer(inviteKey, invite, 180, tag)
  answer(inviteKey, invite, 200, tag)
  const ack = parsedRequest(sippRequest("ACK", call, tag, 1))
  const routed = TransactionTable.route(table, ack)
  // the ACK of a 2xx has its own branch (§13.2.2.4): it matches no transaction and goes to the UA core
  if (routed._tag === "Match") table = TransactionTable.step(table, routed.key, receive(ack)).table
  const bye = parsedRequest(sippRequest("BYE", call, tag, 2))
  const byeKey = serve(bye)
  answer(byeKey, bye, 200, tag)
}

const gc = exposedGc()
const settle = () => new Promise((resolve) => setTimeout(resolve, 10))

const before = process.cpuUsage()
for (let call = 0; call < held; call++) oneCall(call)
const used = process.cpuUsage(before)
const states = new Map<string, number>()
for (const [, t] of TransactionTable.entries(table)) {
  const name = `${t.machine} ${t._tag}`
  states.set(name, (states.get(name) ?? 0) + 1)
}
console.log(
  `${held} calls: ${((used.user + used.system) / held).toFixed(1)} µs CPU per call; held: ` +
    [...states].map(([name, n]) => `${n} ${name}`).join(", ") +
    (withInfo ? "; and each server transaction's request (as TxInfo)" : ""),
)
await settle()
gc()
const withCalls = process.memoryUsage().heapUsed
table = TransactionTable.empty
info = new Map()
await settle()
gc()
const without = process.memoryUsage().heapUsed
console.log(`heap held per call: ${((withCalls - without) / held).toFixed(0)} bytes (${held} calls held)`)
