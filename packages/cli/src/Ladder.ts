/**
 * Ladder — the diagram `sip` prints of what crossed the wire: one arrow per message between lanes (the parties),
 * the time, the first line, and the headers that matter. `--json` gives one object per message instead.
 *
 * Pure: text in, text out. It never writes to a terminal, reads a clock or decides about colour — the caller
 * passes `color` (true only when stdout is a TTY) and the time of each event.
 */
import { getHeaderValues, headerKey, type SipMessage } from "@sipkit/codec"

/** One message seen on the wire. */
export interface LadderEvent {
  /** Milliseconds since the start of the ladder. */
  readonly at: number
  /** Where it came from and where it went: an address (`127.0.0.1:5060`) or a party name (`alice`). */
  readonly from: string
  readonly to: string
  readonly message: SipMessage
}

/** A column of the diagram: a party, the addresses it is known by; `other` takes every address nobody names. */
export interface Lane {
  readonly name: string
  readonly addresses: ReadonlyArray<string>
  readonly other?: boolean
}

export interface LadderOptions {
  readonly lanes: ReadonlyArray<Lane>
  readonly color: boolean
  /** Characters per lane (default 18). */
  readonly laneWidth?: number
}

/** The two-lane view of one endpoint: itself on the left, whoever it talks to on the right. */
export const localLanes = (local: string, name = "sip"): ReadonlyArray<Lane> => [
  { name, addresses: [local] },
  { name: "peer", addresses: [], other: true },
]

const defaultLaneWidth = 18
const timeWidth = 9

const ansi = (code: string) => (text: string) => `\u001b[${code}m${text}\u001b[0m`
const paint = {
  request: ansi("36"),
  provisional: ansi("33"),
  success: ansi("32"),
  failure: ansi("31"),
  dim: ansi("2"),
  bold: ansi("1"),
} as const

type Tone = "request" | "provisional" | "success" | "failure"

const toneOf = (message: SipMessage): Tone => {
  switch (message._tag) {
    case "Request":
      return "request"
    case "Response":
      return message.status < 200 ? "provisional" : message.status < 300 ? "success" : "failure"
  }
}

/** `INVITE sip:bob@example.com SIP/2.0` or `SIP/2.0 180 Ringing`. */
export const firstLine = (message: SipMessage): string => {
  switch (message._tag) {
    case "Request":
      return `${message.method} ${message.uri} ${message.version}`
    case "Response":
      return `${message.version} ${message.status} ${message.reason}`.trimEnd()
  }
}

/** The word on the arrow: the method, or the status code and reason. */
const arrowLabel = (message: SipMessage): string => {
  switch (message._tag) {
    case "Request":
      return message.method
    case "Response":
      return `${message.status} ${message.reason}`.trimEnd()
  }
}

/** The headers worth seeing in a ladder, in the order they are shown. */
export const headersThatMatter: ReadonlyArray<string> = [
  "Via",
  "Route",
  "Record-Route",
  "From",
  "To",
  "Call-ID",
  "CSeq",
  "Contact",
  "Expires",
  "WWW-Authenticate",
  "Proxy-Authenticate",
  "Authorization",
  "Proxy-Authorization",
  "Allow",
  "Reason",
  "Content-Type",
]

const maxValue = 100

const clip = (text: string, width: number): string =>
  text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`

const textDecoder = new TextDecoder()

/** One line about the body: the SDP's connection and media lines, or its size and type. */
export const bodySummary = (message: SipMessage): string | undefined => {
  if (message.body.length === 0) return undefined
  const type = (getHeaderValues(message, "Content-Type")[0] ?? "").toLowerCase()
  if (type.startsWith("application/sdp")) {
    const lines = textDecoder
      .decode(message.body)
      .split(/\r?\n/)
      .filter((line) => line.startsWith("c=") || line.startsWith("m="))
    return `SDP ${lines.join("  ")}`
  }
  return `body ${message.body.length} bytes${type === "" ? "" : ` (${type})`}`
}

/** The detail lines under an arrow: `Name: value` for each header that matters, then the body summary. */
export const detailLines = (message: SipMessage): ReadonlyArray<string> => {
  const lines: Array<string> = []
  for (const name of headersThatMatter) {
    const key = headerKey(name)
    for (const field of message.headers)
      if (headerKey(field.name) === key) lines.push(clip(`${name}: ${field.value}`, maxValue))
  }
  const body = bodySummary(message)
  if (body !== undefined) lines.push(clip(body, maxValue))
  return lines
}

const laneIndex = (lanes: ReadonlyArray<Lane>, party: string): number => {
  const named = lanes.findIndex((lane) => lane.name === party || lane.addresses.includes(party))
  if (named >= 0) return named
  const other = lanes.findIndex((lane) => lane.other === true)
  return other >= 0 ? other : 0
}

const center = (index: number, width: number) => index * width + Math.floor(width / 2)

/** The lanes with nothing crossing them: a `│` at each lane's centre. */
const idleRow = (lanes: number, width: number): Array<string> => {
  const row = Array.from({ length: lanes * width }, () => " ")
  for (let lane = 0; lane < lanes; lane++) row[center(lane, width)] = "│"
  return row
}

/** The arrow row: `│── INVITE ───▶│` between the two lanes, `│` elsewhere. */
const arrowRow = (from: number, to: number, label: string, lanes: number, width: number): string => {
  const row = idleRow(lanes, width)
  if (from === to) {
    const at = center(from, width) + 1
    const text = `⟲ ${label}`
    for (let i = 0; i < text.length && at + i < row.length; i++) row[at + i] = text[i] ?? " "
    return row.join("")
  }
  const left = Math.min(center(from, width), center(to, width))
  const right = Math.max(center(from, width), center(to, width))
  for (let i = left + 1; i < right; i++) row[i] = "─"
  if (to > from) row[right - 1] = "▶"
  else row[left + 1] = "◀"
  const room = right - left - 5
  const text = ` ${clip(label, Math.max(1, room))} `
  const start = left + 3
  if (room > 0) for (let i = 0; i < text.length; i++) row[start + i] = text[i] ?? " "
  return row.join("")
}

const formatTime = (ms: number): string => (ms / 1000).toFixed(3).padStart(timeWidth - 1)

/** The title row: the lane names centred over their lanes. */
export const formatLadderHeader = (options: LadderOptions): string => {
  const width = options.laneWidth ?? defaultLaneWidth
  const row = Array.from({ length: options.lanes.length * width }, () => " ")
  options.lanes.forEach((lane, index) => {
    const name = clip(lane.name, width - 1)
    const start = Math.max(0, center(index, width) - Math.floor(name.length / 2))
    for (let i = 0; i < name.length; i++) row[start + i] = name[i] ?? " "
  })
  const text = `${"time (s)".padStart(timeWidth - 1)} ${row.join("").trimEnd()}`
  return options.color ? paint.bold(text) : text
}

/**
 * One event as text: the arrow row with the time and the first line, then one row per header that matters.
 * Lines are joined by `\n`, without a trailing newline.
 */
export const formatLadderEvent = (event: LadderEvent, options: LadderOptions): string => {
  const width = options.laneWidth ?? defaultLaneWidth
  const lanes = options.lanes.length
  const from = laneIndex(options.lanes, event.from)
  const to = laneIndex(options.lanes, event.to)
  const tone = toneOf(event.message)
  const colour = (text: string) => (options.color ? paint[tone](text) : text)
  const dim = (text: string) => (options.color ? paint.dim(text) : text)
  const route = `${event.from} → ${event.to}`
  const arrow = arrowRow(from, to, arrowLabel(event.message), lanes, width)
  const head = `${formatTime(event.at)} ${colour(arrow)}  ${colour(firstLine(event.message))}  ${dim(route)}`
  const gutter = `${" ".repeat(timeWidth)}${idleRow(lanes, width).join("")}  `
  const details = detailLines(event.message).map((line) => `${gutter}${dim(line)}`)
  return [head, ...details].join("\n")
}

/** The `--json` form of one event: everything about the message, one object per line. */
export interface LadderJson {
  readonly type: "message"
  readonly at: number
  readonly from: string
  readonly to: string
  readonly kind: "request" | "response"
  readonly firstLine: string
  readonly method?: string
  readonly uri?: string
  readonly status?: number
  readonly reason?: string
  readonly headers: ReadonlyArray<{ readonly name: string; readonly value: string }>
  readonly body: string
}

export const ladderEventJson = (event: LadderEvent): LadderJson => {
  const common = {
    type: "message" as const,
    at: Math.round(event.at * 1000) / 1000,
    from: event.from,
    to: event.to,
    firstLine: firstLine(event.message),
    headers: event.message.headers.map(({ name, value }) => ({ name, value })),
    body: textDecoder.decode(event.message.body),
  }
  switch (event.message._tag) {
    case "Request":
      return { ...common, kind: "request", method: event.message.method, uri: event.message.uri }
    case "Response":
      return { ...common, kind: "response", status: event.message.status, reason: event.message.reason }
  }
}
