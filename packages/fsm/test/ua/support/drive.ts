/**
 * Driving one UA core directly, event by event, with hand-built messages from its peer — for the unit tests of
 * the UAS and UAC cores (the flows use Network.ts instead).
 */
import { makeRequest, makeResponse, type Request, type Response } from "@sipkit/codec"
import {
  makeUa,
  makeUaConfig,
  step,
  type UaConfig,
  type UaEvent,
  type UaOutput,
  type UaState,
} from "../../../src/ua/index.js"
import { sessionFor } from "./parties.js"

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

export class Driver {
  state: UaState
  private n = 0
  readonly log: Array<UaOutput> = []

  constructor(config: Partial<UaConfig> = {}) {
    this.state = makeUa(
      makeUaConfig({
        contact: "sip:bob@10.0.0.50",
        via: "SIP/2.0/UDP 10.0.0.50:5060",
        session: sessionFor("bob", "10.0.0.50", 49172),
        ...config,
      }),
    )
  }

  /** One step; returns its outputs. */
  send(event: DistributiveOmit<UaEvent, "nonce">): ReadonlyArray<UaOutput> {
    const result = step(this.state, { ...event, nonce: `n${++this.n}` } as UaEvent)
    this.state = result.state
    this.log.push(...result.outputs)
    return result.outputs
  }

  request(request: Request): ReadonlyArray<UaOutput> {
    return this.send({ _tag: "RequestReceived", request })
  }

  response(response: Response): ReadonlyArray<UaOutput> {
    return this.send({ _tag: "ResponseReceived", response })
  }
}

export const responsesIn = (outputs: ReadonlyArray<UaOutput>): ReadonlyArray<Response> =>
  outputs.flatMap((o) => (o._tag === "SendResponse" ? [o.response] : []))

export const requestsIn = (outputs: ReadonlyArray<UaOutput>): ReadonlyArray<Request> =>
  outputs.flatMap((o) => (o._tag === "SendRequest" || o._tag === "SendAck" ? [o.request] : []))

export const only = <A>(items: ReadonlyArray<A>): A => {
  if (items.length !== 1 || items[0] === undefined) throw new Error(`expected one item, got ${items.length}`)
  return items[0]
}

export interface FromAlice {
  readonly method?: string
  readonly seq?: number
  readonly toTag?: string
  readonly branch?: string
  readonly extra?: ReadonlyArray<readonly [string, string]>
  readonly body?: string
  readonly uri?: string
  readonly callId?: string
}

/** A request from Alice (192.168.1.100) to Bob. */
export const fromAlice = (spec: FromAlice = {}): Request => {
  const method = spec.method ?? "INVITE"
  return makeRequest({
    method,
    uri: spec.uri ?? "sip:bob@10.0.0.50",
    headers: [
      ["Via", `SIP/2.0/UDP 192.168.1.100:5060;branch=${spec.branch ?? "z9hG4bKa1"}`],
      ["Max-Forwards", "70"],
      ["From", "Alice <sip:alice@example.com>;tag=a-tag"],
      ["To", `Bob <sip:bob@example.com>${spec.toTag === undefined ? "" : `;tag=${spec.toTag}`}`],
      ["Call-ID", spec.callId ?? "c1@192.168.1.100"],
      ["CSeq", `${spec.seq ?? 1} ${method === "ACK" && spec.seq === undefined ? "ACK" : method}`],
      ["Contact", "<sip:alice@192.168.1.100>"],
      ...(spec.extra ?? []),
      ...(spec.body === undefined ? [] : [["Content-Type", "application/sdp"] as const]),
    ],
    ...(spec.body === undefined ? {} : { body: spec.body }),
  })
}

/** A response from Bob's side to a request the driven UA (as Alice) sent. */
export const answerTo = (
  request: Request,
  status: number,
  toTag?: string,
  headers: ReadonlyArray<readonly [string, string]> = [["Contact", "<sip:bob@10.0.0.50>"]],
  body?: string,
): Response =>
  makeResponse(request, status, {
    ...(toTag === undefined ? {} : { toTag }),
    headers: [...headers, ...(body === undefined ? [] : [["Content-Type", "application/sdp"] as const])],
    ...(body === undefined ? {} : { body }),
  })
