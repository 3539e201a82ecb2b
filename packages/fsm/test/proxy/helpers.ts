import {
  getHeaderValues,
  makeRequest,
  makeResponse,
  type Request,
  type Response,
  type SipMessage,
} from "@sipkit/codec"
import { expect } from "vitest"
import type { ProxyOutput } from "../../src/proxy/Types.js"
import type { Binding } from "../../src/registrar/Binding.js"
import { makeMemoryLocationStore } from "../../src/registrar/LocationStore.js"

/** Alice's INVITE to bob@example.com, as in the seed's ladders. */
export const aliceInvite = (
  init: { readonly uri?: string; readonly extra?: ReadonlyArray<readonly [string, string]> } = {},
) =>
  makeRequest({
    method: "INVITE",
    uri: init.uri ?? "sip:bob@example.com",
    headers: [
      ["Via", "SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bKalice1"],
      ["Max-Forwards", "70"],
      ["From", "Alice <sip:alice@example.com>;tag=1928301774"],
      ["To", "Bob <sip:bob@example.com>"],
      ["Call-ID", "12345@192.168.1.100"],
      ["CSeq", "314159 INVITE"],
      ["Contact", "<sip:alice@192.168.1.100>"],
      ...(init.extra ?? []),
    ],
    body: "v=0\r\n",
  })

/** A UAS answer: Record-Route copied into 18x/2xx (§12.1.1), its Contact added. */
export const answer = (request: Request, status: number, toTag: string, contact?: string): Response => {
  const recordRoutes = status > 100 && status < 300 ? getHeaderValues(request, "Record-Route") : []
  return makeResponse(request, status, {
    toTag,
    headers: [
      ...recordRoutes.map((value) => ["Record-Route", value] as const),
      ...(contact === undefined ? [] : [["Contact", `<${contact}>`] as const]),
    ],
  })
}

export const bindingOf = (uri: string, q?: number): Binding => ({
  uri,
  expiresAt: 3_600_000,
  q,
  callId: "reg",
  cseq: 1,
  instance: undefined,
  regId: undefined,
})

export const locationWith = (aor: string, bindings: ReadonlyArray<Binding>) =>
  makeMemoryLocationStore([[aor, bindings]])

export const only = <T extends ProxyOutput["_tag"]>(outputs: ReadonlyArray<ProxyOutput>, tag: T) =>
  outputs.filter((output): output is Extract<ProxyOutput, { _tag: T }> => output._tag === tag)

export const single = <T extends ProxyOutput["_tag"]>(outputs: ReadonlyArray<ProxyOutput>, tag: T) => {
  const found = only(outputs, tag)
  expect(found).toHaveLength(1)
  return found[0] as Extract<ProxyOutput, { _tag: T }>
}

export const header = (message: SipMessage, name: string): ReadonlyArray<string> =>
  getHeaderValues(message, name)

/** A compact transcript of outputs: what goes where, for step-by-step comparisons. */
export const summary = (outputs: ReadonlyArray<ProxyOutput>): ReadonlyArray<string> => outputs.map(describe)

const describe = (output: ProxyOutput): string => {
  switch (output._tag) {
    case "Respond":
      return `Respond ${output.response.status}`
    case "Forward":
      return `Forward ${output.request.method} ${output.request.uri}`
    case "Cancel":
      return `Cancel ${output.request.uri}`
    case "SendStateless":
      return `SendStateless ${output.message._tag === "Request" ? output.message.method : output.message.status}`
    case "SetTimer":
      return "SetTimer C"
    case "ClearTimer":
      return "ClearTimer C"
    case "AbandonBranch":
      return "AbandonBranch"
    case "Absorbed":
      return `Absorbed ${output.message._tag === "Request" ? output.message.method : output.message.status}`
  }
}
