/**
 * Renders a Network trace as a Mermaid sequence diagram — the ladders of docs/flows/*.md are this function's
 * output for the flows the tests run, so the documentation cannot drift from the code.
 */
import { getHeaderValues, type SipMessage } from "@sipkit/codec"
import { label, type Network } from "./Network.js"

/** Mermaid note text: no angle brackets (Mermaid reads them as HTML), lines joined with <br/>. */
const clean = (text: string): string => text.replace(/[<>]/g, "").replace(/;/g, "#59;")

const noteFor = (
  message: SipMessage,
  headers: ReadonlyArray<string>,
  sdp: boolean,
): ReadonlyArray<string> => {
  const lines = headers.flatMap((name) => getHeaderValues(message, name).map((v) => `${name}: ${clean(v)}`))
  const direction = /a=(sendrecv|sendonly|recvonly|inactive)/.exec(
    new TextDecoder().decode(message.body),
  )?.[1]
  if (sdp && message.body.length > 0) lines.push(`SDP a=${direction ?? "sendrecv"}`)
  const type = getHeaderValues(message, "Content-Type")[0]
  if (type?.startsWith("message/sipfrag")) lines.push(clean(new TextDecoder().decode(message.body).trim()))
  return lines
}

export const mermaidLadder = (
  net: Network,
  participants: ReadonlyArray<string>,
  headers: ReadonlyArray<string> = [],
  sdp = false,
): string => {
  const lines = ["sequenceDiagram", ...participants.map((p) => `  participant ${p}`)]
  for (const entry of net.trace) {
    lines.push(`  ${entry.from}->>${entry.to}: ${label(entry.message)}`)
    const note = noteFor(entry.message, headers, sdp)
    if (note.length > 0) lines.push(`  Note over ${entry.from},${entry.to}: ${note.join("<br/>")}`)
  }
  return lines.join("\n")
}

/** Replaces the block between `<!-- ladder -->` and `<!-- /ladder -->` with a ```mermaid block of `ladder`. */
export const withLadder = (doc: string, ladder: string): string =>
  doc.replace(
    /<!-- ladder -->[\s\S]*?<!-- \/ladder -->/,
    `<!-- ladder -->\n\`\`\`mermaid\n${ladder}\n\`\`\`\n<!-- /ladder -->`,
  )
