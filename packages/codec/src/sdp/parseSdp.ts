/**
 * parseSdp — SDP text → `SessionDescription` (RFC 8866 §5, §9 grammar), or an `SdpError` value.
 *
 * The line grammar follows sdp-transform's `lib/grammar.js` (one regular expression per line type), made strict:
 * sdp-transform skips a line it cannot match and keeps going, which is right for a WebRTC toolkit but would let
 * a SIP server answer a body it misread. Here a required line that is missing or malformed is an error with
 * its line number and status 400. Unknown `a=` attributes are kept verbatim; an unknown line letter is an error
 * (RFC 8866 §5: "an SDP parser MUST completely ignore or reject any session description that contains a type
 * letter that it does not understand" — we reject).
 */
import { err, ok, type Result } from "../Result.js"
import {
  type Attribute,
  type Bandwidth,
  type Connection,
  emptyMedia,
  isDirection,
  type MediaDescription,
  makeSdpError,
  type Origin,
  type SdpError,
  type SessionDescription,
  type Timing,
} from "./SessionDescription.js"

// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>   o=- 20518 0 IN IP4 203.0.113.1
const ORIGIN = /^(\S+) (\d+) (\d+) (\S+) (\S+) (\S+)$/
// c=<nettype> <addrtype> <connection-address>                                     c=IN IP4 10.47.197.26
const CONNECTION = /^(\S+) (\S+) (\S+)$/
// b=<bwtype>:<bandwidth>                                                          b=AS:4000
const BANDWIDTH = /^([\w.-]+):(\d+)$/
// t=<start-time> <stop-time>                                                      t=0 0
const TIMING = /^(\d+) (\d+)$/
// m=<media> <port>[/<number of ports>] <proto> <fmt> ...                          m=audio 49170 RTP/AVP 0 8 97
const MEDIA = /^(\S+) (\d+)(?:\/(\d+))? (\S+)((?: \S+)*)$/
// a=<attribute-name>[:<attribute-value>]                                          a=rtpmap:0 PCMU/8000
const ATTRIBUTE = /^([^:\s]+)(?::(.*))?$/
// a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]    a=rtpmap:97 opus/48000/2
const RTPMAP = /^(\d+) ([^/\s]+)\/(\d+)(?:\/(\d+))?$/
// a=fmtp:<format> <format specific parameters>                                    a=fmtp:101 0-15
const FMTP = /^(\d+) (.*)$/
// a=rtcp:<port> [<nettype> <addrtype> <connection-address>]                       a=rtcp:53020 IN IP4 126.16.64.4
const RTCP = /^(\d+)(?: (\S+) (\S+) (\S+))?$/
// a=ptime:<packet time>  a=maxptime:<maximum packet time>                         a=ptime:20
const PTIME = /^\d+(?:\.\d+)?$/

interface Line {
  readonly type: string
  readonly value: string
  readonly number: number
}

type Parsed<A> = Result<A, SdpError>

const fail = (reason: string, line: Line | number): Parsed<never> =>
  err(makeSdpError(reason, typeof line === "number" ? line : line.number))

/** Splits the body into `x=value` lines; CRLF and bare LF both end a line (RFC 8866 §5 tolerance). */
const splitLines = (text: string): Parsed<ReadonlyArray<Line>> => {
  const raw = text.split(/\r?\n/)
  while (raw.length > 0 && raw[raw.length - 1] === "") raw.pop()
  const lines: Array<Line> = []
  for (const [index, content] of raw.entries()) {
    // Trailing blanks are not SDP, but some stacks send them; they carry no meaning, so they are dropped.
    const match = /^([a-z])=(.*?)[ \t]*$/.exec(content)
    if (match === null) return fail(`not an SDP line: ${JSON.stringify(content.slice(0, 40))}`, index + 1)
    lines.push({ type: match[1]!, value: match[2]!, number: index + 1 })
  }
  return ok(lines)
}

const parseOrigin = (line: Line): Parsed<Origin> => {
  const m = ORIGIN.exec(line.value)
  if (m === null)
    return fail("o= needs <username> <sess-id> <sess-version> <nettype> <addrtype> <address>", line)
  return ok({
    username: m[1]!,
    sessionId: m[2]!,
    sessionVersion: m[3]!,
    netType: m[4]!,
    addrType: m[5]!,
    address: m[6]!,
  })
}

const parseConnection = (line: Line): Parsed<Connection> => {
  const m = CONNECTION.exec(line.value)
  if (m === null) return fail("c= needs <nettype> <addrtype> <connection-address>", line)
  return ok({ netType: m[1]!, addrType: m[2]!, address: m[3]! })
}

const parseBandwidth = (line: Line): Parsed<Bandwidth> => {
  const m = BANDWIDTH.exec(line.value)
  if (m === null) return fail("b= needs <bwtype>:<bandwidth>", line)
  return ok({ type: m[1]!, value: Number(m[2]) })
}

const parseAttribute = (line: Line): Parsed<Attribute> => {
  const m = ATTRIBUTE.exec(line.value)
  if (m === null) return fail("a= needs <attribute-name>[:<value>]", line)
  return ok({ name: m[1]!, value: m[2] })
}

/** Mutable builder for one m= section while its lines are read. */
type MediaDraft = { -readonly [K in keyof MediaDescription]: MediaDescription[K] }

const parseMediaLine = (line: Line): Parsed<MediaDraft> => {
  const m = MEDIA.exec(line.value)
  if (m === null) return fail("m= needs <media> <port> <proto> <fmt> ...", line)
  const port = Number(m[2])
  if (port > 65535) return fail(`m= port out of range: ${port}`, line)
  const formats = m[5]!.split(" ").filter((format) => format !== "")
  return ok({
    ...emptyMedia(m[1]!, port, m[4]!),
    portCount: m[3] === undefined ? undefined : Number(m[3]),
    formats,
  })
}

/** Types the attributes offer/answer needs; anything else (or a second copy) stays an `Attribute`. */
const addMediaAttribute = (media: MediaDraft, attribute: Attribute): void => {
  const value = attribute.value ?? ""
  const name = attribute.name
  const rtpmap = name === "rtpmap" ? RTPMAP.exec(value) : null
  const fmtp = name === "fmtp" ? FMTP.exec(value) : null
  const rtcp = name === "rtcp" && media.rtcp === undefined ? RTCP.exec(value) : null
  if (rtpmap !== null && !media.rtpmaps.some((r) => r.payloadType === Number(rtpmap[1]))) {
    const channels = rtpmap[4] === undefined ? undefined : Number(rtpmap[4])
    const entry = {
      payloadType: Number(rtpmap[1]),
      encoding: rtpmap[2]!,
      clockRate: Number(rtpmap[3]),
      channels,
    }
    media.rtpmaps = [...media.rtpmaps, entry]
  } else if (fmtp !== null) {
    media.fmtps = [...media.fmtps, { payloadType: Number(fmtp[1]), parameters: fmtp[2]! }]
  } else if (rtcp !== null) {
    const connection =
      rtcp[2] === undefined ? undefined : { netType: rtcp[2], addrType: rtcp[3]!, address: rtcp[4]! }
    media.rtcp = { port: Number(rtcp[1]), connection }
  } else if (name === "ptime" && media.ptime === undefined && PTIME.test(value)) {
    media.ptime = Number(value)
  } else if (name === "maxptime" && media.maxptime === undefined && PTIME.test(value)) {
    media.maxptime = Number(value)
  } else if (isDirection(name) && attribute.value === undefined && media.direction === undefined) {
    media.direction = name
  } else {
    media.attributes = [...media.attributes, attribute]
  }
}

const addMediaLine = (media: MediaDraft, line: Line): Parsed<void> => {
  switch (line.type) {
    case "i":
      if (media.info !== undefined) return fail("second i= line in a media section", line)
      media.info = line.value
      return ok(undefined)
    case "c": {
      // RFC 8866 §5.7 allows several c= lines for multicast layers; the view keeps the first.
      const connection = parseConnection(line)
      if (connection._tag === "Err") return connection
      media.connection ??= connection.value
      return ok(undefined)
    }
    case "b": {
      const bandwidth = parseBandwidth(line)
      if (bandwidth._tag === "Err") return bandwidth
      media.bandwidths = [...media.bandwidths, bandwidth.value]
      return ok(undefined)
    }
    case "k":
      media.key = line.value
      return ok(undefined)
    case "a": {
      const attribute = parseAttribute(line)
      if (attribute._tag === "Err") return attribute
      addMediaAttribute(media, attribute.value)
      return ok(undefined)
    }
  }
  return fail(`${line.type}= is not allowed in a media section`, line)
}

type SessionDraft = { -readonly [K in keyof SessionDescription]: SessionDescription[K] }

const addSessionLine = (session: SessionDraft, line: Line): Parsed<void> => {
  switch (line.type) {
    case "i":
      if (session.info !== undefined) return fail("second i= line at session level", line)
      session.info = line.value
      return ok(undefined)
    case "u":
      if (session.uri !== undefined) return fail("second u= line", line)
      session.uri = line.value
      return ok(undefined)
    case "e":
      session.emails = [...session.emails, line.value]
      return ok(undefined)
    case "p":
      session.phones = [...session.phones, line.value]
      return ok(undefined)
    case "c": {
      if (session.connection !== undefined) return fail("second c= line at session level", line)
      const connection = parseConnection(line)
      if (connection._tag === "Err") return connection
      session.connection = connection.value
      return ok(undefined)
    }
    case "b": {
      const bandwidth = parseBandwidth(line)
      if (bandwidth._tag === "Err") return bandwidth
      session.bandwidths = [...session.bandwidths, bandwidth.value]
      return ok(undefined)
    }
    case "t": {
      const m = TIMING.exec(line.value)
      if (m === null) return fail("t= needs <start-time> <stop-time>", line)
      const timing: Timing = { start: Number(m[1]), stop: Number(m[2]), repeats: [] }
      session.timing = [...session.timing, timing]
      return ok(undefined)
    }
    case "r": {
      const last = session.timing[session.timing.length - 1]
      if (last === undefined) return fail("r= before any t= line", line)
      const repeated: Timing = { ...last, repeats: [...last.repeats, line.value] }
      session.timing = [...session.timing.slice(0, -1), repeated]
      return ok(undefined)
    }
    case "z":
      session.timezones = line.value
      return ok(undefined)
    case "k":
      session.key = line.value
      return ok(undefined)
    case "a": {
      const attribute = parseAttribute(line)
      if (attribute._tag === "Err") return attribute
      const { name, value } = attribute.value
      if (isDirection(name) && value === undefined && session.direction === undefined)
        session.direction = name
      else session.attributes = [...session.attributes, attribute.value]
      return ok(undefined)
    }
  }
  return fail(`unknown or misplaced line type ${line.type}=`, line)
}

/** v=, o=, s= must open the body, in this order (RFC 8866 §5). */
const parseHead = (lines: ReadonlyArray<Line>): Parsed<SessionDraft> => {
  const [v, o, s] = lines
  if (v?.type !== "v" || v.value !== "0") return fail("SDP must start with v=0", 1)
  if (o?.type !== "o") return fail("o= must follow v=", 2)
  const origin = parseOrigin(o)
  if (origin._tag === "Err") return origin
  if (s?.type !== "s") return fail("s= must follow o=", 3)
  return ok({
    version: 0,
    origin: origin.value,
    name: s.value,
    info: undefined,
    uri: undefined,
    emails: [],
    phones: [],
    connection: undefined,
    bandwidths: [],
    timing: [],
    timezones: undefined,
    key: undefined,
    direction: undefined,
    attributes: [],
    media: [],
  })
}

/** A media section that is in use needs a connection address, its own or the session's (RFC 8866 §5.7). */
const checkConnections = (session: SessionDraft, mediaLines: ReadonlyArray<Line>): Parsed<void> => {
  if (session.connection !== undefined) return ok(undefined)
  for (const [index, media] of session.media.entries()) {
    if (media.connection === undefined && media.port !== 0) {
      return fail("c= is missing at session level and in this media section", mediaLines[index]!)
    }
  }
  return ok(undefined)
}

/** Parses one SDP body. Never throws: malformed input gives `Err(SdpError)` with status 400. */
export const parseSdp = (text: string): Result<SessionDescription, SdpError> => {
  const split = splitLines(text)
  if (split._tag === "Err") return split
  const lines = split.value
  const head = parseHead(lines)
  if (head._tag === "Err") return head
  const session = head.value
  const media: Array<MediaDraft> = []
  const mediaLines: Array<Line> = []
  for (const line of lines.slice(3)) {
    const current = media[media.length - 1]
    if (line.type === "m") {
      const section = parseMediaLine(line)
      if (section._tag === "Err") return section
      media.push(section.value)
      mediaLines.push(line)
      continue
    }
    const added = current === undefined ? addSessionLine(session, line) : addMediaLine(current, line)
    if (added._tag === "Err") return added
  }
  if (session.timing.length === 0) return fail("t= is missing", 0)
  session.media = media
  const connections = checkConnections(session, mediaLines)
  if (connections._tag === "Err") return connections
  return ok(session)
}
