import { makeRequest, type Request, type Response, type SipMessage } from "@sipkit/codec"

/** A REGISTER as the seed's phone sends it (SIP-BASICS.md, "SIP Registration Flow"). */
export const makeRegister = (init: {
  readonly aor?: string
  readonly callId?: string
  readonly cseq: number
  readonly contacts?: ReadonlyArray<string>
  readonly expires?: string
  readonly extra?: ReadonlyArray<readonly [string, string]>
}): Request =>
  makeRequest({
    method: "REGISTER",
    uri: "sip:example.com",
    headers: [
      ["Via", `SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bKreg${init.cseq}`],
      ["Max-Forwards", "70"],
      ["From", `<${init.aor ?? "sip:alice@example.com"}>;tag=a73kszlfl`],
      ["To", `<${init.aor ?? "sip:alice@example.com"}>`],
      ["Call-ID", init.callId ?? "1j9FpLxk3uxtm8tn@192.168.1.100"],
      ["CSeq", `${init.cseq} REGISTER`],
      ...(init.contacts ?? []).map((contact) => ["Contact", contact] as const),
      ...(init.expires === undefined ? [] : [["Expires", init.expires] as const]),
      ...(init.extra ?? []),
    ],
  })

/** Every Contact field value of a response, in order. */
export const contactsOf = (response: Response): ReadonlyArray<string> =>
  response.headers.filter((header) => header.name.toLowerCase() === "contact").map((header) => header.value)

export const headerOf = (response: SipMessage, name: string): string | undefined =>
  response.headers.find((header) => header.name.toLowerCase() === name.toLowerCase())?.value
