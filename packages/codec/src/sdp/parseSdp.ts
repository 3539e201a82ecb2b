/**
 * parseSdp — SDP text → `SessionDescription` (RFC 8866 §5, §9 grammar), or an `SdpError` value.
 *
 * The grammar is sdp-transform's (`lib/grammar.js`: one regular expression per line type, through its `parse`):
 * the origin, the connections, bandwidths and t= lines, the m= line (media, port, protocol, fmt list) and the
 * rtpmap, fmtp, rtcp, ptime, maxptime and direction attributes are what it reads. Each line is given to it alone,
 * so that every reading belongs to one line: over a whole body its object keeps only the last of a repeated line
 * (t=, c=, a=ptime, the direction), groups attributes by kind, and drops what it cannot match without a trace.
 *
 * What this module adds, and why:
 * - strictness. sdp-transform is built to take whatever a browser sends: it skips a line none of its rules match,
 *   and its rules match a prefix of a line. A SIP server must not answer a body it misread, so a line counts as
 *   read only when the rule sdp-transform applied matched all of it (`readWhole`, with `sdpTransform.grammar`).
 *   v=0, o=, s= open the body in this order, at least one t= follows, and a malformed o=, c=, b=, t= or m= line
 *   is an error with its line number and status 400. An a= line in sdp-transform's `invalid` (no rule matched) is
 *   kept as an unknown attribute when it has the `<name>[:<value>]` shape of RFC 8866 §5.13, and is an error
 *   otherwise; a typed attribute read only in part (`a=rtpmap:0 PCMU/8000 x`) stays an unknown attribute. An
 *   unknown line letter is an error (RFC 8866 §5: "an SDP parser MUST completely ignore or reject any session
 *   description that contains a type letter that it does not understand" — we reject).
 * - o= needs its six fields (RFC 8866 §5.2; sdp-transform's rule would take a longer line), and the session
 *   version is the digits of the line: sdp-transform reads "18446744073709552000" as the number 2^64, another
 *   integer, and its writer cannot write back a version above 2^53 (see printSdp.ts).
 * - the m= `/<number of ports>`: sdp-transform's m= rule has none (`m=audio 49170/2 …` does not match it), so the
 *   port and count are read from the text, and the rest of the line by sdp-transform with the count taken out.
 * - b= types other than TIAS, AS, CT, RR and RS (RFC 8866 §5.8 allows any token, X-… for experiments; read whole
 *   as `<bwtype>:<digits>`) and k= (no rule in sdp-transform; RFC 8866 §5.12 made it obsolete) are read from
 *   the text.
 * - the text itself: `printSdp` prints a parsed, unchanged description as the lines it was read from.
 */
import { err, ok, type Result } from "../Result.js"
import { keepSource } from "./printSdp.js"
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
import {
  type Loose,
  readLine,
  readWhole,
  type TransformRtcp,
  type TransformRtp,
  type TransformSession,
} from "./transformShape.js"

// a=<attribute-name>[:<attribute-value>] (RFC 8866 §5.13)                        a=setup:actpass
const ATTRIBUTE = /^([^:\s]+)(?::(.*))?$/
// m=<media> <port>[/<number of ports>] …: the port field                         49170/2
const PORT = /^(\d+)(?:\/(\d+))?$/
// b=<bwtype>:<bandwidth>, for the types sdp-transform does not know              b=X-YZ:12
const BANDWIDTH = /^([\w.-]+):(\d+)$/

interface Line {
  readonly type: string
  /** The value without trailing blanks. */
  readonly value: string
  /** `<type>=<value>`: what sdp-transform reads. */
  readonly text: string
  readonly number: number
}

type Parsed<A> = Result<A, SdpError>

const fail = (reason: string, line: Line | number): Parsed<never> =>
  err(makeSdpError(reason, typeof line === "number" ? line : line.number))

const integer = (value: Loose | undefined): number | undefined =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined

const decimal = (value: Loose | undefined): number | undefined =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined

/**
 * Splits the body into `x=value` lines; CRLF and bare LF both end a line (RFC 8866 §5 tolerance). Gives the lines
 * as read and the lines as they came (for printSdp).
 */
const splitLines = (
  text: string,
): Parsed<{ readonly lines: ReadonlyArray<Line>; readonly source: ReadonlyArray<string> }> => {
  const source = text.split(/\r?\n/)
  while (source.length > 0 && source[source.length - 1] === "") source.pop()
  const lines: Array<Line> = []
  for (const [index, content] of source.entries()) {
    // Trailing blanks are not SDP, but some stacks send them; they carry no meaning, so they are not read.
    const match = /^([a-z])=(.*?)[ \t]*$/.exec(content)
    if (match === null) return fail(`not an SDP line: ${JSON.stringify(content.slice(0, 40))}`, index + 1)
    const [, type, value] = match as unknown as [string, string, string]
    lines.push({ type, value, text: `${type}=${value}`, number: index + 1 })
  }
  return ok({ lines, source })
}

const parseOrigin = (line: Line): Parsed<Origin> => {
  const fields = line.value.split(" ")
  const origin = readLine(line.text).origin
  if (origin === undefined || fields.length !== 6 || fields.includes(""))
    return fail("o= needs <username> <sess-id> <sess-version> <nettype> <addrtype> <address>", line)
  return ok({
    username: String(origin.username),
    sessionId: String(origin.sessionId),
    sessionVersion: fields[2]!,
    netType: String(origin.netType),
    addrType: `IP${origin.ipVer}`,
    address: String(origin.address),
  })
}

const parseConnection = (line: Line): Parsed<Connection> => {
  const c = readWhole(line.text)?.connection
  if (c === undefined)
    return fail("c= needs <nettype> <addrtype> <connection-address> (IN IP4 or IN IP6)", line)
  return ok({ netType: "IN", addrType: `IP${c.version}`, address: String(c.ip) })
}

/** RFC 8866 §5.8; sdp-transform's rule reads TIAS, AS, CT, RR and RS, other types are read from the text. */
const parseBandwidth = (line: Line): Parsed<Bandwidth> => {
  const [read] = readWhole(line.text)?.bandwidth ?? []
  const text = BANDWIDTH.exec(line.value)
  const b = read ?? (text === null ? undefined : { type: text[1]!, limit: text[2]! })
  if (b === undefined || !/^\d+$/.test(String(b.limit))) return fail("b= needs <bwtype>:<bandwidth>", line)
  return ok({ type: String(b.type), value: Number(b.limit) })
}

const parseTiming = (line: Line): Parsed<Timing> => {
  const timing = readWhole(line.text)?.timing
  const start = integer(timing?.start)
  const stop = integer(timing?.stop)
  if (start === undefined || stop === undefined) return fail("t= needs <start-time> <stop-time>", line)
  return ok({ start, stop, repeats: [] })
}

/** Every a= line has the RFC 8866 §5.13 shape, sdp-transform's `invalid` ones included; the text is kept. */
const parseAttribute = (line: Line): Parsed<Attribute> => {
  const m = ATTRIBUTE.exec(line.value)
  if (m === null) return fail("a= needs <attribute-name>[:<value>]", line)
  return ok({ name: m[1]!, value: m[2] })
}

/** Mutable builder for one m= section while its lines are read. */
type MediaDraft = { -readonly [K in keyof MediaDescription]: MediaDescription[K] }

const parseMediaLine = (line: Line): Parsed<MediaDraft> => {
  const [type = "", ports = "", ...rest] = line.value.split(" ")
  const [, port, count] = PORT.exec(ports) ?? []
  // sdp-transform reads the line with the port count taken out; port and count are the line's digits.
  const [m] = port === undefined ? [] : (readWhole(`m=${[type, port, ...rest].join(" ")}`)?.media ?? [])
  if (port === undefined || rest.length === 0 || m?.protocol === undefined)
    return fail("m= needs <media> <port> <proto> <fmt> ...", line)
  if (Number(port) > 65535) return fail(`m= port out of range: ${port}`, line)
  const formats = m.payloads === undefined ? [] : String(m.payloads).split(" ")
  return ok({
    ...emptyMedia(String(m.type), Number(port), String(m.protocol)),
    portCount: count === undefined ? undefined : Number(count),
    formats: formats.filter((f) => f !== ""),
  })
}

/** The first rtpmap of a payload type is typed; a second one for the same number stays an attribute. */
const addRtpmap = (media: MediaDraft, rtp: TransformRtp): boolean => {
  const payloadType = integer(rtp.payload)
  const clockRate = integer(rtp.rate)
  const channels = integer(rtp.encoding)
  const encoding = String(rtp.codec)
  if (payloadType === undefined || clockRate === undefined || encoding === "") return false
  if (
    (rtp.encoding !== undefined && channels === undefined) ||
    media.rtpmaps.some((r) => r.payloadType === payloadType)
  )
    return false
  media.rtpmaps = [...media.rtpmaps, { payloadType, encoding, clockRate, channels }]
  return true
}

const addRtcp = (media: MediaDraft, rtcp: TransformRtcp): boolean => {
  const port = integer(rtcp.port)
  if (port === undefined || media.rtcp !== undefined) return false
  const connection =
    rtcp.netType === undefined
      ? undefined
      : { netType: String(rtcp.netType), addrType: `IP${rtcp.ipVer}`, address: String(rtcp.address) }
  media.rtcp = { port, connection }
  return true
}

/** Takes what sdp-transform read into the typed fields; false when the line stays an unknown attribute. */
const typeMediaAttribute = (media: MediaDraft, reading: TransformSession): boolean => {
  const [rtp] = reading.rtp ?? []
  const [fmtp] = reading.fmtp ?? []
  const ptime = decimal(reading.ptime)
  const maxptime = decimal(reading.maxptime)
  const direction = String(reading.direction)
  if (rtp !== undefined) return addRtpmap(media, rtp)
  if (fmtp !== undefined) {
    const payloadType = integer(fmtp.payload)
    if (payloadType === undefined) return false
    media.fmtps = [...media.fmtps, { payloadType, parameters: String(fmtp.config) }]
    return true
  }
  if (reading.rtcp !== undefined) return addRtcp(media, reading.rtcp)
  if (ptime !== undefined && media.ptime === undefined) media.ptime = ptime
  else if (maxptime !== undefined && media.maxptime === undefined) media.maxptime = maxptime
  else if (isDirection(direction) && media.direction === undefined) media.direction = direction
  else return false
  return true
}

const addMediaAttribute = (media: MediaDraft, line: Line): Parsed<void> => {
  const attribute = parseAttribute(line)
  if (attribute._tag === "Err") return attribute
  const reading = readWhole(line.text)
  if (reading !== undefined && reading.invalid === undefined && typeMediaAttribute(media, reading))
    return ok(undefined)
  media.attributes = [...media.attributes, attribute.value]
  return ok(undefined)
}

const addMediaLine = (media: MediaDraft, line: Line): Parsed<void> => {
  switch (line.type) {
    case "i":
      if (media.info !== undefined) return fail("second i= line in a media section", line)
      media.info = String(readLine(line.text).description)
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
    case "a":
      return addMediaAttribute(media, line)
  }
  return fail(`${line.type}= is not allowed in a media section`, line)
}

type SessionDraft = { -readonly [K in keyof SessionDescription]: SessionDescription[K] }

/** The session-level a= lines: the direction is typed, every other attribute kept in order. */
const addSessionAttribute = (session: SessionDraft, line: Line): Parsed<void> => {
  const attribute = parseAttribute(line)
  if (attribute._tag === "Err") return attribute
  const direction = String(readWhole(line.text)?.direction)
  if (isDirection(direction) && session.direction === undefined) session.direction = direction
  else session.attributes = [...session.attributes, attribute.value]
  return ok(undefined)
}

/** The session-level lines sdp-transform reads as plain text (its `(.*)` rules). */
const addTextLine = (session: SessionDraft, line: Line): Parsed<void> => {
  const reading = readLine(line.text)
  switch (line.type) {
    case "i":
      if (session.info !== undefined) return fail("second i= line at session level", line)
      session.info = String(reading.description)
      return ok(undefined)
    case "u":
      if (session.uri !== undefined) return fail("second u= line", line)
      session.uri = String(reading.uri)
      return ok(undefined)
    case "e":
      session.emails = [...session.emails, String(reading.email)]
      return ok(undefined)
    case "p":
      session.phones = [...session.phones, String(reading.phone)]
      return ok(undefined)
    case "z":
      session.timezones = String(reading.timezones)
      return ok(undefined)
  }
  const last = session.timing[session.timing.length - 1]
  if (last === undefined) return fail("r= before any t= line", line)
  const repeated: Timing = { ...last, repeats: [...last.repeats, String(reading.repeats)] }
  session.timing = [...session.timing.slice(0, -1), repeated]
  return ok(undefined)
}

const addSessionLine = (session: SessionDraft, line: Line): Parsed<void> => {
  switch (line.type) {
    case "i":
    case "u":
    case "e":
    case "p":
    case "z":
    case "r":
      return addTextLine(session, line)
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
      const timing = parseTiming(line)
      if (timing._tag === "Err") return timing
      session.timing = [...session.timing, timing.value]
      return ok(undefined)
    }
    case "k":
      session.key = line.value
      return ok(undefined)
    case "a":
      return addSessionAttribute(session, line)
  }
  return fail(`unknown or misplaced line type ${line.type}=`, line)
}

/** v=, o=, s= must open the body, in this order (RFC 8866 §5). */
const parseHead = (lines: ReadonlyArray<Line>): Parsed<SessionDraft> => {
  const [v, o, s] = lines
  if (v?.type !== "v" || readWhole(v.text)?.version !== 0) return fail("SDP must start with v=0", 1)
  if (o?.type !== "o") return fail("o= must follow v=", 2)
  const origin = parseOrigin(o)
  if (origin._tag === "Err") return origin
  if (s?.type !== "s") return fail("s= must follow o=", 3)
  return ok({
    version: 0,
    origin: origin.value,
    name: String(readLine(s.text).name),
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

const parseLines = (lines: ReadonlyArray<Line>): Parsed<SessionDescription> => {
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

/** Parses one SDP body. Never throws: malformed input gives `Err(SdpError)` with status 400. */
export const parseSdp = (text: string): Result<SessionDescription, SdpError> => {
  const split = splitLines(text)
  if (split._tag === "Err") return split
  const parsed = parseLines(split.value.lines)
  if (parsed._tag === "Ok") keepSource(parsed.value, split.value.source)
  return parsed
}
