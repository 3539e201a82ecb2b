/**
 * ua.bench — what the pure UA core (`@sipkit/fsm/ua`) costs per call, without sockets, timers or Effect: the
 * share of `sip listen`'s CPU per call (issue 8) that is the reducer's.
 *
 * One call is SIPp's built-in `uac` scenario seen by a UAS: INVITE in, the application answers 180 then 200 with
 * SDP (`Respond`), ACK in, BYE in (the core answers 200). Five steps; the three requests arrive as bytes and are
 * parsed in the loop, as the runtime does. A runtime holds each ended call for 64·T1 (32 s) and then `Forget`s it:
 * ~10 000 calls at 300 calls/s, ~190 000 at 6 000. The bench does the same by count: the call that ended `held`
 * calls ago is forgotten (a sixth step, charged to the call), so each round runs with `held` calls in the core.
 * A warm-up fills that window before the timed rounds.
 *
 * With `--listen` the core is driven as `sip listen` drives it (transport-node's engine, cli's RuntimeListen):
 * its configuration (every method delegated to a handler, `replaces` supported, any body accepted), every
 * `Respond` naming its call (an INVITE's) and carrying the Contact of the listener and a `Server` header, and the
 * BYE answered by the application (`InDialogRequest`, then `Respond` 200): one step more per call.
 *
 * Usage: node ua.bench.ts [--calls=20000] [--rounds=3] [--held=20000] [--listen]. Prints, per round, µs of CPU per call and
 * per protocol step (the call's CPU / 5), the share of the round's wall time spent in GC pauses, and the calls
 * held; at the end, the heap the core holds per held call (heap with the calls held minus heap without, after a
 * full GC each time).
 *
 * On a shared machine count instructions instead of CPU time: the slope between two call counts under cachegrind,
 * each run the same but for `--calls` (the warm-up and the final GCs cancel out):
 *   valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null node --single-threaded \
 *     --predictable --predictable-gc-schedule --no-memory-reducer --hash-seed=1 --random-seed=1 ua.bench.ts \
 *     --calls=N --rounds=1 --held=2000 --listen
 * with N = 2000 and 10000: instructions per call = (I refs at 10000 − I refs at 2000) / 8000. Two runs of one build
 * agree within 0.01%; without `--single-threaded` (V8's helper threads, interleaved by valgrind) they moved by 5%.
 * Without the two GC flags (V8 then times its heap growing and memory reducer by the wall clock) two runs of one build
 * at N = 2000 were 4.5% apart on a busy machine, and builds differing by ~1k instructions per call compared either
 * way.
 */
import { PerformanceObserver } from "node:perf_hooks"
import { getToTag, type Request } from "@sipkit/codec"
import {
  callRef,
  makeUa,
  makeUaConfig,
  step,
  type UaEvent,
  type UaOutput,
  type UaState,
} from "@sipkit/fsm/ua"
import { exposedGc, intArg } from "./src/benchArgs.ts"
import { parsedRequest, sippRequest, sippSdp } from "./src/sippUac.ts"

const calls = intArg("calls", 20_000)
const rounds = intArg("rounds", 3)
const held = intArg("held", 20_000)
const listen = process.argv.includes("--listen")

const contact = "sip:sipkit@127.0.0.1:5060"
const methods = ["INVITE", "ACK", "BYE", "CANCEL", "OPTIONS"]
/** `sip listen`'s handled methods (cli RuntimeListen's `allowed`), as transport-node's `uaConfigOf` makes them. */
const listened = ["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "MESSAGE", "INFO", "UPDATE"]
const config = makeUaConfig({
  contact,
  via: "SIP/2.0/UDP 127.0.0.1:5060",
  t1: 500,
  t2: 4000,
  allow: listen ? [...listened, "*"] : methods,
  recognized: listen ? listened : methods,
  delegate: listen ? ["*"] : ["INVITE"],
  supported: listen ? ["replaces"] : [],
  accept: listen ? ["application/sdp", "*/*"] : ["application/sdp"],
})
/** What transport-node adds to every `Respond` of a handler: the listener's Contact and its Server header. */
const server: ReadonlyArray<readonly [string, string]> = [["Server", "sipkit/0.1.0"]]
type Respond = Extract<UaEvent, { _tag: "Respond" }>

/** A `Respond` as transport-node builds it (field by field; with `--listen`, its Contact, headers and the call). */
const respondTo = (request: Request, status: number, call?: string, sdp?: string): Input => {
  const command: { -readonly [K in keyof Respond]?: Respond[K] } = { _tag: "Respond", request, status }
  if (listen) {
    command.headers = server
    command.contact = contact
    if (call !== undefined) command.call = call
  }
  if (sdp !== undefined) {
    command.body = sdp
    command.contentType = "application/sdp"
  }
  return command as Input
}

let state: UaState = makeUa(config)
let nonce = 0
type Input = UaEvent extends infer E ? (E extends unknown ? Omit<E, "nonce"> : never) : never
/** Steps the core as transport-node's `uaStepNow` does: the nonce is set on the caller's fresh input (a spread of the
 * event union would take V8's generic object-clone path, a cost of the bench and not of the core). */
const run = (input: Input): ReadonlyArray<UaOutput> => {
  ;(input as { nonce?: string }).nonce = `n${nonce++}`
  const result = step(state, input as UaEvent)
  state = result.state
  return result.outputs
}

/** The names of the last `held` calls (Call-ID and the To tag of our 200), a ring: the oldest is forgotten next. */
const refs: Array<string | undefined> = new Array(held).fill(undefined)

const oneCall = (call: number): void => {
  const invite = parsedRequest(sippRequest("INVITE", call, "", 1))
  const incoming = run({ _tag: "RequestReceived", request: invite }).find((o) => o._tag === "Report")
  const ref =
    incoming?._tag === "Report" && incoming.report._tag === "IncomingCall" ? incoming.report.call : undefined
  run(respondTo(invite, 180, ref))
  const answered = run(respondTo(invite, 200, ref, sippSdp))
  const ok = answered.find((o) => o._tag === "SendResponse")
  const tag = ok?._tag === "SendResponse" ? getToTag(ok.response) : undefined
  if (tag?._tag !== "Ok" || tag.value === undefined) throw new Error("the 200 carries no To tag")
  run({ _tag: "RequestReceived", request: parsedRequest(sippRequest("ACK", call, tag.value, 1)) })
  const byeRequest = parsedRequest(sippRequest("BYE", call, tag.value, 2))
  const received = run({ _tag: "RequestReceived", request: byeRequest })
  // under `sip listen` the BYE is the application's to answer (its `bye` handler)
  const bye = listen ? run(respondTo(byeRequest, 200)) : received
  if (!bye.some((o) => o._tag === "SendResponse" && o.response.status === 200))
    throw new Error("BYE not answered")
  const old = refs[call % held]
  refs[call % held] = callRef(`${call}-4242@127.0.0.1`, tag.value)
  if (old !== undefined) run({ _tag: "Forget", call: old })
}

const gc = exposedGc()
let pauses = 0
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) pauses += entry.duration
}).observe({ entryTypes: ["gc"] })
/** Waits for the GC entries of the round to be observed (they are delivered asynchronously). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 10))

let next = 0
for (let i = 0; i < held; i++) oneCall(next++)
for (let round = 1; round <= rounds; round++) {
  await settle()
  pauses = 0
  const started = performance.now()
  const before = process.cpuUsage()
  for (let i = 0; i < calls; i++) oneCall(next++)
  const used = process.cpuUsage(before)
  const wall = performance.now() - started
  await settle()
  const perCall = (used.user + used.system) / calls
  console.log(
    `round ${round}: ${perCall.toFixed(1)} µs CPU per call, ${(perCall / 5).toFixed(1)} µs per step, ` +
      `GC pauses ${((100 * pauses) / wall).toFixed(0)}% of the time; ${state.calls.size} calls held`,
  )
}
await settle()
gc()
const withCalls = process.memoryUsage().heapUsed
const count = state.calls.size
state = makeUa(config)
// what one job (macrotask) allocated stays reachable until it ends: collect after a turn of the event loop
await settle()
gc()
const without = process.memoryUsage().heapUsed
console.log(`heap held per call: ${((withCalls - without) / count).toFixed(0)} bytes (${count} calls held)`)
