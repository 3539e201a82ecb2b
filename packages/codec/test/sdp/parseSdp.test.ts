import { parse as transformParse } from "sdp-transform"
import { describe, expect, it } from "vitest"
import { parseSdp, printSdp, type SessionDescription } from "../../src/sdp/index.js"

const crlf = (lines: ReadonlyArray<string>) => lines.map((l) => `${l}\r\n`).join("")

const parsed = (text: string): SessionDescription => {
  const result = parseSdp(text)
  if (result._tag === "Err") throw new Error(`${result.error.reason} (line ${result.error.line})`)
  return result.value
}

// RFC 8866 §5 example session description.
const rfc8866 = crlf([
  "v=0",
  "o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1",
  "s=Call to John Smith",
  "i=SDP Offer #1",
  "u=http://www.jdoe.example.com/home.html",
  "e=Jane Doe <jane@jdoe.example.com>",
  "p=+1 617 555-6011",
  "c=IN IP4 198.51.100.1",
  "t=0 0",
  "m=audio 49170 RTP/AVP 0",
  "m=audio 49180 RTP/AVP 0",
  "m=video 51372 RTP/AVP 99",
  "c=IN IP6 2001:db8::2",
  "a=rtpmap:99 h263-1998/90000",
])

describe("parseSdp", () => {
  it("reads the RFC 8866 §5 example", () => {
    const d = parsed(rfc8866)
    expect(d.origin).toEqual({
      username: "jdoe",
      sessionId: "3724394400",
      sessionVersion: "3724394405",
      netType: "IN",
      addrType: "IP4",
      address: "198.51.100.1",
    })
    expect(d.name).toBe("Call to John Smith")
    expect(d.emails).toEqual(["Jane Doe <jane@jdoe.example.com>"])
    expect(d.media.map((m) => [m.type, m.port, m.formats])).toEqual([
      ["audio", 49170, ["0"]],
      ["audio", 49180, ["0"]],
      ["video", 51372, ["99"]],
    ])
    expect(d.media[2]?.connection).toEqual({ netType: "IN", addrType: "IP6", address: "2001:db8::2" })
    expect(d.media[2]?.rtpmaps).toEqual([
      { payloadType: 99, encoding: "h263-1998", clockRate: 90000, channels: undefined },
    ])
  })

  it("prints the RFC 8866 example back byte for byte", () => {
    expect(printSdp(parsed(rfc8866))).toBe(rfc8866)
  })

  it("types rtpmap, fmtp, ptime, maxptime, direction, rtcp, bandwidth and keeps unknown attributes in order", () => {
    const d = parsed(
      crlf([
        "v=0",
        "o=- 1 18446744073709551615 IN IP4 203.0.113.1",
        "s=-",
        "b=CT:128",
        "t=0 0",
        "a=ice-lite",
        "a=recvonly",
        "m=audio 49170/2 RTP/AVP 111 101",
        "c=IN IP4 203.0.113.1",
        "b=TIAS:64000",
        "b=X-YZ:12",
        "a=rtpmap:111 opus/48000/2",
        "a=fmtp:111 minptime=10; useinbandfec=1",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-16",
        "a=rtcp:53020 IN IP4 126.16.64.4",
        "a=ptime:20",
        "a=maxptime:60",
        "a=sendonly",
        "a=candidate:0 1 UDP 2113667327 203.0.113.1 54400 typ host",
        "a=x-unknown",
        "a=setup:actpass",
      ]),
    )
    expect(d.origin.sessionVersion).toBe("18446744073709551615")
    expect(d.direction).toBe("recvonly")
    expect(d.attributes).toEqual([{ name: "ice-lite", value: undefined }])
    expect(d.bandwidths).toEqual([{ type: "CT", value: 128 }])
    const m = d.media[0]!
    expect(m.portCount).toBe(2)
    expect(m.rtpmaps).toEqual([
      { payloadType: 111, encoding: "opus", clockRate: 48000, channels: 2 },
      { payloadType: 101, encoding: "telephone-event", clockRate: 8000, channels: undefined },
    ])
    expect(m.fmtps).toEqual([
      { payloadType: 111, parameters: "minptime=10; useinbandfec=1" },
      { payloadType: 101, parameters: "0-16" },
    ])
    expect(m.bandwidths).toEqual([
      { type: "TIAS", value: 64000 },
      { type: "X-YZ", value: 12 },
    ])
    expect(m.rtcp).toEqual({
      port: 53020,
      connection: { netType: "IN", addrType: "IP4", address: "126.16.64.4" },
    })
    expect([m.ptime, m.maxptime, m.direction]).toEqual([20, 60, "sendonly"])
    expect(m.attributes).toEqual([
      { name: "candidate", value: "0 1 UDP 2113667327 203.0.113.1 54400 typ host" },
      { name: "x-unknown", value: undefined },
      { name: "setup", value: "actpass" },
    ])
    expect(parsed(printSdp(d))).toEqual(d)
  })

  it("ignores trailing blanks on a line", () => {
    expect(parsed(rfc8866.replaceAll("\r\n", " \t\r\n"))).toEqual(parsed(rfc8866))
  })

  it("writes an empty session name as the single space RFC 8866 §5.3 asks for", () => {
    const d = parsed(rfc8866.replace("s=Call to John Smith", "s= "))
    expect(d.name).toBe("")
    expect(printSdp(d)).toContain("\r\ns= \r\n")
  })

  it("accepts bare LF line ends", () => {
    expect(parsed(rfc8866.replaceAll("\r\n", "\n"))).toEqual(parsed(rfc8866))
  })

  it("prints what sdp-transform reads the same way", () => {
    const t = transformParse(printSdp(parsed(rfc8866)))
    expect(t.media.map((m) => [m.type, m.port, String(m.payloads)])).toEqual([
      ["audio", 49170, "0"],
      ["audio", 49180, "0"],
      ["video", 51372, "99"],
    ])
    expect(t.origin.sessionVersion).toBe(3724394405)
  })

  const bad: ReadonlyArray<readonly [string, string, number]> = [
    ["empty body", "", 1],
    ["not v=0 first", "o=- 1 1 IN IP4 1.2.3.4\r\nv=0\r\n", 1],
    ["v=1", rfc8866.replace("v=0", "v=1"), 1],
    ["o= with five fields", rfc8866.replace("o=jdoe 3724394400 3724394405", "o=jdoe 3724394400"), 2],
    ["o= with a non-numeric version", rfc8866.replace("3724394405", "x"), 2],
    ["no s=", rfc8866.replace("s=Call to John Smith\r\n", ""), 3],
    ["garbage line", rfc8866.replace("t=0 0", "this is not sdp"), 9],
    ["bad t=", rfc8866.replace("t=0 0", "t=now"), 9],
    ["no t=", rfc8866.replace("t=0 0\r\n", ""), 0],
    ["bad m= port", rfc8866.replace("m=audio 49170", "m=audio x"), 10],
    ["port beyond 65535", rfc8866.replace("m=audio 49170", "m=audio 70000"), 10],
    ["bad c=", rfc8866.replace("c=IN IP4 198.51.100.1", "c=IN"), 8],
    ["bad b=", rfc8866.replace("t=0 0", "b=AS\r\nt=0 0"), 9],
    ["s= inside media", `${rfc8866}s=again\r\n`, 15],
    ["unknown line type", rfc8866.replace("t=0 0", "t=0 0\r\nx=1"), 10],
  ]
  it.each(bad)("gives an SdpError value for %s", (_, text, line) => {
    const result = parseSdp(text)
    expect(result._tag === "Err" && result.error).toMatchObject({ _tag: "SdpError", line, status: 400 })
  })

  it("needs a connection for every media section in use, unless the session has one", () => {
    const noSessionC = rfc8866.replace("c=IN IP4 198.51.100.1\r\n", "")
    const result = parseSdp(noSessionC)
    expect(result._tag === "Err" && result.error.line).toBe(9)
    const disabled = noSessionC.replace("m=audio 49170", "m=audio 0").replace("m=audio 49180", "m=audio 0")
    expect(parseSdp(disabled)._tag).toBe("Ok")
  })
})
