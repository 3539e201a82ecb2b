/**
 * docs/codec.md runs: every ```ts block of the page (import lines aside) is a `#region` of this file, and the
 * assertions after each region check what the page says the code gives.
 */
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import {
  getCallId,
  getCSeq,
  getFrom,
  getHeader,
  getTag,
  getTopVia,
  makeFramer,
  makeRequest,
  makeResponse,
  messageToString,
  ownString,
  parseMessage,
  parseUri,
  prependHeader,
  pushBytes,
  removeFirstHeaderValue,
  salvageRequest,
  serializeMessage,
  uriEquals,
  validateRequest,
  viaBranch,
} from "../src/index.js"

const here = decodeURIComponent(new URL(".", import.meta.url).pathname)
const text = (path: string): string => new TextDecoder().decode(readFileSync(path))

describe("docs/codec.md", () => {
  it("parses a datagram and reads what a transaction needs", () => {
    // #region parse
    const datagram = new TextEncoder().encode(
      "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" +
        "v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: Bob <sip:bob@biloxi.example.com>\r\n" +
        "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
        "CSeq: 314159 INVITE\r\n" +
        "Content-Length: 0\r\n\r\n",
    )
    const parsed = parseMessage(datagram)
    if (parsed._tag === "Err") throw new Error(parsed.error.reason) // answer parsed.error.status
    const request = parsed.value
    if (request._tag !== "Request") throw new Error("not a request")
    const checked = validateRequest(request) // Ok, or the HeaderError whose status to answer

    const via = getTopVia(request) // Ok({ protocol: "SIP/2.0", transport: "UDP", host: "pc33.atlanta.example.com", … })
    const from = getFrom(request)
    const cseq = getCSeq(request) // Ok({ seq: 314159, method: "INVITE" })
    // #endregion parse
    expect(checked._tag).toBe("Ok")
    expect(via._tag === "Ok" && viaBranch(via.value)).toBe("z9hG4bK776asdhds")
    expect(from._tag === "Ok" && getTag(from.value)).toBe("1928301774")
    expect(cseq).toEqual({ _tag: "Ok", value: { seq: 314159, method: "INVITE" } })
    expect(serializeMessage(request)).toBe(datagram)

    // #region respond
    const ringing = makeResponse(request, 180, { toTag: "a6c85cf" })
    const wire = serializeMessage(ringing)
    // #endregion respond
    expect(new TextDecoder().decode(wire)).toBe(
      "SIP/2.0 180 Ringing\r\n" +
        "v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n" +
        "To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n" +
        "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
        "CSeq: 314159 INVITE\r\n" +
        "Content-Length: 0\r\n\r\n",
    )

    // #region proxy
    const forwarded = prependHeader(request, "Via", "SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp1")
    const back = removeFirstHeaderValue(forwarded, "via") // the response path pops it again
    // #endregion proxy
    expect(getHeader(forwarded, "v")).toBe("SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp1")
    expect(back.headers).toEqual(request.headers)
  })

  it("builds a request", () => {
    // #region build
    const message = makeRequest({
      method: "MESSAGE",
      uri: "sip:bob@biloxi.example.com",
      headers: [
        ["Via", "SIP/2.0/TCP client.atlanta.example.com;branch=z9hG4bK1"],
        ["Max-Forwards", "70"],
        ["To", "<sip:bob@biloxi.example.com>"],
        ["From", "<sip:alice@atlanta.example.com>;tag=1"],
        ["Call-ID", "m1@atlanta.example.com"],
        ["CSeq", "1 MESSAGE"],
        ["Content-Type", "text/plain"],
      ],
      body: "héllo",
    })
    // Content-Length: 6 is appended (bytes, not characters)
    // #endregion build
    expect(getHeader(message, "l")).toBe("6")
    expect(messageToString(message).endsWith("Content-Length: 6\r\n\r\nhéllo")).toBe(true)
  })

  it("compares URIs", () => {
    // #region uri
    const a = parseUri("sip:%61lice@atlanta.com;transport=TCP")
    const b = parseUri("sip:alice@AtLanTa.CoM;Transport=tcp")
    const same = a._tag === "Ok" && b._tag === "Ok" && uriEquals(a.value, b.value) // true (§19.1.4)
    // #endregion uri
    expect(same).toBe(true)
  })

  it("answers the right status", () => {
    // #region errors
    const r = parseMessage("OPTIONS sip:t.watson@example.org SIP/7.0\r\n\r\n")
    // Err({ _tag: "ParseError", reason: "SIP-Version SIP/7.0 not supported", offset: 33, status: 505 })
    // #endregion errors
    expect(r).toEqual({
      _tag: "Err",
      error: { _tag: "ParseError", reason: "SIP-Version SIP/7.0 not supported", offset: 33, status: 505 },
    })
  })

  it("answers a request the parser refused", () => {
    // #region salvage
    const datagram = new TextEncoder().encode(
      "OPTIONS  sip:bob@biloxi.example.com SIP/2.0\r\n" + // two spaces: RFC 4475 lwsstart
        "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK74bf9\r\n" +
        "To: <sip:bob@biloxi.example.com>\r\nFrom: <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n" +
        "Call-ID: 3848276298220188511@atlanta.example.com\r\nCSeq: 1 OPTIONS\r\n\r\n",
    )
    const refused = parseMessage(datagram) // Err: "more than one SP before the Request-URI", status 400
    const salvaged = salvageRequest(datagram) // Ok: a request with the datagram's Via, From, To, Call-ID, CSeq
    const answer =
      refused._tag === "Err" && salvaged._tag === "Ok"
        ? makeResponse(salvaged.value, refused.error.status)
        : undefined
    // the 400 to send back, to the top Via (§18.2.2)
    // #endregion salvage
    expect(refused).toMatchObject({
      _tag: "Err",
      error: { reason: "more than one SP before the Request-URI", status: 400 },
    })
    expect(answer?.status).toBe(400)
    expect(answer === undefined ? undefined : getCallId(answer)).toEqual({
      _tag: "Ok",
      value: "3848276298220188511@atlanta.example.com",
    })
    expect(answer === undefined ? undefined : getHeader(answer, "Via")).toBe(
      "SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK74bf9",
    )
  })

  it("keeps a value without its datagram", () => {
    const datagram = new TextEncoder().encode(
      "OPTIONS sip:bob@biloxi.example.com SIP/2.0\r\nVia: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK74bf9\r\n" +
        "To: <sip:bob@biloxi.example.com>\r\nFrom: <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n" +
        "Call-ID: 3848276298220188511@atlanta.example.com\r\nCSeq: 1 OPTIONS\r\nl: 0\r\n\r\n",
    )
    // #region own
    const parsed = parseMessage(datagram)
    const callId = parsed._tag === "Ok" ? getCallId(parsed.value) : undefined
    // kept for the dialog's lifetime: a string of its own, not a view of the whole datagram's text
    const kept = callId?._tag === "Ok" ? ownString(callId.value) : undefined
    // #endregion own
    expect(kept).toBe("3848276298220188511@atlanta.example.com")
  })

  it("frames a stream", () => {
    // #region framer
    const bytes = new TextEncoder().encode(
      "\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\nl: 0\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\nl: 0\r\n",
    )
    let state = makeFramer({ maxBodyBytes: 16384 })
    const first = pushBytes(state, bytes.subarray(0, 30)) // a keep-alive ping, no message yet
    state = first.state
    const second = pushBytes(state, bytes.subarray(30)) // one message; the second waits for its empty line
    state = second.state
    // #endregion framer
    expect([first.pings, first.messages.length]).toEqual([1, 0])
    expect(second.messages.length).toBe(1)
    expect(second.error).toBeUndefined()
  })

  it("every ts block of docs/codec.md is a region of this file", () => {
    const doc = text(`${here}../../../docs/codec.md`)
    const source = text(`${here}docs.test.ts`)
    const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)
    expect(blocks.length).toBeGreaterThanOrEqual(6)
    const unindent = (s: string) =>
      s
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l.length > 0 && !l.startsWith("import "))
        .join("\n")
    const regions = [...source.matchAll(/\/\/ #region \w+\n([\s\S]*?)\/\/ #endregion/g)].map((m) =>
      unindent(m[1]!),
    )
    for (const block of blocks) expect(regions).toContain(unindent(block))
  })
})
