/**
 * peers — the JavaScript SIP parsers people use today, each driven through its own public parser to do the
 * benchmark task (parse one datagram, read top Via branch, From tag, To tag, CSeq number and method, Call-ID).
 *
 * Every peer is given a string (what each accepts), decoded once outside the timed loop: the decode a real
 * server would pay before calling them is NOT charged to them. Each adapter reads the fields the way that
 * library's own users do, through its own accessors, and none of them is asked for more.
 */
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import type { Fields } from "./fields.ts"

const require = createRequire(import.meta.url)

export interface Parser {
  readonly name: string
  readonly version: string
  readonly input: "string" | "bytes"
  readonly extract: (input: never) => Fields
}

export interface StringParser extends Parser {
  readonly input: "string"
  readonly extract: (input: string) => Fields
}

const versionOf = (pkg: string): string => {
  const path = require.resolve(`${pkg}/package.json`)
  return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version
}

const fail = (peer: string, what: string): never => {
  throw new Error(`${peer}: could not read ${what}`)
}

/** Any value a JavaScript library hands back; narrowed by the adapters below. */
// biome-ignore lint/suspicious/noExplicitAny: the peers ship no types (sip, drachtio-sip) or `any` (jssip).
type Loose = any

/** npm `sip` (kirm/sip.js): `sip.parse(string)` parses every known header eagerly. */
const sipPackage = (): StringParser => {
  const sip: Loose = require("sip")
  return {
    name: "sip",
    version: versionOf("sip"),
    input: "string",
    extract: (text) => {
      const m = sip.parse(text) ?? fail("sip", "the message")
      const h = m.headers
      return {
        branch: h.via[0].params.branch,
        fromTag: h.from.params.tag,
        toTag: h.to.params.tag,
        cseq: h.cseq.seq,
        method: h.cseq.method,
        callId: h["call-id"],
      }
    },
  }
}

/** drachtio-sip: `new SipMessage(string)` keeps header values raw; `getParsedHeader` parses one on demand. */
const drachtio = (): StringParser => {
  const { SipMessage }: Loose = require("drachtio-sip")
  return {
    name: "drachtio-sip",
    version: versionOf("drachtio-sip"),
    input: "string",
    extract: (text) => {
      const m = new SipMessage(text)
      const cseq = m.getParsedHeader("cseq")
      return {
        branch: m.getParsedHeader("via")[0].params.branch,
        fromTag: m.getParsedHeader("from").params.tag,
        toTag: m.getParsedHeader("to").params.tag,
        cseq: cseq.seq,
        method: cseq.method,
        callId: m.get("call-id"),
      }
    },
  }
}

/**
 * JsSIP: the transport hands each datagram to `Parser.parseMessage(data, ua)` (lib/Parser.js, a PEG grammar per
 * header). A request only stores the UA, so a stub stands in for it.
 */
const jssip = (): StringParser => {
  const parser: Loose = require("jssip/lib/Parser.js")
  const ua = {}
  return {
    name: "jssip",
    version: versionOf("jssip"),
    input: "string",
    extract: (text) => {
      const m = parser.parseMessage(text, ua) ?? fail("jssip", "the message")
      return {
        branch: m.via_branch ?? undefined,
        fromTag: m.from_tag ?? undefined,
        toTag: m.to_tag ?? undefined,
        cseq: m.cseq,
        method: m.s("CSeq").method,
        callId: m.call_id,
      }
    },
  }
}

/** SIP.js: `Parser.parseMessage(data, logger)` in core/messages (the same PEG approach as JsSIP, in TypeScript). */
const sipJs = (): StringParser => {
  const { Parser }: Loose = require("sip.js/lib/core/messages/parser.js")
  const logger = { warn: () => {}, error: () => {}, log: () => {}, debug: () => {} }
  return {
    name: "sip.js",
    version: versionOf("sip.js"),
    input: "string",
    extract: (text) => {
      const m = Parser.parseMessage(text, logger) ?? fail("sip.js", "the message")
      return {
        branch: m.viaBranch ?? undefined,
        fromTag: m.fromTag ?? undefined,
        toTag: m.toTag ?? undefined,
        cseq: m.cseq,
        method: m.parseHeader("CSeq").method,
        callId: m.callId,
      }
    },
  }
}

export const loadPeers = (): ReadonlyArray<StringParser> => [sipPackage(), drachtio(), jssip(), sipJs()]
