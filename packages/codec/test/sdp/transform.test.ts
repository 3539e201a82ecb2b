// sdp-transform is the grammar under the typed view (src/sdp/transformShape.ts): parseSdp agrees with
// sdpTransform.parse, a description we build prints exactly as sdpTransform.write writes its object, and what
// sdp-transform cannot carry — a 64-bit o= version, the m= port count, repeated e=/p=/t=/r= lines, k=, the order
// and spelling of a parsed body, a line it reads only in part — is handled around it.
import fc from "fast-check"
import {
  type SessionDescription as Described,
  parse as transformParse,
  write as transformWrite,
} from "sdp-transform"
import { describe, expect, it } from "vitest"
import { makeOffer, negotiate, parseSdp, printSdp, type SessionDescription } from "../../src/sdp/index.js"
import { writeSdp } from "../../src/sdp/printSdp.js"
import { toTransform } from "../../src/sdp/transformShape.js"
import { localArbitrary, offerArbitrary } from "./arbitraries.js"
import fixture from "./fixtures/rfc4317.sdp.txt?raw"

const crlf = (lines: ReadonlyArray<string>) => lines.map((l) => `${l}\r\n`).join("")

const parsed = (text: string): SessionDescription => {
  const result = parseSdp(text)
  if (result._tag === "Err") throw new Error(`${result.error.reason} (line ${result.error.line})`)
  return result.value
}

/** sdp-transform's own writer on our object for `d` (it mutates its argument; toTransform makes a new one). */
const transformWritten = (d: SessionDescription): string =>
  transformWrite(toTransform(d) as unknown as Described)

const bodies = fixture
  .split(/^\[[\w-]+\]\n/m)
  .slice(1)
  .map((b) => `${b.split(/\n\n/)[0]!.split("\n").join("\r\n")}\r\n`)

const head = ["v=0", "o=alice 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0"]

describe("parseSdp reads with sdp-transform's grammar", () => {
  it("gives, for every RFC 4317 body, the object sdpTransform.parse gives", () => {
    expect(bodies).toHaveLength(54)
    for (const body of bodies) expect(toTransform(parsed(body))).toStrictEqual(transformParse(body))
  })

  it("reads the o= version from the line: above 2^53 sdp-transform's number for it is another integer", () => {
    const text = crlf([...head, "m=audio 49170 RTP/AVP 0"]).replace(
      "o=alice 1 1",
      "o=alice 1 18446744073709552000",
    )
    expect(transformParse(text).origin.sessionVersion).toBe(2 ** 64)
    expect(BigInt(2 ** 64)).not.toBe(18446744073709552000n)
    expect(parsed(text).origin.sessionVersion).toBe("18446744073709552000")
  })

  it("reads the m= port count from the line: sdp-transform's m= rule has none", () => {
    const text = crlf([...head, "m=audio 49170/2 RTP/AVP 0 8"])
    expect(transformParse(text).media[0]).toEqual({ rtp: [], fmtp: [] })
    expect(parsed(text).media[0]).toMatchObject({ port: 49170, portCount: 2, formats: ["0", "8"] })
  })

  const bad: ReadonlyArray<readonly [string, string, string, number]> = [
    ["a t= with more after it", "t=0 0", "t=0 0 1", 5],
    ["a c= with more after it", "c=IN IP4 192.0.2.1", "c=IN IP4 192.0.2.1 x", 4],
    ["an o= with a seventh field", "o=alice 1 1 IN IP4 192.0.2.1", "o=alice 1 1 IN IP4 192.0.2.1 x", 2],
    ["a b= whose bandwidth is not digits", "t=0 0", "b=AS:64x\r\nt=0 0", 5],
    ["an m= protocol sdp-transform reads in part", "t=0 0", "t=0 0\r\nm=audio 5000 RTP/AVP+ 0", 6],
    ["an a= line outside its grammar and not <name>[:<value>]", "t=0 0", "t=0 0\r\na=foo bar", 6],
  ]
  it.each(bad)("rejects %s (sdp-transform alone reads a prefix or skips it)", (_, line, replaced, number) => {
    const result = parseSdp(crlf(head).replace(line, replaced))
    expect(result._tag === "Err" && result.error).toMatchObject({
      _tag: "SdpError",
      line: number,
      status: 400,
    })
  })

  it("keeps an attribute sdp-transform reads only in part as an unknown attribute, untyped", () => {
    const m = parsed(
      crlf([
        ...head,
        "m=audio 5000 RTP/AVP 0",
        "a=rtpmap:0 PCMU/8000 x",
        "a=sendonlyx",
        "a=ptime:20ms",
        "a=rtcp:5001 IN IP4 192.0.2.1 x",
      ]),
    ).media[0]!
    expect([m.rtpmaps, m.direction, m.ptime, m.rtcp]).toEqual([[], undefined, undefined, undefined])
    expect(m.attributes).toEqual([
      { name: "rtpmap", value: "0 PCMU/8000 x" },
      { name: "sendonlyx", value: undefined },
      { name: "ptime", value: "20ms" },
      { name: "rtcp", value: "5001 IN IP4 192.0.2.1 x" },
    ])
  })
})

describe("printSdp", () => {
  const unordered = crlf([
    ...head,
    "a=tool:x",
    "a=recvonly",
    "m=audio 5000 RTP/AVP 0 96",
    "a=x-first",
    "a=sendonly",
    "a=ptime:20",
    "a=fmtp:96 0-16",
    "a=rtpmap:96 telephone-event/8000",
    "a=rtpmap:0 PCMU/8000",
    "a=x-last",
  ])

  it("prints a parsed, unchanged body byte for byte in its own order (LF line ends become CRLF)", () => {
    expect(printSdp(parsed(unordered))).toBe(unordered)
    expect(printSdp(parsed(unordered.replaceAll("\r\n", "\n")))).toBe(unordered)
    const blanks = unordered.replace("s=-", "s= ").replace("a=x-last", "a=x-last \t")
    expect(printSdp(parsed(blanks))).toBe(blanks)
  })

  it("writes a changed one through sdp-transform, in its grammar's order, and reads it back the same", () => {
    const d = parsed(unordered)
    const changed = { ...d }
    const expected = crlf([
      ...head,
      "a=recvonly",
      "a=tool:x",
      "m=audio 5000 RTP/AVP 0 96",
      "a=rtpmap:96 telephone-event/8000",
      "a=rtpmap:0 PCMU/8000",
      "a=fmtp:96 0-16",
      "a=ptime:20",
      "a=sendonly",
      "a=x-first",
      "a=x-last",
    ])
    expect(printSdp(changed)).toBe(expected)
    expect(transformWritten(changed)).toBe(expected)
    expect(parsed(printSdp(changed))).toEqual(d)
  })

  it("writes a parsed description changed in place through sdp-transform, not as its old text", () => {
    const d = parsed(unordered)
    ;(d as { name: string }).name = "changed"
    expect(printSdp(d)).toBe(writeSdp(d))
    expect(printSdp(d)).toContain("\r\ns=changed\r\n")
  })

  it("patches in the 64-bit o= version and the m= port count that sdp-transform's %d loses", () => {
    const d = parsed(
      crlf([...head, "m=audio 49170/2 RTP/AVP 0"]).replace("o=alice 1 1", "o=alice 1 18446744073709551615"),
    )
    const changed = { ...d, name: "changed" }
    const plain = transformWritten(changed)
    expect(plain).toContain("o=alice 1 18446744073709552000 IN IP4")
    expect(plain).toContain("m=audio 49170 RTP/AVP 0")
    const printed = printSdp(changed)
    expect(printed).toContain("o=alice 1 18446744073709551615 IN IP4")
    expect(printed).toContain("m=audio 49170/2 RTP/AVP 0")
    expect(parseSdp(printed)).toEqual({ _tag: "Ok", value: changed })
  })

  it("writes the lines sdp-transform's object holds once (e=, p=, t=, r=) or not at all (k=) in RFC 8866 order", () => {
    const body = crlf([
      "v=0",
      "o=alice 1 1 IN IP4 192.0.2.1",
      "s= ",
      "e=alice@example.com",
      "e=bob@example.com",
      "p=+1 617 555-6011",
      "p=+1 617 555-6012",
      "c=IN IP4 192.0.2.1",
      "b=CT:128",
      "b=X-YZ:12",
      "t=3034423619 3042462419",
      "r=7d 1h 0 25h",
      "r=7d 2h 0 25h",
      "t=3042462419 3050462419",
      "r=1d 1h 0",
      "z=2882844526 -1h 2898848070 0",
      "k=prompt",
      "a=recvonly",
      "m=audio 49170 RTP/AVP 0",
      "i=voice",
      "b=TIAS:64000",
      "k=clear:secret",
      "a=rtpmap:0 PCMU/8000",
    ])
    const d = parsed(body)
    expect(d.timing.map((t) => t.repeats.length)).toEqual([2, 1])
    expect(printSdp({ ...d })).toBe(body)
  })
})

describe("descriptions we build are sdp-transform's writing", () => {
  it("the seed's answer is what sdpTransform.write gives for its object", () => {
    const offer = parsed(
      crlf([
        "v=0",
        "o=alice 2890844526 2890844526 IN IP4 192.168.1.100",
        "s=Session",
        "c=IN IP4 192.168.1.100",
        "t=0 0",
        "m=audio 49170 RTP/AVP 0 8 97",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:97 opus/48000",
      ]),
    )
    const answer = negotiate(offer, {
      username: "bob",
      sessionId: "2890844527",
      sessionVersion: "2890844527",
      address: "10.0.0.50",
      name: "Session",
      media: [{ type: "audio", port: 49172, codecs: [{ encoding: "PCMU", clockRate: 8000 }] }],
    })
    if (answer._tag === "Err") throw new Error(answer.error.warning)
    const object: Described = {
      version: 0,
      origin: {
        username: "bob",
        sessionId: 2890844527,
        sessionVersion: 2890844527,
        netType: "IN",
        ipVer: 4,
        address: "10.0.0.50",
      },
      name: "Session",
      connection: { version: 4, ip: "10.0.0.50" },
      timing: { start: 0, stop: 0 },
      media: [
        {
          type: "audio",
          port: 49172,
          protocol: "RTP/AVP",
          payloads: "0",
          rtp: [{ payload: 0, codec: "PCMU", rate: 8000 }],
          fmtp: [],
        },
      ],
    }
    const text = printSdp(answer.value.description)
    expect(text).toBe(transformWrite(object))
    expect(toTransform(answer.value.description)).toStrictEqual(transformParse(text))
  })

  it("answers and offers print as sdpTransform.write writes them, the o= digits above 2^53 patched", () => {
    fc.assert(
      fc.property(offerArbitrary, localArbitrary, (offer, local) => {
        const answer = negotiate(offer, local)
        const built = [makeOffer(local), ...(answer._tag === "Ok" ? [answer.value.description] : [])]
        for (const d of built) {
          const ours = printSdp(d).split("\r\n")
          const theirs = transformWritten(d).split("\r\n")
          const o = d.origin
          expect(ours[1]).toBe(
            `o=${o.username} ${o.sessionId} ${o.sessionVersion} IN ${o.addrType} ${o.address}`,
          )
          if (BigInt(o.sessionVersion) <= BigInt(Number.MAX_SAFE_INTEGER)) expect(ours).toEqual(theirs)
          else expect(ours.toSpliced(1, 1)).toEqual(theirs.toSpliced(1, 1))
        }
      }),
      { numRuns: 150, seed: 8866 },
    )
  })
})
