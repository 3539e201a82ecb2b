/**
 * Request — `request(method, target, options)`: a one-off request outside any dialog (RFC 3261 §8.1), built by the
 * UA core's `makeOutOfDialogRequest` (Via branch, Max-Forwards, From tag, Contact where a dialog may start, a
 * preloaded Route for an outbound proxy, §8.1.2), sent to its next hop with RFC 3263 failover, one Digest retry
 * (`retryWithCredentials`, §22.2). The final response is the caller's; the UA core keeps nothing for it.
 */
import type { Response } from "@sipkit/codec"
import { makeOutOfDialogRequest } from "@sipkit/fsm/ua"
import { Effect } from "effect"
import type { TransportKind } from "../Address.js"
import { preloadedRoute } from "./Call.js"
import { type Credentials, type RequestFailed, type SendOptions, sendWithAuth } from "./Client.js"
import type { Core } from "./Core.js"
import { localContact } from "./Server.js"
import { stripBrackets, uaOf } from "./UaCore.js"

export interface RequestOptions {
  readonly headers?: ReadonlyArray<readonly [string, string]> | undefined
  readonly body?: string | Uint8Array | undefined
  readonly contentType?: string | undefined
  readonly from?: string | undefined
  readonly to?: string | undefined
  readonly credentials?: Credentials | undefined
  readonly transport?: TransportKind | undefined
  readonly noMtuSwitch?: boolean | undefined
  readonly onProvisional?: SendOptions["onProvisional"]
  /** §8.1.2: send through this proxy (`sip:proxy.example.com`; `;lr` is added): preloaded as the Route. */
  readonly outboundProxy?: string | undefined
  /** §8.1.2: a preloaded route set, instead of `outboundProxy`. */
  readonly route?: ReadonlyArray<string> | undefined
}

export const oneOffRequest = (
  core: Core,
  method: string,
  target: string,
  options: RequestOptions = {},
): Effect.Effect<Response, RequestFailed> => {
  const listener = core.listeners[0]!
  const at = listener.advertised
  const host = at.host.includes(":") ? `[${at.host}]` : at.host
  const route = preloadedRoute(options)
  const contact = localContact(core, { transport: listener.transport.kind, host: at.host, port: at.port })
  const request = makeOutOfDialogRequest(
    uaOf(core).state.config,
    {
      method,
      uri: stripBrackets(target),
      from: options.from ?? `<sip:${core.config.user}@${host}>`,
      ...(options.to === undefined ? {} : { to: options.to }),
      callId: core.ids.callId(),
      fromTag: core.ids.tag(),
      ...(method === "INVITE" || method === "SUBSCRIBE" || method === "REFER"
        ? { contact: stripBrackets(contact) }
        : {}),
      ...(route === undefined ? {} : { route }),
      headers: [["User-Agent", core.config.userAgent], ...(options.headers ?? [])],
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
    },
    core.ids.tag(),
  )
  // §8.1.2: with a preloaded Route the request goes to its first entry (a loose router)
  const nextHop = route?.[0] === undefined ? stripBrackets(target) : stripBrackets(route[0])
  const sent = sendWithAuth(core, request, nextHop, {
    credentials: options.credentials,
    transport: options.transport,
    noMtuSwitch: options.noMtuSwitch,
    onProvisional: options.onProvisional,
  })
  return Effect.map(sent, (s) => s.response)
}
