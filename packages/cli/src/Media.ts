/**
 * Media — the SDP `sip` offers and answers with (RFC 3264 through @sipkit/codec/sdp): one audio stream with
 * PCMU, PCMA and telephone-event. No RTP is sent; the ports are placeholders in the documentation range of
 * even numbers that a test can read back.
 */
import { type LocalSession, makeOffer, negotiate, parseSdp, printSdp } from "@sipkit/codec/sdp"

export const audioSession = (address: string, port: number, username: string): LocalSession => ({
  username,
  sessionId: String(Date.now()),
  sessionVersion: "1",
  address,
  media: [
    {
      type: "audio",
      port,
      codecs: [
        { encoding: "PCMU", clockRate: 8000 },
        { encoding: "PCMA", clockRate: 8000 },
        { encoding: "telephone-event", clockRate: 8000, fmtp: "0-16", payloadType: 101 },
      ],
    },
  ],
})

/** The default INVITE offer. */
export const defaultOffer = (address: string): string =>
  printSdp(makeOffer(audioSession(address, 40000, "sip")))

/** The answer to an SDP offer, or the status and Warning to reject it with (488, RFC 3264 §6). */
export const answerOffer = (
  offerText: string,
  address: string,
):
  | { readonly _tag: "Answer"; readonly sdp: string }
  | { readonly _tag: "Reject"; readonly status: number; readonly warning: string | undefined } => {
  const offer = parseSdp(offerText)
  if (offer._tag === "Err") return { _tag: "Reject", status: 400, warning: undefined }
  const answer = negotiate(offer.value, audioSession(address, 40002, "sip-listen"))
  if (answer._tag === "Err")
    return { _tag: "Reject", status: answer.error.status, warning: answer.error.warning }
  return { _tag: "Answer", sdp: printSdp(answer.value.description) }
}
