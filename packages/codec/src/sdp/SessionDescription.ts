/**
 * SessionDescription — the typed view of an SDP body (RFC 8866, formerly RFC 4566).
 *
 * What it holds: the session-level lines (v= o= s= i= u= e= p= c= b= t= r= z= k=) and one `MediaDescription`
 * per m= section, with the attributes offer/answer needs typed (rtpmap, fmtp, ptime, maxptime, the direction
 * flags, rtcp) and every other attribute kept as `Attribute { name, value }` in its original order — nothing
 * is dropped. What it never does: guess. A line it cannot read is an `SdpError`, never an exception.
 */

/** RFC 3264 §5.1 / RFC 8866 §6.7: the four direction attributes. Absent means sendrecv. */
export type Direction = "sendrecv" | "sendonly" | "recvonly" | "inactive"

/** `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>` (RFC 8866 §5.2). */
export interface Origin {
  readonly username: string
  /** Digits; kept as text because values up to 2^64 are allowed. */
  readonly sessionId: string
  /** Digits; kept as text (64-bit). Increment with `nextSessionVersion`. */
  readonly sessionVersion: string
  readonly netType: string
  readonly addrType: string
  readonly address: string
}

/** `c=<nettype> <addrtype> <connection-address>` (RFC 8866 §5.7). The address keeps any `/ttl/count`. */
export interface Connection {
  readonly netType: string
  readonly addrType: string
  readonly address: string
}

/** `b=<bwtype>:<bandwidth>` (RFC 8866 §5.8); any bwtype is kept (AS, CT, TIAS, RR, RS, X-…). */
export interface Bandwidth {
  readonly type: string
  readonly value: number
}

/** `t=<start-time> <stop-time>` with its `r=` lines (RFC 8866 §5.9, §5.10). */
export interface Timing {
  readonly start: number
  readonly stop: number
  readonly repeats: ReadonlyArray<string>
}

/** Any `a=` line the view does not type: `a=<name>` (value undefined) or `a=<name>:<value>`. */
export interface Attribute {
  readonly name: string
  readonly value: string | undefined
}

/** `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]` (RFC 8866 §6.6). */
export interface Rtpmap {
  readonly payloadType: number
  readonly encoding: string
  readonly clockRate: number
  /** Audio channels (the encoding parameters); undefined when the line has none (means 1). */
  readonly channels: number | undefined
}

/** `a=fmtp:<format> <format specific parameters>` (RFC 8866 §6.15). */
export interface Fmtp {
  readonly payloadType: number
  readonly parameters: string
}

/** `a=rtcp:<port> [<nettype> <addrtype> <connection-address>]` (RFC 3605). */
export interface Rtcp {
  readonly port: number
  readonly connection: Connection | undefined
}

/** One m= section (RFC 8866 §5.14) with its lines. */
export interface MediaDescription {
  /** audio, video, text, application, message, image, … */
  readonly type: string
  /** 0 marks a rejected or disabled stream (RFC 3264 §5.1, §6). */
  readonly port: number
  /** The `/<number of ports>` of `m=audio 49170/2 …`, when present. */
  readonly portCount: number | undefined
  /** RTP/AVP, RTP/SAVP, RTP/AVPF, UDP/TLS/RTP/SAVPF, udptl, TCP/MSRP, … */
  readonly protocol: string
  /** The fmt list as written: payload type numbers for RTP profiles, tokens otherwise. */
  readonly formats: ReadonlyArray<string>
  readonly info: string | undefined
  readonly connection: Connection | undefined
  readonly bandwidths: ReadonlyArray<Bandwidth>
  readonly key: string | undefined
  readonly rtpmaps: ReadonlyArray<Rtpmap>
  readonly fmtps: ReadonlyArray<Fmtp>
  readonly ptime: number | undefined
  readonly maxptime: number | undefined
  /** The explicit direction attribute; undefined when the section has none (then the session's applies). */
  readonly direction: Direction | undefined
  readonly rtcp: Rtcp | undefined
  /** Every other attribute, in order. */
  readonly attributes: ReadonlyArray<Attribute>
}

/** A whole SDP body. */
export interface SessionDescription {
  /** `v=`; always 0 today. */
  readonly version: number
  readonly origin: Origin
  /** `s=`; "-" when there is no meaningful name. */
  readonly name: string
  readonly info: string | undefined
  readonly uri: string | undefined
  readonly emails: ReadonlyArray<string>
  readonly phones: ReadonlyArray<string>
  readonly connection: Connection | undefined
  readonly bandwidths: ReadonlyArray<Bandwidth>
  /** At least one `t=` line. */
  readonly timing: ReadonlyArray<Timing>
  readonly timezones: string | undefined
  readonly key: string | undefined
  /** The session-level direction attribute, if any (it applies to media sections without one). */
  readonly direction: Direction | undefined
  readonly attributes: ReadonlyArray<Attribute>
  readonly media: ReadonlyArray<MediaDescription>
}

/**
 * An SDP that cannot be read or accepted. `status` is what a SIP server should answer when it arrived in a
 * request: 400 for a body that is not SDP, 488 (Not Acceptable Here) for SDP whose offer/answer rules fail.
 */
export interface SdpError {
  readonly _tag: "SdpError"
  readonly reason: string
  /** 1-based line number of the fault, 0 when it is not about one line. */
  readonly line: number
  readonly status: 400 | 488
}

export const makeSdpError = (reason: string, line = 0, status: 400 | 488 = 400): SdpError => ({
  _tag: "SdpError",
  reason,
  line,
  status,
})

export const isDirection = (value: string): value is Direction =>
  value === "sendrecv" || value === "sendonly" || value === "recvonly" || value === "inactive"

/** A media section with nothing but its m= line; spread it and fill what you need. */
export const emptyMedia = (type: string, port: number, protocol: string): MediaDescription => ({
  type,
  port,
  portCount: undefined,
  protocol,
  formats: [],
  info: undefined,
  connection: undefined,
  bandwidths: [],
  key: undefined,
  rtpmaps: [],
  fmtps: [],
  ptime: undefined,
  maxptime: undefined,
  direction: undefined,
  rtcp: undefined,
  attributes: [],
})
