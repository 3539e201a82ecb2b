/**
 * fuzzMutations — what the fuzz driver (fuzzListen.ts) does to a real message: a byte replaced, text inserted (from
 * `nasty`: separators, line breaks, overlarge numbers, whole header lines), a range deleted, a line dropped, doubled
 * or moved, the tail cut. Positions are fractions of the message, drawn without fast-check's bias towards 0 (which
 * put most mutations in the start line).
 */
import fc from "fast-check"

const nasty = [
  "\r\n",
  "\r\n\r\n",
  " ",
  "\t",
  ",",
  ";",
  ":",
  ";tag=x",
  "\0",
  "\u00e9",
  "\u00ff",
  "%",
  '"',
  "<",
  ">",
  "99999999999",
  "-1",
  "4294967296",
  "\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-dup",
  "\r\nContent-Length: 10",
  "\r\nTo: <sip:other@127.0.0.1>;tag=two",
  "\r\nCSeq: 7 BYE",
  "\r\nRequire: foo",
  "\r\nProxy-Require: bar",
  "\r\nMax-Forwards: 0",
  "\r\n Folded continuation",
  "SIP/3.0",
  "sips:",
  "[::1]",
]

export type Op =
  | { readonly _tag: "Replace"; readonly at: number; readonly char: number }
  | { readonly _tag: "Insert"; readonly at: number; readonly text: string }
  | { readonly _tag: "Delete"; readonly at: number; readonly length: number }
  | { readonly _tag: "DropLine"; readonly line: number }
  | { readonly _tag: "DoubleLine"; readonly line: number }
  | { readonly _tag: "MoveLine"; readonly line: number; readonly to: number }
  | { readonly _tag: "Cut"; readonly at: number }

// spread evenly over the message (fast-check's bias towards 0 would put most mutations in the start line)
const fraction = fc.noBias(fc.integer({ min: 0, max: 9_999 })).map((n) => n / 10_000)
export const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ _tag: fc.constant("Replace" as const), at: fraction, char: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ _tag: fc.constant("Insert" as const), at: fraction, text: fc.constantFrom(...nasty) }),
  fc.record({ _tag: fc.constant("Delete" as const), at: fraction, length: fc.integer({ min: 1, max: 24 }) }),
  fc.record({ _tag: fc.constant("DropLine" as const), line: fraction }),
  fc.record({ _tag: fc.constant("DoubleLine" as const), line: fraction }),
  fc.record({ _tag: fc.constant("MoveLine" as const), line: fraction, to: fraction }),
  fc.record({ _tag: fc.constant("Cut" as const), at: fraction }),
)

export const apply = (text: string, o: Op): string => {
  const at = (f: number) => Math.floor(f * text.length)
  const lines = text.split("\r\n")
  const line = (f: number) => Math.floor(f * lines.length)
  switch (o._tag) {
    case "Replace":
      return text.slice(0, at(o.at)) + String.fromCharCode(o.char) + text.slice(at(o.at) + 1)
    case "Insert":
      return text.slice(0, at(o.at)) + o.text + text.slice(at(o.at))
    case "Delete":
      return text.slice(0, at(o.at)) + text.slice(at(o.at) + o.length)
    case "DropLine":
      return lines.filter((_, i) => i !== line(o.line)).join("\r\n")
    case "DoubleLine":
      return lines.flatMap((l, i) => (i === line(o.line) ? [l, l] : [l])).join("\r\n")
    case "MoveLine": {
      const [moved] = lines.splice(line(o.line), 1)
      lines.splice(line(o.to), 0, moved ?? "")
      return lines.join("\r\n")
    }
    case "Cut":
      return text.slice(0, Math.max(1, at(o.at)))
  }
}
