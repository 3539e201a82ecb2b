/** Transaction matching (RFC 3261 §17.1.3, §17.2.3, §9.2), including the RFC 2543 fallback. */
import { makeRequest, makeResponse, type Request } from "@sipkit/codec"
import { describe, expect, it } from "vitest"
import {
  cancelTargetKey,
  clientKey,
  keyOf,
  makeNonTwoXxAck,
  responseKey,
  serverKey,
} from "../../src/transaction/index.js"
import { makeTestRequest, makeTestResponse } from "./support/messages.js"

const value = <A>(r: { _tag: "Ok"; value: A } | { _tag: "Err"; error: unknown }): A => {
  if (r._tag === "Err") throw new Error(JSON.stringify(r.error))
  return r.value
}

const invite = makeTestRequest()
const cancel = makeTestRequest({ method: "CANCEL" })

describe("client keys (§17.1.3)", () => {
  it("a response matches the request it answers: same branch, CSeq method", () => {
    expect(value(responseKey(makeTestResponse(invite, 180)))).toBe(value(clientKey(invite)))
    expect(value(responseKey(makeTestResponse(invite, 200)))).toBe(value(clientKey(invite)))
  })

  it("the CANCEL shares the branch but is its own transaction", () => {
    expect(value(clientKey(cancel))).not.toBe(value(clientKey(invite)))
    expect(value(responseKey(makeTestResponse(cancel, 200)))).toBe(value(clientKey(cancel)))
  })

  it("another branch is another transaction", () => {
    const other = makeTestRequest({ branch: "z9hG4bKother" })
    expect(value(responseKey(makeTestResponse(other, 200)))).not.toBe(value(clientKey(invite)))
  })

  it("client and server keys of one branch never collide", () => {
    expect(value(clientKey(invite))).not.toBe(value(serverKey(invite)))
  })
})

describe("server keys (§17.2.3, magic cookie)", () => {
  it("a retransmission matches; the ACK of a non-2xx matches the INVITE", () => {
    expect(value(serverKey(makeTestRequest()))).toBe(value(serverKey(invite)))
    const ack = makeNonTwoXxAck(invite, makeTestResponse(invite, 486))
    expect(value(serverKey(ack))).toBe(value(serverKey(invite)))
  })

  it("the ACK of a 2xx (a new branch) does not", () => {
    const ack = makeTestRequest({ method: "ACK", branch: "z9hG4bKnewbranch", toTag: "a6c85cf" })
    expect(value(serverKey(ack))).not.toBe(value(serverKey(invite)))
  })

  it("a CANCEL is its own transaction, and targets the INVITE", () => {
    expect(value(serverKey(cancel))).not.toBe(value(serverKey(invite)))
    expect(value(cancelTargetKey(cancel))).toBe(value(serverKey(invite)))
  })

  it("the same branch from another sent-by is another transaction", () => {
    const spoofed = makeTestRequest({ sentBy: "evil.example.com:5060" })
    expect(value(serverKey(spoofed))).not.toBe(value(serverKey(invite)))
  })

  it("the same branch with another method is another transaction", () => {
    const options = makeTestRequest({ method: "OPTIONS" })
    expect(value(serverKey(options))).not.toBe(value(serverKey(invite)))
  })

  it("sent-by host compares without case", () => {
    const upper = makeTestRequest({ sentBy: "CLIENT.example.COM:5060" })
    expect(value(serverKey(upper))).toBe(value(serverKey(invite)))
  })

  it("keyOf sends requests to server keys and responses to client keys", () => {
    expect(value(keyOf(invite))).toBe(value(serverKey(invite)))
    expect(value(keyOf(makeTestResponse(invite, 100)))).toBe(value(clientKey(invite)))
  })
})

describe("the RFC 2543 fallback (§17.2.3, no magic cookie)", () => {
  const old = (over: Partial<Parameters<typeof makeTestRequest>[0]> = {}): Request =>
    makeTestRequest({ branch: "oldbranch1", ...over })

  it("matches retransmissions and the ACK (whose To tag is the response's)", () => {
    const inv = old()
    expect(value(serverKey(old()))).toBe(value(serverKey(inv)))
    const ack = makeNonTwoXxAck(inv, makeTestResponse(inv, 486, "servertag"))
    expect(value(serverKey(ack))).toBe(value(serverKey(inv)))
  })

  it("tells requests apart by Request-URI, From tag, Call-ID, CSeq and top Via", () => {
    const inv = value(serverKey(old()))
    expect(value(serverKey(old({ uri: "sip:carol@example.com" })))).not.toBe(inv)
    expect(value(serverKey(old({ fromTag: "x" })))).not.toBe(inv)
    expect(value(serverKey(old({ callId: "other@x" })))).not.toBe(inv)
    expect(value(serverKey(old({ cseq: 2 })))).not.toBe(inv)
    expect(value(serverKey(old({ sentBy: "other.example.com" })))).not.toBe(inv)
  })

  it("uses the To tag for methods other than INVITE and ACK", () => {
    const bye = value(serverKey(old({ method: "BYE", toTag: "a" })))
    expect(value(serverKey(old({ method: "BYE", toTag: "b" })))).not.toBe(bye)
    expect(value(serverKey(old({ method: "BYE", toTag: "a" })))).toBe(bye)
  })

  it("a CANCEL is its own transaction and targets the INVITE", () => {
    const c = old({ method: "CANCEL" })
    expect(value(serverKey(c))).not.toBe(value(serverKey(old())))
    expect(value(cancelTargetKey(c))).toBe(value(serverKey(old())))
  })

  it("never matches a cookie-bearing transaction", () => {
    expect(value(serverKey(old({ branch: "z9hG4bKoldbranch1" })))).not.toBe(value(serverKey(old())))
  })

  it("a Via without any branch still gets a key", () => {
    const noBranch = {
      ...old(),
      headers: old().headers.map((h) =>
        h.name === "Via" ? { ...h, value: "SIP/2.0/UDP host.example.com" } : h,
      ),
    }
    expect(serverKey(noBranch)._tag).toBe("Ok")
  })
})

describe("messages that cannot be matched", () => {
  it("a request without a Via yields the error and its status", () => {
    const noVia = makeRequest({
      method: "OPTIONS",
      uri: "sip:x@example.com",
      headers: [
        ["CSeq", "1 OPTIONS"],
        ["Call-ID", "c"],
        ["From", "<sip:a@example.com>;tag=1"],
        ["To", "<sip:x@example.com>"],
      ],
    })
    const key = serverKey(noVia)
    expect(key._tag).toBe("Err")
    if (key._tag === "Err") expect(key.error.status).toBe(400)
  })

  it("a response without a CSeq yields an error", () => {
    const r = makeResponse(invite, 200)
    const broken = { ...r, headers: r.headers.filter((h) => h.name !== "CSeq") }
    expect(responseKey(broken)._tag).toBe("Err")
  })
})
