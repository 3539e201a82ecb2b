/**
 * Test messages: requests and responses as a UA would build them (RFC 3261 §8.1.1, §8.2.6), through the codec's
 * constructors. Every varying value (branch, tags, Call-ID, sent-by) is a parameter.
 */
import { makeRequest, makeResponse, type Request, type Response } from "@sipkit/codec"

export interface RequestSpec {
  readonly method?: string
  readonly branch?: string
  readonly sentBy?: string
  readonly transport?: string
  readonly callId?: string
  readonly fromTag?: string
  readonly toTag?: string
  readonly cseq?: number
  readonly uri?: string
  readonly routes?: ReadonlyArray<string>
  readonly maxForwards?: number
  readonly extra?: ReadonlyArray<readonly [string, string]>
}

export const makeTestRequest = (spec: RequestSpec = {}): Request => {
  const method = spec.method ?? "INVITE"
  const headers: Array<readonly [string, string]> = [
    [
      "Via",
      `SIP/2.0/${spec.transport ?? "UDP"} ${spec.sentBy ?? "client.example.com:5060"};branch=${spec.branch ?? "z9hG4bK776asdhds"}`,
    ],
  ]
  for (const route of spec.routes ?? []) headers.push(["Route", route])
  headers.push(
    ["Max-Forwards", String(spec.maxForwards ?? 70)],
    ["To", `Bob <sip:bob@example.com>${spec.toTag === undefined ? "" : `;tag=${spec.toTag}`}`],
    ["From", `Alice <sip:alice@example.com>;tag=${spec.fromTag ?? "1928301774"}`],
    ["Call-ID", spec.callId ?? "a84b4c76e66710@client.example.com"],
    ["CSeq", `${spec.cseq ?? 314159} ${method}`],
    ["Contact", "<sip:alice@client.example.com>"],
    ...(spec.extra ?? []),
  )
  return makeRequest({ method, uri: spec.uri ?? "sip:bob@example.com", headers })
}

export const makeTestResponse = (request: Request, status: number, toTag = "a6c85cf"): Response =>
  status === 100 ? makeResponse(request, status) : makeResponse(request, status, { toTag })
