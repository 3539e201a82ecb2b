import { describe, expect, it } from "vitest"
import { checkListenFlags, type ListenFlags } from "../src/options/ListenOptions.js"
import { checkSendFlags, type SendFlags } from "../src/options/SendOptions.js"

const send: SendFlags = {
  method: "OPTIONS",
  uri: "sip:bob@127.0.0.1:5070",
  from: undefined,
  to: undefined,
  header: [],
  body: undefined,
  sdp: undefined,
  contentType: undefined,
  transport: "udp",
  proxy: undefined,
  user: undefined,
  password: undefined,
  timeoutMs: 32000,
  hangupAfterMs: undefined,
  cancelAfterMs: undefined,
  expires: undefined,
  count: undefined,
  rate: undefined,
  json: false,
  bindHost: "127.0.0.1",
  bindPort: 0,
  ca: undefined,
  cert: undefined,
  key: undefined,
  dns: undefined,
}

const listen: ListenFlags = {
  host: "127.0.0.1",
  port: 5060,
  transport: ["udp"],
  answer: 200,
  redirect: [],
  ringMs: 0,
  earlyMedia: false,
  registrar: false,
  user: [],
  realm: undefined,
  proxy: false,
  json: false,
  quiet: false,
  cert: undefined,
  key: undefined,
  dns: undefined,
}

describe("checkSendFlags", () => {
  it("sends to the Request-URI's host and port, or to the outbound proxy", () => {
    const plain = checkSendFlags(send)
    expect(plain._tag === "Ok" && plain.value.target).toEqual({ host: "127.0.0.1", port: 5070 })
    const proxied = checkSendFlags({ ...send, proxy: "sip:127.0.0.1:5080" })
    expect(proxied._tag === "Ok" && proxied.value.target).toEqual({ host: "127.0.0.1", port: 5080 })
    const defaulted = checkSendFlags({ ...send, uri: "sip:bob@127.0.0.1" })
    expect(defaulted._tag === "Ok" && defaulted.value.target.port).toBe(5060)
  })

  it("splits --header lines into name and value", () => {
    const result = checkSendFlags({ ...send, header: ["Subject: hello world", "X-Empty:"] })
    expect(result._tag === "Ok" && result.value.headers).toEqual([
      ["Subject", "hello world"],
      ["X-Empty", ""],
    ])
  })

  it("takes --proxy over tcp, tls and ws too", () => {
    for (const transport of ["tcp", "tls", "ws"]) {
      const tls = transport === "tls" ? { cert: "c.pem", key: "k.pem" } : {}
      const proxy = `sip:127.0.0.1:5080;transport=${transport}`
      const result = checkSendFlags({ ...send, ...tls, transport, proxy })
      expect(result._tag === "Ok" && [result.value.transport, result.value.proxy]).toEqual([transport, proxy])
    }
  })

  it("gives a --proxy URI without one the ;transport= of --transport (not over udp)", () => {
    const proxyOf = (transport: string, proxy: string) => {
      const result = checkSendFlags({ ...send, transport, proxy })
      return result._tag === "Ok" ? result.value.proxy : result.error
    }
    expect(proxyOf("tcp", "sip:127.0.0.1:5080")).toBe("sip:127.0.0.1:5080;transport=tcp")
    expect(proxyOf("ws", "sip:p.example.com;lr?x=1")).toBe("sip:p.example.com;lr;transport=ws?x=1")
    expect(proxyOf("tcp", "sip:127.0.0.1:5080;transport=udp")).toBe("sip:127.0.0.1:5080;transport=udp")
    expect(proxyOf("udp", "sip:127.0.0.1:5080")).toBe("sip:127.0.0.1:5080")
  })

  const refusals: ReadonlyArray<readonly [string, Partial<SendFlags>, RegExp]> = [
    ["lower-case method", { method: "options" }, /upper-case SIP method/],
    ["ACK", { method: "ACK" }, /ACK is sent by sip send itself/],
    ["CANCEL", { method: "CANCEL" }, /--cancel-after-ms/],
    ["a tel: URI", { uri: "tel:+1-201-555-0123" }, /must be a sip: or sips: URI/],
    ["not a URI", { uri: "bob" }, /is not a URI/],
    ["an unknown transport", { transport: "sctp" }, /--transport must be one of/],
    ["--ca without tls", { ca: "ca.pem" }, /--ca only applies to --transport tls/],
    ["tls without a certificate", { transport: "tls" }, /--transport tls needs --cert FILE and --key FILE/],
    ["--body with --sdp", { body: "a", sdp: "b" }, /cannot be used together/],
    ["--password alone", { password: "x" }, /--password needs --user/],
    ["--user alone", { user: "x" }, /--user needs --password/],
    ["a zero timeout", { timeoutMs: 0 }, /--timeout-ms/],
    ["--hangup-after-ms on OPTIONS", { hangupAfterMs: 5 }, /only applies to INVITE/],
    ["--cancel-after-ms on OPTIONS", { cancelAfterMs: 5 }, /only applies to INVITE/],
    ["--expires on OPTIONS", { expires: 60 }, /only applies to REGISTER/],
    ["--count 0", { count: 0 }, /--count/],
    ["--rate 0", { count: 5, rate: 0 }, /--rate/],
    ["--rate without --count", { rate: 5 }, /^--rate needs --count N$/],
    ["a header without colon", { header: ["Subject hello"] }, /must look like "Name: value"/],
    ["a header sip writes", { header: ["Call-ID: x"] }, /written by sip send itself/],
    ["a bad --from", { from: "alice" }, /--from/],
    ["a bad --bind-port", { bindPort: 70000 }, /--bind-port/],
  ]
  it("accepts --count over every transport (all run on the runtime)", () => {
    for (const transport of ["udp", "tcp", "ws"])
      expect(checkSendFlags({ ...send, transport, count: 3 })._tag).toBe("Ok")
  })

  for (const [what, flags, message] of refusals)
    it(`refuses ${what} with one line`, () => {
      const result = checkSendFlags({ ...send, ...flags })
      expect(result._tag).toBe("Err")
      if (result._tag === "Err") {
        expect(result.error).toMatch(message)
        expect(result.error).not.toContain("\n")
      }
    })
})

describe("checkListenFlags", () => {
  it("accepts the defaults and turns --user into a map; --proxy implies --registrar", () => {
    const result = checkListenFlags({ ...listen, proxy: true, user: ["alice:secret", "bob:pa:ss"] })
    expect(result._tag).toBe("Ok")
    if (result._tag === "Ok") {
      expect(result.value.registrar).toBe(true)
      expect([...result.value.users]).toEqual([
        ["alice", "secret"],
        ["bob", "pa:ss"],
      ])
      expect(result.value.realm).toBe("127.0.0.1")
    }
  })

  it("takes --redirect with a 3xx, each URI as a Contact value", () => {
    const result = checkListenFlags({
      ...listen,
      answer: 302,
      redirect: ["sip:bob@127.0.0.1:5080", "<sip:x@y>"],
    })
    expect(result._tag === "Ok" && result.value.redirect).toEqual(["<sip:bob@127.0.0.1:5080>", "<sip:x@y>"])
  })

  it("takes --proxy over any set of transports", () => {
    const transport = ["udp", "tcp", "tls", "ws"]
    const result = checkListenFlags({ ...listen, transport, cert: "c.pem", key: "k.pem", proxy: true })
    expect(result._tag === "Ok" && [result.value.transports, result.value.proxy]).toEqual([transport, true])
  })

  const refusals: ReadonlyArray<readonly [string, Partial<ListenFlags>, RegExp]> = [
    ["a bad host", { host: "not a host" }, /--host/],
    ["a port above 65535", { port: 65536 }, /--port/],
    ["an unknown transport", { transport: ["carrier-pigeon"] }, /--transport must be one of/],
    ["tls without a certificate", { transport: ["tls"] }, /--transport tls needs --cert FILE and --key FILE/],
    ["--cert without tls", { cert: "c.pem", key: "k.pem" }, /only apply to --transport tls/],
    ["a provisional --answer", { answer: 180 }, /--answer must be 200 or a final status/],
    ["--answer 700", { answer: 700 }, /--answer/],
    [
      "--redirect without a 3xx",
      { redirect: ["sip:bob@127.0.0.1"] },
      /^--redirect needs --answer 300\.\.399/,
    ],
    ["--redirect that is no URI", { answer: 302, redirect: ["bob"] }, /^--redirect "bob" is not a URI$/],
    ["a 2xx other than 200", { answer: 250 }, /^--answer must be 200 or a final status 300\.\.699, not 250$/],
    ["negative --ring-ms", { ringMs: -1 }, /--ring-ms/],
    ["--user without colon", { registrar: true, user: ["alice"] }, /NAME:PASSWORD/],
    ["--user without --registrar", { user: ["alice:x"] }, /--user needs --registrar/],
    ["--realm without users", { realm: "example.com" }, /--realm needs/],
  ]
  for (const [what, flags, message] of refusals)
    it(`refuses ${what}`, () => {
      const result = checkListenFlags({ ...listen, ...flags })
      expect(result._tag === "Err" && result.error).toMatch(message)
    })
})
