/**
 * printSdp — `SessionDescription` → SDP text, CRLF line ends, lines in the order RFC 8866 §5 requires
 * (v o s i u e p c b t r z k a, then per media m i c b k a).
 *
 * Within a media section the typed attributes come first — each rtpmap followed by the fmtp of the same
 * payload type, then fmtps without an rtpmap, rtcp, ptime, maxptime, the direction — and then every other
 * attribute in its original order. `parseSdp(printSdp(d))` gives `d` back for any description `parseSdp` made.
 * (sdp-transform's writer formats the o= version and the m= port with `%d`, which loses 64-bit versions and
 * `port/count`; this printer writes the digits as they are.)
 */
import type {
  Attribute,
  Bandwidth,
  Connection,
  MediaDescription,
  Origin,
  SessionDescription,
} from "./SessionDescription.js"

const origin = (o: Origin): string =>
  `o=${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}`

const connection = (c: Connection | undefined): ReadonlyArray<string> =>
  c === undefined ? [] : [`c=${c.netType} ${c.addrType} ${c.address}`]

const bandwidths = (list: ReadonlyArray<Bandwidth>): ReadonlyArray<string> =>
  list.map((b) => `b=${b.type}:${b.value}`)

const optional = (type: string, value: string | undefined): ReadonlyArray<string> =>
  value === undefined ? [] : [`${type}=${value}`]

const attribute = (a: Attribute): string => (a.value === undefined ? `a=${a.name}` : `a=${a.name}:${a.value}`)

const mediaAttributes = (m: MediaDescription): ReadonlyArray<string> => {
  const lines: Array<string> = []
  for (const r of m.rtpmaps) {
    lines.push(
      `a=rtpmap:${r.payloadType} ${r.encoding}/${r.clockRate}${r.channels === undefined ? "" : `/${r.channels}`}`,
    )
    for (const f of m.fmtps)
      if (f.payloadType === r.payloadType) lines.push(`a=fmtp:${f.payloadType} ${f.parameters}`)
  }
  for (const f of m.fmtps) {
    if (!m.rtpmaps.some((r) => r.payloadType === f.payloadType))
      lines.push(`a=fmtp:${f.payloadType} ${f.parameters}`)
  }
  if (m.rtcp !== undefined) {
    const c = m.rtcp.connection
    lines.push(`a=rtcp:${m.rtcp.port}${c === undefined ? "" : ` ${c.netType} ${c.addrType} ${c.address}`}`)
  }
  if (m.ptime !== undefined) lines.push(`a=ptime:${m.ptime}`)
  if (m.maxptime !== undefined) lines.push(`a=maxptime:${m.maxptime}`)
  if (m.direction !== undefined) lines.push(`a=${m.direction}`)
  lines.push(...m.attributes.map(attribute))
  return lines
}

const media = (m: MediaDescription): ReadonlyArray<string> => [
  `m=${m.type} ${m.port}${m.portCount === undefined ? "" : `/${m.portCount}`} ${m.protocol}${m.formats.map((f) => ` ${f}`).join("")}`,
  ...optional("i", m.info),
  ...connection(m.connection),
  ...bandwidths(m.bandwidths),
  ...optional("k", m.key),
  ...mediaAttributes(m),
]

/** Writes the lines of a description, each ended by CRLF. */
export const printSdp = (d: SessionDescription): string => {
  const lines = [
    `v=${d.version}`,
    origin(d.origin),
    // RFC 8866 §5.3: "s= " (a single space) when there is no name; parseSdp reads it back as "".
    `s=${d.name === "" ? " " : d.name}`,
    ...optional("i", d.info),
    ...optional("u", d.uri),
    ...d.emails.map((e) => `e=${e}`),
    ...d.phones.map((p) => `p=${p}`),
    ...connection(d.connection),
    ...bandwidths(d.bandwidths),
    ...d.timing.flatMap((t) => [`t=${t.start} ${t.stop}`, ...t.repeats.map((r) => `r=${r}`)]),
    ...optional("z", d.timezones),
    ...optional("k", d.key),
    ...(d.direction === undefined ? [] : [`a=${d.direction}`]),
    ...d.attributes.map(attribute),
    ...d.media.flatMap(media),
  ]
  return lines.map((line) => `${line}\r\n`).join("")
}
