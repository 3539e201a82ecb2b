/**
 * Messages of the RFC 3261 §24.2 / seed call (Alice calls Bob through two record-routing proxies) built with the
 * codec's constructors, for the dialog tests.
 */
import { makeRequest, makeResponse, type Request, type Response, type Result } from "@sipkit/codec"

export const invite = (
  options: {
    readonly recordRoute?: ReadonlyArray<string>
    readonly uri?: string
    readonly fromTag?: string
  } = {},
): Request =>
  makeRequest({
    method: "INVITE",
    uri: options.uri ?? "sip:bob@example.com",
    headers: [
      ["Via", "SIP/2.0/UDP p2.example.com;branch=z9hG4bKp2"],
      ["Via", "SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1"],
      ["Via", "SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bKa1"],
      ["Max-Forwards", "68"],
      ...(options.recordRoute ?? []).map((rr) => ["Record-Route", rr] as const),
      ["From", `"Alice" <sip:alice@example.com>;tag=${options.fromTag ?? "a-tag"}`],
      ["To", "<sip:bob@example.com>"],
      ["Call-ID", "12345@192.168.1.100"],
      ["CSeq", "314159 INVITE"],
      ["Contact", "<sip:alice@192.168.1.100>"],
    ],
  })

export const seedRecordRoute = ["<sip:p2.example.com;lr>", "<sip:p1.example.com;lr>"]

export const answer = (
  request: Request,
  status: number,
  options: {
    readonly toTag?: string
    readonly contact?: string
    readonly recordRoute?: ReadonlyArray<string>
  } = {},
): Response =>
  makeResponse(request, status, {
    ...(options.toTag === undefined ? {} : { toTag: options.toTag }),
    headers: [
      ...(options.recordRoute ?? []).map((rr) => ["Record-Route", rr] as const),
      ...(options.contact === undefined ? [] : [["Contact", options.contact] as const]),
    ],
  })

/** Unwraps an `Ok`, failing the test with the error otherwise. */
export const must = <A, E>(result: Result<A, E>): A => {
  if (result._tag === "Err") throw new Error(`expected Ok, got ${JSON.stringify(result.error)}`)
  return result.value
}
