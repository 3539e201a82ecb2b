/** fast-check arbitraries for SIP values: tokens, header fields, messages, URIs, typed headers. */
import fc from "fast-check"
import { makeRequest, makeResponse } from "../../src/index.js"
import type { Header, Request, SipMessage } from "../../src/Message.js"
import type { Param } from "../../src/Params.js"
import type { SipUri, TelUri } from "../../src/uri/Uri.js"

const chars = (set: string) => fc.constantFrom(...set.split(""))
const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
export const token = fc.string({ unit: chars(`${alnum}-.!%*_+\`'~`), minLength: 1, maxLength: 12 })
const lowerWord = fc.string({
  unit: chars("abcdefghijklmnopqrstuvwxyz0123456789"),
  minLength: 1,
  maxLength: 10,
})

/** A header value as it stands on one line: no CR/LF, no leading/trailing whitespace. */
export const headerValue = fc
  .string({
    unit: fc.oneof(chars(`${alnum} \t;,:<>"@=/?()[]{}\\`), fc.constantFrom("é", "ü", "大", "ж")),
    maxLength: 40,
  })
  .map((s) => s.trim())

const headerName = token.filter((n) => !/^(l|content-length)$/i.test(n))

export const header: fc.Arbitrary<Header> = fc.record({ name: headerName, value: headerValue })

export const body = fc.oneof(
  fc.constant(new Uint8Array(0)),
  fc.uint8Array({ maxLength: 64 }),
  fc.string({ maxLength: 40 }).map((s) => new TextEncoder().encode(s)),
)

const uriText = fc.tuple(lowerWord, lowerWord).map(([u, h]) => `sip:${u}@${h}.example.com`)

export const request: fc.Arbitrary<Request> = fc
  .record({ method: token, uri: uriText, headers: fc.array(header, { maxLength: 12 }), body })
  .map((r) => makeRequest(r))

export const message: fc.Arbitrary<SipMessage> = fc.oneof(
  request,
  fc
    .record({
      req: request,
      status: fc.integer({ min: 100, max: 699 }),
      reason: headerValue,
      headers: fc.array(
        header.map((h) => [h.name, h.value] as const),
        { maxLength: 6 },
      ),
      body,
    })
    .map(({ req, status, reason, headers, body }) => makeResponse(req, status, { reason, headers, body })),
)

const escaped = fc.constantFrom("%20", "%41", "%3A", "%00", "%ff")
const escapedText = (extra: string, min = 1) =>
  fc
    .array(fc.oneof(chars(`${alnum}-_.!~*'()${extra}`), escaped), { minLength: min, maxLength: 8 })
    .map((a) => a.join(""))

const param = (extra: string): fc.Arbitrary<Param> =>
  fc.record({ name: escapedText(extra), value: fc.option(escapedText(extra), { nil: undefined }) })

const host = fc.oneof(
  // §25.1: the toplabel starts with a letter (else the host is an IPv4address)
  fc
    .tuple(fc.array(lowerWord, { maxLength: 2 }), lowerWord)
    .map(([ls, top]) => [...ls, /^[0-9]/.test(top) ? `h${top}` : top].join(".")),
  fc.ipV4(),
  fc.ipV6().map((a) => `[${a}]`),
)

export const sipUri: fc.Arbitrary<SipUri> = fc
  .record({
    scheme: fc.constantFrom("sip" as const, "sips" as const),
    user: fc.option(escapedText("&=+$,;?/"), { nil: undefined }),
    password: fc.option(escapedText("&=+$,", 0), { nil: undefined }),
    host,
    port: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
    params: fc.array(param("[]/:&+$"), { maxLength: 3 }),
    headers: fc.array(fc.record({ name: escapedText("[]/?:+$"), value: escapedText("[]/?:+$", 0) }), {
      maxLength: 2,
    }),
  })
  .map(({ user, password, port, ...rest }) => ({
    _tag: "SipUri" as const,
    ...rest,
    ...(user === undefined ? {} : { user }),
    ...(user === undefined || password === undefined ? {} : { password }),
    ...(port === undefined ? {} : { port }),
  }))

export const telUri: fc.Arbitrary<TelUri> = fc
  .record({
    digits: fc
      .string({ unit: chars("0123456789-.()"), minLength: 1, maxLength: 12 })
      .filter((d) => /[0-9]/.test(d)),
    params: fc.array(param(""), { maxLength: 2 }),
  })
  .map(({ digits, params }) => ({ _tag: "TelUri" as const, number: `+${digits}`, params }))

/** Header parameters (`;name=value`) as the typed headers print them. */
export const headerParams: fc.Arbitrary<ReadonlyArray<Param>> = fc.array(
  fc.record({
    name: token,
    value: fc.option(
      fc.oneof(
        token,
        headerValue.map((v) => `"${v.replace(/["\\]/g, "\\$&")}"`),
      ),
      { nil: undefined },
    ),
  }),
  { maxLength: 3 },
)

export { host }
