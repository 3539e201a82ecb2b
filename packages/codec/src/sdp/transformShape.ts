/**
 * transformShape — the typed view in sdp-transform's own object shape, and the two calls into sdp-transform:
 * `readLine` / `readWhole` (its `parse`, one line at a time) and `writeShape` (its `write`).
 *
 * `TransformSession` is the object sdp-transform's parser gives and its writer takes, typed as it is at run time:
 * every value read by a rule is a number when `String(Number(text)) === text` and the text otherwise ("0064",
 * "18446744073709551615" and "" stay strings, whatever @types/sdp-transform declares). `intIfInt` makes the same
 * choice for what we build, so `toTransform(d)` deep-equals `sdpTransform.parse(printSdp(d))` for the fields the
 * view holds once (test/sdp/transform.test.ts checks it on the RFC 4317 bodies).
 *
 * What sdp-transform's object cannot hold is left to the printer (printSdp.ts): the exact digits of an o=
 * version above 2^53 and the m= `/<number of ports>` (its writer formats both with `%d`), a second e=, p= or t=,
 * more than one r=, and k= (its grammar has no k= rule; RFC 8866 §5.12 made the line obsolete).
 */
import * as sdpTransform from "sdp-transform"
import type {
  Attribute,
  Bandwidth,
  Connection,
  Fmtp,
  MediaDescription,
  Rtcp,
  Rtpmap,
  SessionDescription,
} from "./SessionDescription.js"

/** A value as sdp-transform's parser gives it: a number when the text survives `Number`, else the text. */
export type Loose = string | number

export interface TransformRtp {
  readonly payload: Loose
  readonly codec: Loose
  readonly rate?: Loose
  /** The rtpmap's encoding parameters (audio channels). */
  readonly encoding?: Loose
}

export interface TransformFmtp {
  readonly payload: Loose
  readonly config: Loose
}

export interface TransformRtcp {
  readonly port: Loose
  readonly netType?: Loose
  readonly ipVer?: Loose
  readonly address?: Loose
}

export interface TransformConnection {
  readonly version: Loose
  readonly ip: Loose
}

export interface TransformBandwidth {
  readonly type: Loose
  readonly limit: Loose
}

/** The lines sdp-transform's grammar reads at both levels (the attributes it reads at media level only, too). */
interface TransformLevel {
  readonly description?: Loose
  readonly connection?: TransformConnection
  readonly bandwidth?: ReadonlyArray<TransformBandwidth>
  readonly rtp?: ReadonlyArray<TransformRtp>
  readonly fmtp?: ReadonlyArray<TransformFmtp>
  readonly rtcp?: TransformRtcp
  readonly ptime?: Loose
  readonly maxptime?: Loose
  readonly direction?: Loose
  /** a= lines no rule of its grammar matches, verbatim (without "a="). */
  readonly invalid?: ReadonlyArray<{ readonly value: Loose }>
}

export interface TransformMedia extends TransformLevel {
  readonly type?: Loose
  readonly port?: Loose
  readonly protocol?: Loose
  /** The fmt list as one string ("0 8 97"), or a number when it is one payload type. */
  readonly payloads?: Loose
}

export interface TransformSession extends TransformLevel {
  readonly version?: Loose
  readonly origin?: {
    readonly username: Loose
    readonly sessionId: Loose
    readonly sessionVersion: Loose
    readonly netType: Loose
    readonly ipVer: Loose
    readonly address: Loose
  }
  readonly name?: Loose
  readonly uri?: Loose
  readonly email?: Loose
  readonly phone?: Loose
  readonly timing?: { readonly start: Loose; readonly stop: Loose }
  readonly repeats?: Loose
  readonly timezones?: Loose
  readonly media: ReadonlyArray<TransformMedia>
}

/** sdp-transform's `toIntIfInt`: a number when the text survives `Number`, else the text. */
export const intIfInt = (text: string): Loose => (String(Number(text)) === text ? Number(text) : text)

/** What sdp-transform's grammar reads from one line (at session level, where every a= rule applies too). */
export const readLine = (line: string): TransformSession =>
  sdpTransform.parse(line) as unknown as TransformSession

/**
 * sdp-transform's writer. It fills in what it needs (v=, "s= ", an empty fmt list) by mutating its argument,
 * so it gets a copy.
 */
export const writeShape = (shape: TransformSession): string =>
  sdpTransform.write({
    ...shape,
    media: shape.media.map((m) => ({ ...m })),
  } as unknown as sdpTransform.SessionDescription)

/** A rule of sdp-transform's grammar: `sdpTransform.grammar`, which its README documents as the object to extend. */
interface GrammarRule {
  readonly reg: RegExp
}

const grammar = (
  sdpTransform as unknown as { readonly grammar: Readonly<Record<string, ReadonlyArray<GrammarRule>>> }
).grammar

/**
 * What sdp-transform reads from `line`, when its grammar reads all of it; else undefined. Its parser applies the
 * first rule of the line's type whose expression matches, and the expressions match a prefix (`t=0 0 x` reads as
 * `t=0 0`), so the match of that rule must be the whole value.
 */
export const readWhole = (line: string): TransformSession | undefined => {
  const value = line.slice(2)
  const rule = grammar[line.slice(0, 1)]?.find((r) => r.reg.test(value))
  return rule?.reg.exec(value)?.[0] === value ? readLine(line) : undefined
}

export const ipVersion = (addrType: string): Loose => intIfInt(addrType.replace(/^IP/, ""))

const connectionShape = (c: Connection): TransformConnection => ({
  version: ipVersion(c.addrType),
  ip: c.address,
})

export const bandwidthShape = (b: Bandwidth): TransformBandwidth => ({ type: b.type, limit: b.value })

export const rtpShape = (r: Rtpmap): TransformRtp => ({
  payload: r.payloadType,
  codec: r.encoding,
  rate: r.clockRate,
  ...(r.channels === undefined ? {} : { encoding: r.channels }),
})

const fmtpShape = (f: Fmtp): TransformFmtp => ({ payload: f.payloadType, config: intIfInt(f.parameters) })

const rtcpShape = (r: Rtcp): TransformRtcp =>
  r.connection === undefined
    ? { port: r.port }
    : {
        port: r.port,
        netType: r.connection.netType,
        ipVer: ipVersion(r.connection.addrType),
        address: r.connection.address,
      }

/** An attribute sdp-transform does not type for us is written as it came: one of its `invalid` entries. */
export const attributeText = (a: Attribute): string =>
  a.value === undefined ? a.name : `${a.name}:${a.value}`

const attributesShape = (list: ReadonlyArray<Attribute>) =>
  list.length === 0 ? {} : { invalid: list.map((a) => ({ value: intIfInt(attributeText(a)) })) }

const bandwidthsShape = (list: ReadonlyArray<Bandwidth>) =>
  list.length === 0 ? {} : { bandwidth: list.map(bandwidthShape) }

const textShape = <K extends string>(key: K, value: string | undefined) =>
  (value === undefined ? {} : { [key]: intIfInt(value) }) as Partial<Record<K, Loose>>

const mediaShape = (m: MediaDescription): TransformMedia => ({
  rtp: m.rtpmaps.map(rtpShape),
  fmtp: m.fmtps.map(fmtpShape),
  type: m.type,
  port: m.port,
  protocol: m.protocol,
  ...(m.formats.length === 0 ? {} : { payloads: intIfInt(m.formats.join(" ")) }),
  ...textShape("description", m.info),
  ...(m.connection === undefined ? {} : { connection: connectionShape(m.connection) }),
  ...bandwidthsShape(m.bandwidths),
  ...(m.rtcp === undefined ? {} : { rtcp: rtcpShape(m.rtcp) }),
  ...(m.ptime === undefined ? {} : { ptime: m.ptime }),
  ...(m.maxptime === undefined ? {} : { maxptime: m.maxptime }),
  ...(m.direction === undefined ? {} : { direction: m.direction }),
  ...attributesShape(m.attributes),
})

/**
 * The sdp-transform object for a description: everything its object model holds — the first e=, p= and t= line,
 * the first r= of that t=, and the o= version as sdp-transform would read it (exact up to 2^53 only).
 */
export const toTransform = (d: SessionDescription): TransformSession => {
  const [timing] = d.timing
  return {
    version: d.version,
    origin: {
      username: d.origin.username,
      sessionId: intIfInt(d.origin.sessionId),
      sessionVersion: intIfInt(d.origin.sessionVersion),
      netType: d.origin.netType,
      ipVer: ipVersion(d.origin.addrType),
      address: d.origin.address,
    },
    // RFC 8866 §5.3: "s= " (a single space) when there is no meaningful name; the view holds it as "".
    name: d.name === "" ? " " : intIfInt(d.name),
    ...textShape("description", d.info),
    ...textShape("uri", d.uri),
    ...textShape("email", d.emails[0]),
    ...textShape("phone", d.phones[0]),
    ...(d.connection === undefined ? {} : { connection: connectionShape(d.connection) }),
    ...bandwidthsShape(d.bandwidths),
    ...(timing === undefined ? {} : { timing: { start: timing.start, stop: timing.stop } }),
    ...textShape("repeats", timing?.repeats[0]),
    ...textShape("timezones", d.timezones),
    ...(d.direction === undefined ? {} : { direction: d.direction }),
    ...attributesShape(d.attributes),
    media: d.media.map(mediaShape),
  }
}
