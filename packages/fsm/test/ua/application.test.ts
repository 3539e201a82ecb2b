/**
 * The application's side of the UA core as a runtime drives it: `Respond` to any reported request (a call's INVITE,
 * a request inside a dialog, one outside any), `config.delegate`, `Forget`, and the pure helpers for one-off
 * requests, REGISTER and the Via the transport fills in (§18.1.1).
 */
import {
  getCSeq,
  getHeader,
  getHeaderValues,
  getTag,
  getTo,
  getTopVia,
  isOk,
  makeResponse,
  type Response,
  viaBranch,
} from "@sipkit/codec"
import { describe, expect, it } from "vitest"
import {
  fillVia,
  grantedExpiry,
  makeOutOfDialogRequest,
  makeRegister,
  makeUaConfig,
  retryWithCredentials,
  type UaOutput,
} from "../../src/ua/index.js"
import { Driver, fromAlice, only, requestsIn, responsesIn } from "./support/drive.js"

const toTag = (response: Response): string | undefined => {
  const to = getTo(response)
  return isOk(to) ? getTag(to.value) : undefined
}

const reports = (outputs: ReadonlyArray<UaOutput>) =>
  outputs.flatMap((o) => (o._tag === "Report" ? [o.report] : []))

const delegating = () =>
  new Driver({
    delegate: ["INVITE", "BYE", "MESSAGE", "INFO"],
    allow: ["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "MESSAGE", "INFO"],
    recognized: ["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "MESSAGE", "INFO"],
    accept: ["application/sdp", "*/*"],
  })

const invite = fromAlice({ extra: [["Record-Route", "<sip:p1.example.com;lr>"]] })

/** Bob's core reports Alice's INVITE; the test plays the application. */
const incoming = () => {
  const driver = delegating()
  const report = only(reports(driver.request(invite)))
  if (report._tag !== "IncomingCall") throw new Error("no IncomingCall")
  return { driver, call: report.call, request: report.request }
}

const established = () => {
  const { driver, call, request } = incoming()
  const ok = only(responsesIn(driver.send({ _tag: "Respond", request, status: 200, body: "v=0\r\n" })))
  driver.request(fromAlice({ method: "ACK", toTag: toTag(ok)!, branch: "z9hG4bKack" }))
  return { driver, call, tag: toTag(ok)! }
}

describe("Respond to a call's INVITE", () => {
  it("a 180 with a reason and headers is tagged, carries Contact and the Record-Route copy (§12.1.1)", () => {
    const { driver, request } = incoming()
    const [ringing] = responsesIn(
      driver.send({ _tag: "Respond", request, status: 180, reason: "Ringing Loud", headers: [["X-A", "1"]] }),
    )
    expect(ringing?.reason).toBe("Ringing Loud")
    expect(getHeader(ringing!, "X-A")).toBe("1")
    expect(toTag(ringing!)).toBeDefined()
    expect(getHeaderValues(ringing!, "Record-Route")).toEqual(["<sip:p1.example.com;lr>"])
    expect(getHeaderValues(ringing!, "Contact")).toEqual(["<sip:bob@10.0.0.50>"])
  })

  it("a 200 with the application's body and Contact is retransmitted at T1, 2·T1 … until the ACK (§13.3.1.4)", () => {
    const { driver, call, request } = incoming()
    const outputs = driver.send({
      _tag: "Respond",
      request,
      status: 200,
      body: "v=0\r\nanswer",
      contact: "sip:bob@192.0.2.9;transport=tcp",
    })
    const ok = only(responsesIn(outputs))
    expect(new TextDecoder().decode(ok.body)).toBe("v=0\r\nanswer")
    expect(getHeader(ok, "Content-Type")).toBe("application/sdp")
    expect(getHeaderValues(ok, "Contact")).toEqual(["<sip:bob@192.0.2.9;transport=tcp>"])
    expect(getHeaderValues(ok, "Record-Route")).toEqual(["<sip:p1.example.com;lr>"])
    expect(
      outputs.filter((o) => o._tag === "StartTimer").map((o) => o._tag === "StartTimer" && o.after),
    ).toEqual([500, 32000])
    const again = driver.send({
      _tag: "TimerFired",
      timer: { _tag: "2xxRetransmit", call, seq: 1, attempt: 0 },
    })
    expect(only(responsesIn(again))).toBe(ok)
    const ack = driver.request(fromAlice({ method: "ACK", toTag: toTag(ok)!, branch: "z9hG4bKack" }))
    expect(reports(ack).map((r) => r._tag)).toEqual(["Established"])
  })

  it("the call named by `call` (the IncomingCall's) answers as the call found from the INVITE; another call's name is ignored", () => {
    const plain = incoming()
    const named = incoming()
    const other = incoming()
    const respond = { _tag: "Respond", status: 180 } as const
    const without = plain.driver.send({ ...respond, request: plain.request })
    expect(named.driver.send({ ...respond, request: named.request, call: named.call })).toEqual(without)
    // a call of this core that is not this INVITE's, and a name the core does not know
    other.driver.send({
      _tag: "Invite",
      callId: "c2",
      fromTag: "f2",
      from: "<sip:bob@b>",
      to: "<sip:carol@c>",
    })
    const elsewhere = [...other.driver.state.calls.keys()].find((ref) => ref !== other.call)!
    expect(other.driver.send({ ...respond, request: other.request, call: elsewhere })).toEqual(without)
    expect(plain.driver.send({ ...respond, request: plain.request, call: "nobody;x" })).toEqual(
      plain.driver.send({ ...respond, request: plain.request }),
    )
  })

  it("a final ≥ 300 ends the call; nothing more can be sent for it", () => {
    const { driver, request } = incoming()
    const outputs = driver.send({ _tag: "Respond", request, status: 486, headers: [["Retry-After", "30"]] })
    expect(only(responsesIn(outputs)).status).toBe(486)
    expect(reports(outputs)).toMatchObject([{ _tag: "Ended", status: 486, by: "local" }])
    expect(driver.send({ _tag: "Respond", request, status: 200 })).toEqual([])
  })

  it("CANCEL still gets 200 and the INVITE 487 from the core (§9.2)", () => {
    const { driver } = incoming()
    const cancel = fromAlice({ method: "CANCEL", extra: [] })
    const statuses = responsesIn(driver.request({ ...cancel })).map((r) => r.status)
    expect(statuses).toEqual([200, 487])
  })
})

describe("the secure flag (§12.1.1)", () => {
  it("a SIPS INVITE that arrived over TLS makes a secure dialog; over anything else it does not", () => {
    for (const secure of [true, false]) {
      const driver = delegating()
      const request = fromAlice({ uri: "sips:bob@10.0.0.50", extra: [] })
      const report = only(reports(driver.send({ _tag: "RequestReceived", request, secure })))
      if (report._tag !== "IncomingCall") throw new Error(report._tag)
      driver.send({ _tag: "Respond", request, status: 200 })
      expect(driver.state.calls.get(report.call)?.dialog?.secure).toBe(secure)
    }
  })
})

describe("the secure flag on the caller's side (§12.1.2)", () => {
  it("the dialog of a SIPS INVITE is secure, that of a SIP one is not", () => {
    for (const scheme of ["sips", "sip"]) {
      const driver = new Driver()
      const [invite] = requestsIn(
        driver.send({
          _tag: "Invite",
          callId: `c-${scheme}`,
          fromTag: "f1",
          from: "<sip:bob@example.com>",
          to: `<${scheme}:carol@example.com>`,
        }),
      )
      driver.response(
        makeResponse(invite!, 200, { toTag: "t1", headers: [["Contact", `<${scheme}:carol@192.0.2.5>`]] }),
      )
      expect(driver.state.calls.get(`c-${scheme};f1`)?.dialog?.secure).toBe(scheme === "sips")
    }
  })
})

describe("Respond inside a dialog", () => {
  it("a delegated BYE waits for the application; its 2xx ends the call", () => {
    const { driver, tag } = established()
    const bye = fromAlice({ method: "BYE", seq: 2, toTag: tag, branch: "z9hG4bKbye" })
    const seen = driver.request(bye)
    expect(responsesIn(seen)).toEqual([])
    expect(reports(seen).map((r) => r._tag)).toEqual(["InDialogRequest"])
    const done = driver.send({ _tag: "Respond", request: bye, status: 200 })
    expect(only(responsesIn(done)).status).toBe(200)
    expect(reports(done)).toMatchObject([{ _tag: "Ended", by: "remote" }])
  })

  it("a delegated re-INVITE is answered by the application and its 2xx retransmitted (§14.2)", () => {
    const { driver, call, tag } = established()
    const reinvite = fromAlice({ seq: 2, toTag: tag, branch: "z9hG4bKre", body: "v=0\r\nnew" })
    expect(reports(driver.request(reinvite)).map((r) => r._tag)).toEqual(["InDialogRequest"])
    // a second one while the first is pending: 500 with Retry-After, the core's answer
    const second = fromAlice({ seq: 3, toTag: tag, branch: "z9hG4bKre2" })
    expect(only(responsesIn(driver.request(second))).status).toBe(500)
    const outputs = driver.send({ _tag: "Respond", request: reinvite, status: 200, body: "v=0\r\nmine" })
    expect(new TextDecoder().decode(only(responsesIn(outputs)).body)).toBe("v=0\r\nmine")
    expect(
      outputs.some(
        (o) => o._tag === "StartTimer" && o.timer._tag === "2xxRetransmit" && o.timer.call === call,
      ),
    ).toBe(true)
  })

  it("a delegated INFO is answered with the application's status, in the dialog", () => {
    const { driver, tag } = established()
    const info = fromAlice({ method: "INFO", seq: 2, toTag: tag, branch: "z9hG4bKinfo" })
    expect(responsesIn(driver.request(info))).toEqual([])
    const busy = only(responsesIn(driver.send({ _tag: "Respond", request: info, status: 486 })))
    expect([busy.status, toTag(busy)]).toEqual([486, tag])
  })

  it("Forget drops the call: its dialog's next request gets 481 (§12.2.2)", () => {
    const { driver, call, tag } = established()
    driver.send({ _tag: "Forget", call })
    expect(driver.state.calls.size).toBe(0)
    const info = fromAlice({ method: "INFO", seq: 2, toTag: tag, branch: "z9hG4bKinfo" })
    expect(only(responsesIn(driver.request(info))).status).toBe(481)
  })
})

describe("requests outside a dialog", () => {
  it("a delegated MESSAGE is reported with a To tag; Respond uses it and the given body type", () => {
    const driver = delegating()
    const message = fromAlice({
      method: "MESSAGE",
      branch: "z9hG4bKm",
      extra: [["Content-Type", "text/x-own"]],
    })
    const report = only(reports(driver.request({ ...message, body: new TextEncoder().encode("hi") })))
    if (report._tag !== "IncomingRequest") throw new Error(report._tag)
    const ok = only(
      responsesIn(
        driver.send({
          _tag: "Respond",
          request: report.request,
          status: 202,
          toTag: report.toTag,
          body: "ok",
        }),
      ),
    )
    expect([ok.status, toTag(ok), getHeader(ok, "Content-Type")]).toEqual([202, report.toTag, "text/plain"])
  })

  it("a method recognized but not allowed gets 405, one not recognized 501, both with Allow (§8.2.1)", () => {
    const driver = delegating()
    const subscribe = only(
      responsesIn(driver.request(fromAlice({ method: "SUBSCRIBE", branch: "z9hG4bKs" }))),
    )
    expect(subscribe.status).toBe(501)
    const strict = new Driver()
    expect(
      only(responsesIn(strict.request(fromAlice({ method: "SUBSCRIBE", branch: "z9hG4bKs" })))).status,
    ).toBe(405)
    expect(getHeader(subscribe, "Allow")).toContain("MESSAGE")
  })
})

describe("an application that answers anything", () => {
  it("`*` in allow and delegate: an extension method is reported; Allow never prints `*`", () => {
    const driver = new Driver({ allow: ["INVITE", "ACK", "BYE", "*"], delegate: ["*"] })
    const report = only(reports(driver.request(fromAlice({ method: "FOO", branch: "z9hG4bKfoo" }))))
    expect(report._tag).toBe("IncomingRequest")
    const strict = new Driver({ allow: ["INVITE", "ACK", "BYE", "OPTIONS", "*"] })
    const options = only(responsesIn(strict.request(fromAlice({ method: "OPTIONS", branch: "z9hG4bKo" }))))
    expect(getHeader(options, "Allow")).toBe("INVITE, ACK, BYE, OPTIONS")
  })
})

describe("pure helpers for the runtime", () => {
  const config = makeUaConfig({ contact: "sip:alice@192.0.2.1", via: "SIP/2.0/UDP 192.0.2.1:5060" })

  it("fillVia sets transport and sent-by and keeps the branch (§18.1.1)", () => {
    const request = makeOutOfDialogRequest(
      config,
      {
        method: "OPTIONS",
        uri: "sip:bob@example.com",
        from: "<sip:alice@example.com>",
        callId: "c",
        fromTag: "t",
      },
      "n1",
    )
    const filled = fillVia(request, "tcp", "[::1]", 5070, { rport: true })
    const via = getTopVia(filled)
    expect(isOk(via) && [via.value.transport, via.value.host, via.value.port, viaBranch(via.value)]).toEqual([
      "TCP",
      "[::1]",
      5070,
      "z9hG4bKn1.0",
    ])
    expect(getHeader(filled, "Via")).toMatch(/;rport$/)
  })

  it("a one-off request: Route preloaded (§8.1.2), Contact only where a dialog may start (§8.1.1.8)", () => {
    const init = {
      uri: "sip:bob@example.com",
      from: "<sip:alice@example.com>",
      callId: "c",
      fromTag: "t",
      route: ["<sip:proxy.example.com;lr>"],
    }
    const message = makeOutOfDialogRequest(config, { ...init, method: "MESSAGE", body: "hi" }, "n")
    expect(getHeaderValues(message, "Route")).toEqual(["<sip:proxy.example.com;lr>"])
    expect(getHeader(message, "Contact")).toBeUndefined()
    expect(getHeader(message, "To")).toBe("<sip:bob@example.com>")
    expect(getHeader(message, "Content-Type")).toBe("text/plain")
    const subscribe = makeOutOfDialogRequest(config, { ...init, method: "SUBSCRIBE" }, "n")
    expect(getHeader(subscribe, "Contact")).toBe("<sip:alice@192.0.2.1>")
  })

  it("a Contact among the caller's header fields is the only one: a REGISTER binds what it was given (§10.2.1)", () => {
    const init = { uri: "sip:example.com", from: "<sip:bob@example.com>", callId: "c", fromTag: "t" }
    const given = makeOutOfDialogRequest(
      config,
      { ...init, method: "REGISTER", headers: [["Contact", "<sip:bob@192.0.2.9:5070>;expires=60"]] },
      "n",
    )
    expect(getHeaderValues(given, "Contact")).toEqual(["<sip:bob@192.0.2.9:5070>;expires=60"])
    const compact = makeOutOfDialogRequest(
      config,
      {
        ...init,
        method: "INVITE",
        contact: "sip:alice@192.0.2.1;transport=tcp",
        headers: [["m", "<sip:x@192.0.2.8>"]],
      },
      "n",
    )
    expect(getHeaderValues(compact, "Contact")).toEqual(["<sip:x@192.0.2.8>"])
    const own = makeOutOfDialogRequest(config, { ...init, method: "REGISTER" }, "n")
    expect(getHeaderValues(own, "Contact")).toEqual(["<sip:alice@192.0.2.1>"])
  })

  it("a digest retry has the next CSeq, a new branch and the credentials (§22.2)", () => {
    const request = makeRegister(
      config,
      {
        registrar: "sip:example.com",
        aor: "sip:alice@example.com",
        expires: 60,
        callId: "c",
        fromTag: "t",
        seq: 1,
      },
      "n1",
    )
    const challenge = makeResponse(request, 401, {
      headers: [["WWW-Authenticate", 'Digest realm="example.com", nonce="abc", qop="auth"']],
    })
    const retry = retryWithCredentials(
      config,
      request,
      challenge,
      { username: "alice", password: "pw" },
      "n2",
    )
    const cseq = retry === undefined ? undefined : getCSeq(retry.request)
    expect(cseq !== undefined && isOk(cseq) && cseq.value.seq).toBe(2)
    expect(getHeader(retry!.request, "Authorization")).toMatch(/^Digest .*username="alice"/)
    expect(getHeader(retry!.request, "Via")).toContain("branch=z9hG4bKn2.")
    expect(retry!.challenge).toBe("example.com abc")
    expect(
      retryWithCredentials(
        config,
        request,
        makeResponse(request, 403),
        { username: "a", password: "b" },
        "n",
      ),
    ).toBeUndefined()
  })

  it("REGISTER: the granted expiry is the Contact's, else Expires, else what was asked (§10.2.4)", () => {
    const request = makeRegister(
      config,
      {
        registrar: "sip:example.com",
        aor: "sip:alice@example.com",
        expires: 3600,
        callId: "c",
        fromTag: "t",
        seq: 1,
      },
      "n1",
    )
    expect(getHeader(request, "Expires")).toBe("3600")
    expect(getHeader(request, "Contact")).toBe("<sip:alice@192.0.2.1>")
    const own = makeResponse(request, 200, { headers: [["Contact", "<sip:alice@192.0.2.1>;expires=120"]] })
    expect(grantedExpiry(own, "sip:alice@192.0.2.1", 3600)).toBe(120)
    const header = makeResponse(request, 200, { headers: [["Expires", "90"]] })
    expect(grantedExpiry(header, "sip:alice@192.0.2.1", 3600)).toBe(90)
    expect(grantedExpiry(makeResponse(request, 200), "sip:alice@192.0.2.1", 3600)).toBe(3600)
  })

  it("an Invite with a preloaded route, its own Contact: Route on the INVITE and on its CANCEL (§9.1)", () => {
    const driver = new Driver()
    const [sent] = requestsIn(
      driver.send({
        _tag: "Invite",
        callId: "c9",
        fromTag: "f9",
        from: "<sip:bob@example.com>",
        to: "<sip:carol@example.com>",
        route: ["<sip:proxy.example.com;lr>"],
        contact: "sip:bob@192.0.2.7",
      }),
    )
    expect(getHeaderValues(sent!, "Route")).toEqual(["<sip:proxy.example.com;lr>"])
    expect(getHeader(sent!, "Contact")).toBe("<sip:bob@192.0.2.7>")
  })
})
