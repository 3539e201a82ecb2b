/**
 * A wire harness for the endpoint: parties send messages to the proxy, everything the proxy sends is put in the
 * receiving party's inbox, and a Mermaid ladder is written as it goes.
 */
import { getCSeq, type SipMessage } from "@sipkit/codec"
import type { ProxyConfig } from "../../src/proxy/ProxyConfig.js"
import {
  type EndpointOutput,
  type EndpointState,
  initialEndpointState,
  stepEndpoint,
} from "../../src/proxy/ProxyEndpoint.js"
import type { LocationView } from "../../src/proxy/Targets.js"
import { makeLadder } from "./ladder.js"

/** Who a Send reaches: a URI destination names a UA, an address destination is `host:port`. */
export const party = (output: Extract<EndpointOutput, { _tag: "Send" }>): string =>
  output.destination._tag === "Address"
    ? `${output.destination.host}:${output.destination.port}`
    : output.destination.uri

export const label = (message: SipMessage): string => {
  if (message._tag === "Request") return message.method
  const cseq = getCSeq(message)
  return `${message.status} (${cseq._tag === "Ok" ? cseq.value.method : "?"})`
}

export const makeWire = (
  proxy: ProxyConfig,
  location: LocationView,
  /** Address or URI → the participant's name in the ladder. */
  names: ReadonlyMap<string, string>,
  participants: ReadonlyArray<string>,
) => {
  let state: EndpointState = initialEndpointState
  const inbox = new Map<string, Array<SipMessage>>()
  const ladder = makeLadder(participants)
  const send = (from: string, message: SipMessage, now: number) => {
    ladder.arrow(from, "Proxy", message)
    const result = stepEndpoint({ proxy }, state, {
      _tag: "MessageReceived",
      message,
      now,
      token: `t${now}`,
      location,
    })
    state = result.state
    let seen = false
    for (const output of result.outputs) {
      if (output._tag === "Send") {
        const name = names.get(party(output)) ?? party(output)
        inbox.set(name, [...(inbox.get(name) ?? []), output.message])
        ladder.arrow("Proxy", name, output.message)
        seen = true
      } else if (output._tag === "Absorbed") {
        ladder.note("Proxy", `${label(output.message)} absorbed (${output.reason})`)
        seen = true
      }
    }
    if (!seen) ladder.note("Proxy", `${label(message)} absorbed by its transaction`)
  }
  return {
    send,
    ladder,
    state: () => state,
    received: (name: string) => (inbox.get(name) ?? []).map(label),
    last: (name: string) => inbox.get(name)?.at(-1),
  }
}
