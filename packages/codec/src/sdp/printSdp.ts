/**
 * printSdp — `SessionDescription` → SDP text, CRLF line ends.
 *
 * Two ways out, one law (`parseSdp(printSdp(d))` gives `d` back):
 * - a description `parseSdp` made and nobody changed prints as the text it was read from, byte for byte (line ends
 *   made CRLF): every line, in its order, unknown attributes and the spelling of known ones included;
 * - any other description (the answers of `negotiate`, the offers of `makeOffer`, a parsed one changed by a
 *   spread) is written by sdp-transform's `write` from `toTransform(d)`, in its grammar's order (RFC 8866 §5:
 *   v o s i u e p c b t r z a, then per media m i c b a; within a= its rules' order — rtpmap, fmtp, rtcp, ptime,
 *   maxptime, the direction — then the attributes it does not type, in their order).
 *
 * On the written text this module adds what sdp-transform's writer cannot say: it formats the o= session version
 * and the m= port with `%d` (`Number(x)`), which loses versions above 2^53 (RFC 8866 §5.2 allows 64 bits; RFC 3264
 * §8 increments them) and has no `/<number of ports>`; so the digits are patched into those two lines. Its object
 * holds one e=, one p=, one t= with one r=, and no k=; further lines of those types are placed where RFC 8866 §5
 * orders them, each one written by sdp-transform where its grammar has a rule.
 */
import type { SessionDescription } from "./SessionDescription.js"
import { type TransformSession, toTransform, writeShape } from "./transformShape.js"

/** The RFC 8866 §5 order of the session-level lines and of the lines of one media section. */
const SESSION_ORDER = "vosiuepcbtrzka"
const MEDIA_ORDER = "micbka"

/** The one line sdp-transform writes for a partial session (its writer adds v= and s=; they are dropped). */
const writeLine = (type: string, shape: Omit<TransformSession, "media">): string =>
  writeShape({ ...shape, media: [] })
    .split("\r\n")
    .find((line) => line.startsWith(`${type}=`))!

/** Inserts `lines` after the last line of `block` whose type comes no later than `upTo` in `order`. */
const insertAfter = (
  block: ReadonlyArray<string>,
  lines: ReadonlyArray<string>,
  order: string,
  upTo: string,
): ReadonlyArray<string> => {
  if (lines.length === 0) return block
  const allowed = order.slice(0, order.indexOf(upTo) + 1)
  const at = block.findLastIndex((line) => allowed.includes(line[0]!)) + 1
  return [...block.slice(0, at), ...lines, ...block.slice(at)]
}

/** Puts `value` in place of the `index`-th space-separated field of an `x=` line. */
const patchField = (line: string, index: number, value: string): string => {
  const fields = line.slice(2).split(" ")
  fields[index] = value
  return `${line.slice(0, 2)}${fields.join(" ")}`
}

const sessionBlock = (d: SessionDescription, written: ReadonlyArray<string>): ReadonlyArray<string> => {
  const [first, ...later] = d.timing
  const timing = [
    ...(first?.repeats.slice(1) ?? []).map((repeats) => writeLine("r", { repeats })),
    ...later.flatMap((t) => [
      writeLine("t", { timing: { start: t.start, stop: t.stop } }),
      ...t.repeats.map((repeats) => writeLine("r", { repeats })),
    ]),
  ]
  // written[1] is the o= line: sdp-transform wrote the version with %d.
  let block: ReadonlyArray<string> = written.map((line, i) =>
    i === 1 ? patchField(line, 2, d.origin.sessionVersion) : line,
  )
  block = insertAfter(
    block,
    d.emails.slice(1).map((email) => writeLine("e", { email })),
    SESSION_ORDER,
    "e",
  )
  block = insertAfter(
    block,
    d.phones.slice(1).map((phone) => writeLine("p", { phone })),
    SESSION_ORDER,
    "p",
  )
  block = insertAfter(block, timing, SESSION_ORDER, "r")
  return insertAfter(block, d.key === undefined ? [] : [`k=${d.key}`], SESSION_ORDER, "k")
}

const mediaBlock = (
  m: SessionDescription["media"][number],
  written: ReadonlyArray<string>,
): ReadonlyArray<string> => {
  const port = m.portCount === undefined ? `${m.port}` : `${m.port}/${m.portCount}`
  const block = written.map((line, i) => (i === 0 ? patchField(line, 1, port).trimEnd() : line))
  return insertAfter(block, m.key === undefined ? [] : [`k=${m.key}`], MEDIA_ORDER, "k")
}

/** Splits written lines at each m= line: the session's lines, then one block per media section. */
const blocks = (lines: ReadonlyArray<string>): ReadonlyArray<ReadonlyArray<string>> => {
  const result: Array<Array<string>> = [[]]
  for (const line of lines) {
    if (line.startsWith("m=")) result.push([])
    result[result.length - 1]!.push(line)
  }
  return result
}

/** Writes a description through sdp-transform (see the module comment); never the remembered text. */
export const writeSdp = (d: SessionDescription): string => {
  const lines = writeShape(toTransform(d)).split("\r\n").slice(0, -1)
  const [session = [], ...media] = blocks(lines)
  const all = [...sessionBlock(d, session), ...media.flatMap((block, i) => mediaBlock(d.media[i]!, block))]
  return all.map((line) => `${line}\r\n`).join("")
}

interface Source {
  /** The lines as they came, joined with CRLF. */
  readonly text: string
  /** The description as JSON when it was parsed, to tell that it has not been changed since. */
  readonly snapshot: string
}

/**
 * The texts of parsed descriptions, by object. A spread (`{ ...d, media }`) makes a new object, which prints
 * through the writer; the same object prints its text only while its JSON is what it was when parsed (the view
 * is readonly, but a cast can change it in place).
 */
const sources = new WeakMap<SessionDescription, Source>()

/** Called by `parseSdp`: `d` was read from `lines`. */
export const keepSource = (d: SessionDescription, lines: ReadonlyArray<string>): void => {
  sources.set(d, { text: lines.map((line) => `${line}\r\n`).join(""), snapshot: JSON.stringify(d) })
}

/** The text of a description, CRLF line ends: the text it was parsed from while unchanged, else `writeSdp(d)`. */
export const printSdp = (d: SessionDescription): string => {
  const source = sources.get(d)
  return source !== undefined && source.snapshot === JSON.stringify(d) ? source.text : writeSdp(d)
}
