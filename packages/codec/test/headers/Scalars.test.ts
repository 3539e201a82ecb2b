import { describe, expect, it } from "vitest"
import {
  getCallId,
  getContentLength,
  getCSeq,
  getExpires,
  getMaxForwards,
  getMinExpires,
  parseCSeq,
  parseMessage,
  printCSeq,
} from "../../src/index.js"
import { crlf, unwrap, unwrapErr } from "../helpers.js"

describe("CSeq", () => {
  it("parses number and method within 32 bits", () => {
    expect(unwrap(parseCSeq("4711 INVITE"))).toEqual({ seq: 4711, method: "INVITE" })
    expect(unwrap(parseCSeq("  4294967295   NEWMETHOD "))).toEqual({ seq: 4294967295, method: "NEWMETHOD" })
    expect(printCSeq({ seq: 1, method: "ACK" })).toBe("1 ACK")
    for (const bad of ["4294967296 INVITE", "-1 INVITE", "1", "INVITE", "1 IN VITE", "1 <INVITE>"])
      expect(unwrapErr(parseCSeq(bad)).header).toBe("cseq")
  })
})

describe("scalar headers", () => {
  const m = unwrap(
    parseMessage(
      crlf(
        "REGISTER sip:x SIP/2.0",
        "i:  abc@def ",
        "Max-Forwards: 70",
        "Expires: 7200",
        "Min-Expires: 60",
        "CSeq: 2 REGISTER",
        "l: 0",
      ),
    ),
  )
  it("reads Call-ID, Max-Forwards, Expires, Min-Expires, Content-Length, CSeq", () => {
    expect(unwrap(getCallId(m))).toBe("abc@def")
    expect(unwrap(getMaxForwards(m))).toBe(70)
    expect(unwrap(getExpires(m))).toBe(7200)
    expect(unwrap(getMinExpires(m))).toBe(60)
    expect(unwrap(getContentLength(m))).toBe(0)
    expect(unwrap(getCSeq(m))).toEqual({ seq: 2, method: "REGISTER" })
  })
  it("answers undefined when absent and an error when malformed", () => {
    const empty = unwrap(
      parseMessage(crlf("OPTIONS sip:x SIP/2.0", "Max-Forwards: 300", "Expires: 99999999999999")),
    )
    expect(unwrapErr(getCallId(empty)).header).toBe("call-id")
    expect(unwrap(getMinExpires(empty))).toBeUndefined()
    expect(unwrapErr(getMaxForwards(empty)).header).toBe("max-forwards")
    expect(unwrap(getExpires(empty))).toBe(4294967295)
  })
})
