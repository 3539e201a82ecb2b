/**
 * The runtime's own §8.2 checks (engine/RequestChecks.ts) against @sipkit/codec's `validateRequest`: on the RFC 4475
 * torture messages and on crafted requests, `requestFault` finds every fault `validateRequest` finds that the earlier
 * checks (the top Via and the dialog identity as a request arrives, the UA core's version / method / scheme / CSeq)
 * let through — the same fault — and never refuses what `validateRequest` accepts. A BYE's or CANCEL's Contact is
 * not read at all (§20 Table 3): a probe counts the reads of its value (checked: parsing it fails the probe, though
 * the answer would not change).
 */
import { readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import {
  getCallId,
  getCSeq,
  getFrom,
  getTo,
  getTopVia,
  makeRequest,
  parseMessage,
  parseUri,
  type Request,
  validateRequest,
} from "@sipkit/codec"
import { describe, expect, it } from "vitest"
import { requestFault } from "../src/engine/RequestChecks.js"

const fixtures = fileURLToPath(new URL("../../codec/test/fixtures/rfc4475/", import.meta.url))

/** What the runtime and the UA core check before a handler (and so before `requestFault`) runs. */
const caughtEarlier = (request: Request): boolean => {
  const uri = parseUri(request.uri)
  const cseq = getCSeq(request)
  return (
    uri._tag === "Err" ||
    uri.value._tag !== "SipUri" ||
    getTopVia(request)._tag === "Err" ||
    getFrom(request)._tag === "Err" ||
    getTo(request)._tag === "Err" ||
    getCallId(request)._tag === "Err" ||
    cseq._tag === "Err" ||
    cseq.value.method !== request.method
  )
}

/** RFC 3261 §20 Table 3: Contact is "-" in BYE and CANCEL — theirs is not checked (engine/RequestChecks.ts). */
const contactIgnored = (request: Request, header: string) =>
  header === "contact" && (request.method === "BYE" || request.method === "CANCEL")

/** The law: past the earlier checks, `requestFault` is `validateRequest`'s fault (or none when it accepts), but for
 * the Contact of a BYE or CANCEL. */
const agrees = (request: Request) => {
  const valid = validateRequest(request)
  const fault = requestFault(request)
  if (valid._tag === "Ok" || contactIgnored(request, valid.error.header)) expect(fault).toBeUndefined()
  else if (!caughtEarlier(request)) expect(fault).toEqual(valid.error)
}

const base: ReadonlyArray<readonly [string, string]> = [
  ["Via", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1"],
  ["Max-Forwards", "70"],
  ["From", "<sip:a@example.com>;tag=1"],
  ["To", "<sip:b@example.com>"],
  ["Call-ID", "c1@example.com"],
  ["CSeq", "1 INVITE"],
  ["Contact", "<sip:a@192.0.2.1>"],
]
const invite = (
  headers: ReadonlyArray<readonly [string, string]> = base,
  uri = "sip:b@example.com",
): Request => makeRequest({ method: "INVITE", uri, headers })

/** `base` as a request of `method` (its CSeq says so). */
const requestOf = (method: string, headers: ReadonlyArray<readonly [string, string]> = base): Request =>
  makeRequest({
    method,
    uri: "sip:b@example.com",
    headers: headers.map(([n, v]) => (n === "CSeq" ? [n, `1 ${method}`] : [n, v])),
  })

/** A Contact that does not parse (RFC 4475 regbadct: an addr-spec with a `?` outside angle brackets). */
const badContact = (headers: ReadonlyArray<readonly [string, string]> = base) =>
  headers.map(([n, v]) => (n === "Contact" ? [n, "sip:c@example.com?Route=x"] : [n, v])) as ReadonlyArray<
    readonly [string, string]
  >

describe("requestFault (the runtime's §8.2 checks beside the UA core's)", () => {
  it("finds what validateRequest finds past the earlier checks, on every RFC 4475 request that parses", () => {
    const names = readdirSync(fixtures).filter((f) => f.endsWith(".sip"))
    expect(names.length).toBeGreaterThan(40)
    let refused = 0
    for (const name of names) {
      const parsed = parseMessage(new Uint8Array(readFileSync(`${fixtures}${name}`)))
      if (parsed._tag === "Err" || parsed.value._tag !== "Request") continue
      agrees(parsed.value)
      if (requestFault(parsed.value) !== undefined) refused++
    }
    // escruri, multi01, badinv01 … reach it
    expect(refused).toBeGreaterThan(0)
  })

  it("accepts a well-formed request without reading past its header names", () => {
    expect(requestFault(invite())).toBeUndefined()
    expect(requestFault(invite([...base, ["Via", "SIP/2.0/UDP proxy.example.com;branch=z9hG4bK-2"]]))).toBe(
      undefined,
    )
  })

  it("refuses headers in the Request-URI (§19.1.1; RFC 4475 escruri)", () => {
    expect(requestFault(invite(base, "sip:b@example.com?Route=%3Csip:x%3E"))?.status).toBe(400)
  })

  it.each([
    ["a second To (compact)", ["t", "<sip:c@example.com>"]],
    ["a second From", ["From", "<sip:c@example.com>;tag=2"]],
    ["a second Call-ID (compact)", ["i", "c2@example.com"]],
    ["a second CSeq", ["CSeq", "2 INVITE"]],
    ["a second Max-Forwards", ["max-forwards", "69"]],
  ] as const)("refuses %s (§8.1.1; RFC 4475 multi01)", (_, extra) => {
    const request = invite([...base, extra])
    expect(requestFault(request)?.status).toBe(400)
    agrees(request)
  })

  it.each([
    ["a second Via that does not parse", [...base, ["v", "SIP/2.0/UDP ;;,"]]],
    [
      "a Via list whose second value does not parse",
      base.map(([n, v]) => (n === "Via" ? [n, `${v}, nonsense`] : [n, v])),
    ],
    [
      "a Max-Forwards that is not a number",
      base.map(([n, v]) => (n === "Max-Forwards" ? [n, "seventy"] : [n, v])),
    ],
    ["a Contact addr-spec with a ? outside <> (regbadct)", [...base, ["m", "sip:c@example.com?Route=x"]]],
  ] as ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, string]>]>)(
    "refuses %s",
    (_, headers) => {
      const request = invite(headers)
      expect(validateRequest(request)._tag).toBe("Err")
      expect(requestFault(request)?.status).toBe(400)
      agrees(request)
    },
  )

  it.each(["INVITE", "REGISTER", "OPTIONS", "SUBSCRIBE"])(
    "refuses a %s whose Contact does not parse (400)",
    (m) => {
      const request = requestOf(m, badContact())
      expect(validateRequest(request)._tag).toBe("Err")
      expect(requestFault(request)?.status).toBe(400)
      expect(requestFault(request)?.header).toBe("contact")
      agrees(request)
    },
  )

  it.each(["BYE", "CANCEL"])(
    "does not check a %s's Contact (RFC 3261 §20 Table 3: not applicable), even when it reads the request for another reason",
    (m) => {
      const request = requestOf(m, badContact())
      expect(validateRequest(request)._tag).toBe("Err")
      expect(requestFault(request)).toBeUndefined()
      // a second Via makes the request suspicious: validateRequest runs, and its Contact fault is still not one
      const viaList = requestOf(m, [
        ...badContact(),
        ["Via", "SIP/2.0/UDP proxy.example.com;branch=z9hG4bK-2"],
      ])
      expect(requestFault(viaList)).toBeUndefined()
      // its other faults are: a second To is refused as for any method
      expect(requestFault(requestOf(m, [...badContact(), ["t", "<sip:c@example.com>"]]))?.status).toBe(400)
      agrees(request)
    },
  )

  it.each(["BYE", "CANCEL"])(
    "does not read a %s's Contact at all when nothing else makes it suspicious (§20 Table 3: not parsed, not refused)",
    (m) => {
      const probe = readsOfContact(requestOf(m, badContact()))
      expect(requestFault(probe.request)).toBeUndefined()
      expect(probe.reads()).toBe(0)
    },
  )

  it.each(["INVITE", "REGISTER", "OPTIONS", "SUBSCRIBE"])(
    "reads a %s's Contact (the probe sees it: a well-formed one is parsed and passes)",
    (m) => {
      const probe = readsOfContact(requestOf(m))
      expect(requestFault(probe.request)).toBeUndefined()
      expect(probe.reads()).toBeGreaterThan(0)
    },
  )
})

/** `request` whose Contact header record counts the reads of its value (whoever parses it reads it). */
const readsOfContact = (request: Request) => {
  let reads = 0
  const headers = request.headers.map((h) =>
    h.name === "Contact"
      ? {
          name: h.name,
          get value() {
            reads++
            return h.value
          },
        }
      : h,
  )
  return { request: { ...request, headers } as Request, reads: () => reads }
}
