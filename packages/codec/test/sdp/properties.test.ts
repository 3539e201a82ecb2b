// The laws of offer/answer (RFC 3264 §6), checked on generated offers and capabilities.
import fc from "fast-check"
import { parse as transformParse } from "sdp-transform"
import { describe, expect, it } from "vitest"
import {
  applyAnswer,
  formatOf,
  isRtpProtocol,
  type LocalSession,
  type MediaDescription,
  makeOffer,
  negotiate,
  parseSdp,
  printSdp,
  type SessionDescription,
  sameCodec,
} from "../../src/sdp/index.js"
import { localArbitrary, offerArbitrary } from "./arbitraries.js"

const AUX = new Set(["telephone-event", "cn"])

/**
 * Could this offered stream be accepted by some local stream (same type, protocol, a common codec — a real one,
 * unless the offered stream holds only telephone-event / CN)?
 */
const acceptable = (offer: SessionDescription, m: MediaDescription, local: LocalSession): boolean => {
  const meanings = m.formats.map((f) => formatOf(m, f))
  const onlyAux = meanings.every((x) => x !== undefined && AUX.has(x.encoding.toLowerCase()))
  return (
    m.port !== 0 &&
    offer.connection !== undefined &&
    local.media.some(
      (c) =>
        c.type === m.type &&
        (c.protocols ?? ["RTP/AVP"]).includes(m.protocol) &&
        meanings.some(
          (x) =>
            x !== undefined &&
            (onlyAux || !AUX.has(x.encoding.toLowerCase())) &&
            c.codecs.some((k) => sameCodec(k, x)),
        ),
    )
  )
}

describe("offer/answer properties", () => {
  it("an answer is valid SDP, has the offer's m-line count, only common codecs, and the offerer accepts it", () => {
    fc.assert(
      fc.property(offerArbitrary, localArbitrary, (offer, local) => {
        const result = negotiate(offer, local)
        if (result._tag === "Err") {
          // A rejection only when nothing could be accepted.
          expect(result.error.status).toBe(488)
          expect(offer.media.some((m) => acceptable(offer, m, local))).toBe(false)
          return
        }
        const text = printSdp(result.value.description)
        const reparsed = parseSdp(text)
        if (reparsed._tag === "Err") throw new Error(`${reparsed.error.reason}\n${text}`)
        const answer = reparsed.value
        expect(answer).toEqual(result.value.description)
        expect(transformParse(text).media.length).toBe(offer.media.length)
        expect(answer.media.length).toBe(offer.media.length)
        for (const [i, m] of answer.media.entries()) {
          const offered = offer.media[i]!
          expect(m.type).toBe(offered.type)
          if (m.port === 0 || !isRtpProtocol(m.protocol)) continue
          for (const f of m.formats) {
            const meaning = formatOf(offered, f)
            expect(meaning).toBeDefined()
            expect(
              local.media.some((c) => c.type === m.type && c.codecs.some((k) => sameCodec(k, meaning!))),
            ).toBe(true)
          }
        }
        // Maximal assignment: an offered stream left out has no free local stream that could take it.
        const taken = result.value.streams.flatMap((st) =>
          st._tag === "Accepted" ? [`${st.type} ${st.localPort}`] : [],
        )
        for (const [i, m] of offer.media.entries()) {
          if (answer.media[i]!.port !== 0) continue
          const free = local.media.filter((c) => !taken.includes(`${c.type} ${c.port}`))
          expect(acceptable(offer, m, { ...local, media: free })).toBe(false)
        }
        // A lone offered stream that some local stream could take is taken.
        const [lone] = offer.media
        if (offer.media.length === 1 && acceptable(offer, lone!, local))
          expect(answer.media[0]!.port).not.toBe(0)
        const applied = applyAnswer(offer, answer)
        if (applied._tag === "Err") throw new Error(`${applied.error.reason}\n${printSdp(offer)}\n${text}`)
        expect(applied.value.length).toBe(offer.media.length)
      }),
      { numRuns: 400, seed: 3264 },
    )
  })

  it("parseSdp(printSdp(d)) ≡ d", () => {
    fc.assert(
      fc.property(offerArbitrary, (offer) => {
        const parsed = parseSdp(printSdp(offer))
        expect(parsed).toEqual({ _tag: "Ok", value: offer })
      }),
      { numRuns: 200, seed: 8866 },
    )
  })

  it("our own offers negotiate with ourselves", () => {
    fc.assert(
      fc.property(localArbitrary, localArbitrary, (alice, bob) => {
        const offer = makeOffer(alice)
        const parsed = parseSdp(printSdp(offer))
        expect(parsed).toEqual({ _tag: "Ok", value: offer })
        const answer = negotiate(offer, bob)
        if (answer._tag === "Ok") expect(applyAnswer(offer, answer.value.description)._tag).toBe("Ok")
      }),
      { numRuns: 200, seed: 4566 },
    )
  })
})
