import { describe, expect, it } from "vitest"
import {
  eventId,
  getAccept,
  getAllow,
  getAllowEvents,
  getContentType,
  getEvent,
  getMinSE,
  getProxyRequire,
  getRAck,
  getReferredBy,
  getReferTo,
  getRequire,
  getRetryAfter,
  getSessionExpires,
  getSubscriptionState,
  getSupported,
  getUnsupported,
  getWarnings,
  isMediaType,
  parseEvent,
  parseMediaType,
  parseMessage,
  parseRAck,
  parseRetryAfter,
  parseSessionExpires,
  parseSubscriptionState,
  parseTokenList,
  parseWarning,
  printEvent,
  printMediaType,
  printRAck,
  printRetryAfter,
  printSessionExpires,
  printSubscriptionState,
  printTokenList,
  printWarning,
  sessionRefresher,
} from "../../src/index.js"
import { crlf, unwrap, unwrapErr } from "../helpers.js"

const m = unwrap(
  parseMessage(
    crlf(
      "NOTIFY sip:a@b SIP/2.0",
      'c: multipart/mixed ; boundary="b1"',
      "Accept: application/sdp, text/*;q=0.5",
      "Allow: INVITE, ACK",
      "Allow: BYE",
      "k: 100rel, timer",
      "Require: 100rel",
      "Proxy-Require: foo",
      "Unsupported: bar",
      "u: presence, dialog",
      "o: presence.winfo;id=7",
      "Subscription-State: terminated;reason=timeout;retry-after=30",
      "r: <sip:c@x?Replaces=abc%40x>",
      'b: "A" <sip:a@x>',
      "RAck: 776656 1 INVITE",
      "x: 1800;refresher=uac",
      "Min-SE: 90",
      "Retry-After: 120 (I'm in a meeting);duration=3600",
      'Warning: 307 isi.edu "Session parameter \'foo\' not understood", 301 [::1]:5060 "x \\"y\\""',
    ),
  ),
)

describe("typed headers read from a message", () => {
  it("Content-Type and Accept", () => {
    const ct = unwrap(getContentType(m))
    expect(ct).toEqual({ type: "multipart", subtype: "mixed", params: [{ name: "boundary", value: '"b1"' }] })
    expect(ct !== undefined && isMediaType(ct, "Multipart", "MIXED")).toBe(true)
    expect(unwrap(getAccept(m)).map(printMediaType)).toEqual(["application/sdp", "text/*;q=0.5"])
  })
  it("token lists across fields", () => {
    expect(unwrap(getAllow(m))).toEqual(["INVITE", "ACK", "BYE"])
    expect(unwrap(getSupported(m))).toEqual(["100rel", "timer"])
    expect(unwrap(getRequire(m))).toEqual(["100rel"])
    expect(unwrap(getProxyRequire(m))).toEqual(["foo"])
    expect(unwrap(getUnsupported(m))).toEqual(["bar"])
    expect(unwrap(getAllowEvents(m))).toEqual(["presence", "dialog"])
  })
  it("Event and Subscription-State", () => {
    const ev = unwrap(getEvent(m))
    expect(ev?.type).toBe("presence.winfo")
    expect(ev && eventId(ev)).toBe("7")
    expect(unwrap(getSubscriptionState(m))).toEqual({
      state: "terminated",
      params: [
        { name: "reason", value: "timeout" },
        { name: "retry-after", value: "30" },
      ],
    })
  })
  it("Refer-To, Referred-By, RAck, Session-Expires, Min-SE, Retry-After, Warning", () => {
    expect(unwrap(getReferTo(m)).uri).toBe("sip:c@x?Replaces=abc%40x")
    expect(unwrap(getReferredBy(m)).displayName).toBe("A")
    expect(unwrap(getRAck(m))).toEqual({ rseq: 776656, cseq: 1, method: "INVITE" })
    const se = unwrap(getSessionExpires(m))
    expect(se?.seconds).toBe(1800)
    expect(se && sessionRefresher(se)).toBe("uac")
    expect(unwrap(getMinSE(m))?.seconds).toBe(90)
    expect(unwrap(getRetryAfter(m))).toEqual({
      seconds: 120,
      comment: "I'm in a meeting",
      params: [{ name: "duration", value: "3600" }],
    })
    expect(unwrap(getWarnings(m))).toEqual([
      { code: 307, agent: "isi.edu", text: "Session parameter 'foo' not understood" },
      { code: 301, agent: "[::1]:5060", text: 'x "y"' },
    ])
  })
  it("answers undefined for absent single headers", () => {
    const empty = unwrap(parseMessage(crlf("OPTIONS sip:a@b SIP/2.0")))
    expect(unwrap(getEvent(empty))).toBeUndefined()
    expect(unwrap(getContentType(empty))).toBeUndefined()
    expect(unwrap(getAllow(empty))).toEqual([])
    expect(unwrapErr(getReferTo(empty)).header).toBe("refer-to")
  })
})

describe("typed headers: print ∘ parse keeps the value", () => {
  const roundTrip = <A>(parse: (v: string) => { _tag: string }, print: (a: A) => string, v: string) => {
    const a = unwrap(parse(v) as never) as A
    expect(unwrap(parse(print(a)) as never)).toEqual(a)
    return print(a)
  }
  it("prints each typed header", () => {
    expect(roundTrip(parseMediaType, printMediaType, "application/sdp ;charset=utf-8")).toBe(
      "application/sdp;charset=utf-8",
    )
    expect(roundTrip(parseEvent, printEvent, "dialog ; id=1")).toBe("dialog;id=1")
    expect(roundTrip(parseSubscriptionState, printSubscriptionState, "active;expires=600")).toBe(
      "active;expires=600",
    )
    expect(roundTrip(parseRAck, printRAck, " 1  2   PRACK ")).toBe("1 2 PRACK")
    expect(roundTrip(parseSessionExpires, printSessionExpires, "90 ; refresher=uas")).toBe("90;refresher=uas")
    expect(roundTrip(parseRetryAfter, printRetryAfter, "5 (busy (really))")).toBe("5 (busy (really))")
    expect(roundTrip(parseWarning, printWarning, '399 h "a\\\\b"')).toBe('399 h "a\\\\b"')
    expect(roundTrip((v: string) => parseTokenList(v), printTokenList, "a ,b,  c")).toBe("a, b, c")
  })
  it("rejects malformed values with 400", () => {
    expect(unwrapErr(parseMediaType("application")).status).toBe(400)
    expect(unwrapErr(parseTokenList("a, b c")).header).toBe("tokens")
    expect(unwrapErr(parseRAck("1 INVITE")).header).toBe("rack")
    expect(unwrapErr(parseRetryAfter("949302838503028349304023988")).header).toBe("retry-after")
    expect(unwrapErr(parseWarning('1812 overture "In Progress"')).header).toBe("warning")
    expect(unwrapErr(parseSessionExpires("soon")).header).toBe("session-expires")
    expect(unwrapErr(parseEvent(";id=1")).header).toBe("event")
  })
})
