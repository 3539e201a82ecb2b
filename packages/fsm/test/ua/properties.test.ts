/**
 * The laws of issue 5 for requests inside a dialog, over any interleaving of requests from both sides (INFO,
 * hold, resume, re-INVITEs from a new Contact — glare included) on a delaying, reordering, lossy link through a
 * record-routing proxy that also record-routes every re-INVITE (which a route set must ignore, §12.2):
 *
 * 1. each side's CSeq numbers in the dialog go up by exactly one per request (§12.2.1.1), ACK and CANCEL aside;
 * 2. no request leaves with a stale route set: every request in the dialog carries the route set of the
 *    dialog-creating exchange, and goes to a Contact the peer actually advertised;
 * 3. once terminated, a dialog answers 481 to anything sent in it (§12.2.2), and nothing to an ACK.
 */
import {
  getCallId,
  getContacts,
  getCSeq,
  getHeaderValues,
  isOk,
  makeRequest,
  type Request,
} from "@sipkit/codec"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { makeInDialogRequest } from "../../src/dialog/index.js"
import { step, type UaEvent, type UaState } from "../../src/ua/index.js"
import { Network, type Party } from "./support/Network.js"
import { aliceSession, bobSession, inviteBob } from "./support/parties.js"

const aliceCall = "12345@192.168.1.100;a73kszlfl"

const action = fc.record({
  who: fc.constantFrom("Alice", "Bob"),
  kind: fc.constantFrom("INFO", "Hold", "Resume", "Move"),
  after: fc.integer({ min: 0, max: 4_000 }),
})

const establish = (seed: number): { net: Network; bobCall: () => string } => {
  const net = new Network({ loss: 0.1, duplicate: 0.1, minDelay: 5, maxDelay: 120 }, seed)
  let bobCall = ""
  net.addProxy({
    name: "Proxy",
    host: "proxy.example",
    domain: "example.com",
    location: new Map([["bob", "10.0.0.50"]]),
    recordRouteAll: true,
  })
  net.addParty({ name: "Alice", host: "192.168.1.100", config: { session: aliceSession } })
  net.addParty({
    name: "Bob",
    host: "10.0.0.50",
    config: { session: bobSession },
    script: (report, n) => {
      if (report._tag !== "IncomingCall") return
      bobCall = report.call
      n.command("Bob", { _tag: "Answer", call: report.call }, 10)
    },
  })
  net.command("Alice", inviteBob())
  return { net, bobCall: () => bobCall }
}

/** What each side sent inside the dialog (from its own outputs), in order. */
const sentInDialog = (party: Party) =>
  party.outputs.flatMap(({ order, output }) => {
    if (output._tag !== "SendRequest" && output._tag !== "SendAck") return []
    const callId = getCallId(output.request)
    return isOk(callId) && callId.value === "12345@192.168.1.100" ? [{ order, request: output.request }] : []
  })

/** Contacts the peer advertised to `party` (in requests and responses it received), with when. */
const advertised = (party: Party) =>
  party.inputs.flatMap(({ order, event }) => {
    const message =
      event._tag === "RequestReceived"
        ? event.request
        : event._tag === "ResponseReceived"
          ? event.response
          : undefined
    if (message === undefined) return []
    const contacts = getContacts(message)
    return isOk(contacts) && contacts.value !== "*" ? contacts.value.map((c) => ({ order, uri: c.uri })) : []
  })

const seqOf = (request: Request): number => {
  const cseq = getCSeq(request)
  return isOk(cseq) ? cseq.value.seq : -1
}

describe("laws of requests inside a dialog", () => {
  it("CSeq monotonic and contiguous per side, no stale route set, targets the peer advertised", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.array(action, { maxLength: 10 }),
        (seed, actions) => {
          const { net, bobCall } = establish(seed)
          net.run(2_000)
          fc.pre(bobCall() !== "" && net.party("Alice").ua.calls.get(aliceCall)?.phase === "Confirmed")
          let moves = 0
          for (const a of actions) {
            const call = a.who === "Alice" ? aliceCall : bobCall()
            const host = a.who === "Alice" ? "192.168.1.100" : "10.0.0.50"
            const command =
              a.kind === "INFO"
                ? ({ _tag: "SendInDialog", call, method: "INFO" } as const)
                : a.kind === "Move"
                  ? ({
                      _tag: "Reinvite",
                      call,
                      contact: `sip:${a.who.toLowerCase()}${++moves}@${host}`,
                    } as const)
                  : ({ _tag: a.kind, call } as const)
            net.command(a.who, command, a.after)
          }
          net.command("Alice", { _tag: "Hangup", call: aliceCall }, 6_000)
          net.run()
          for (const name of ["Alice", "Bob"]) {
            const party = net.party(name)
            const sent = sentInDialog(party).filter(({ request }) => request.method !== "CANCEL")
            const numbered = sent
              .filter(({ request }) => request.method !== "ACK")
              .map(({ request }) => seqOf(request))
            const first = numbered[0] ?? 0
            expect(numbered).toEqual(numbered.map((_, i) => first + i))
            const contacts = advertised(party)
            for (const { order, request } of sent) {
              if (name === "Alice" && seqOf(request) === 1 && request.method === "INVITE") continue
              expect(getHeaderValues(request, "Route")).toEqual(["<sip:proxy.example;lr>"])
              expect(contacts.filter((c) => c.order < order).map((c) => c.uri)).toContain(request.uri)
            }
          }
        },
      ),
      { numRuns: 80 },
    )
  }, 30_000)

  it("a terminated dialog answers 481 to every request sent in it, and nothing to an ACK", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.array(
          fc.record({
            method: fc.constantFrom("INFO", "INVITE", "BYE", "REFER", "NOTIFY", "OPTIONS", "ACK", "MESSAGE"),
            jump: fc.integer({ min: 0, max: 5 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (seed, requests) => {
          const { net } = establish(seed)
          net.run(2_000)
          const aliceDialog = net.party("Alice").ua.calls.get(aliceCall)?.dialog
          fc.pre(aliceDialog !== undefined && aliceDialog.state === "confirmed")
          net.command("Alice", { _tag: "Hangup", call: aliceCall }, 0)
          net.run()
          let bob: UaState = net.party("Bob").ua
          let dialog = aliceDialog
          for (const [i, r] of requests.entries()) {
            const via = `SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bKlate${i}`
            const request =
              r.method === "ACK"
                ? makeRequest({ method: "ACK", uri: "sip:bob@10.0.0.50", headers: ackHeaders(dialog, via) })
                : (() => {
                    const built = makeInDialogRequest(
                      { ...dialog, localSeq: (dialog.localSeq ?? 1) + r.jump },
                      { method: r.method, via },
                    )
                    if (!isOk(built)) throw new Error("cannot build")
                    dialog = built.value.dialog
                    return built.value.request
                  })()
            const result = step(bob, { _tag: "RequestReceived", request, nonce: `late${i}` } as UaEvent)
            bob = result.state
            const statuses = result.outputs.flatMap((o) =>
              o._tag === "SendResponse" ? [o.response.status] : [],
            )
            expect(statuses).toEqual(r.method === "ACK" ? [] : [481])
          }
        },
      ),
      { numRuns: 80 },
    )
  }, 30_000)
})

const ackHeaders = (
  dialog: NonNullable<ReturnType<UaState["calls"]["get"]>>["dialog"] & object,
  via: string,
): ReadonlyArray<readonly [string, string]> => [
  ["Via", via],
  ["From", `<${dialog.local.uri}>;tag=${dialog.id.localTag}`],
  ["To", `<${dialog.remote.uri}>;tag=${dialog.id.remoteTag}`],
  ["Call-ID", dialog.id.callId],
  ["CSeq", `${dialog.localSeq ?? 1} ACK`],
]
