/**
 * A Mermaid sequence diagram written from what a test run sent, so the ladders in docs/*.md are the ones the
 * code produces (the docs tests compare them).
 */
import { getCSeq, type SipMessage } from "@sipkit/codec"

export interface Ladder {
  readonly arrow: (from: string, to: string, message: SipMessage, note?: string) => void
  readonly note: (over: string, text: string) => void
  /** An arrow that is not a SIP message (a lookup, a store write). */
  readonly text: (from: string, to: string, text: string) => void
  readonly render: () => string
}

export const makeLadder = (participants: ReadonlyArray<string>): Ladder => {
  const lines: Array<string> = ["sequenceDiagram", ...participants.map((name) => `participant ${name}`)]
  return {
    arrow: (from, to, message, note) => {
      lines.push(`${from}->>${to}: ${escapeMermaid(describeMessage(message))}`)
      const side = participants.indexOf(from) < participants.indexOf(to) ? "right" : "left"
      if (note !== undefined) lines.push(`Note ${side} of ${from}: ${escapeMermaid(note)}`)
    },
    note: (over, text) => lines.push(`Note over ${over}: ${escapeMermaid(text)}`),
    text: (from, to, text) => lines.push(`${from}->>${to}: ${escapeMermaid(text)}`),
    render: () => lines.join("\n"),
  }
}

/** Mermaid ends a statement at `;`: it is written as the entity code `#59;`. */
const escapeMermaid = (text: string): string => text.replaceAll(";", "#59;")

/** `INVITE sip:bob@example.com`, `180 Ringing`, `200 OK (CANCEL)`. */
export const describeMessage = (message: SipMessage): string => {
  if (message._tag === "Request") return `${message.method} ${message.uri}`
  const cseq = getCSeq(message)
  const method = cseq._tag === "Ok" ? cseq.value.method : ""
  return `${message.status} ${message.reason}${method === "INVITE" || method === "REGISTER" ? "" : ` (${method})`}`
}

/** The Mermaid block that follows `<!-- ladder: name -->` in a page. */
export const ladderIn = (page: string, name: string): string | undefined =>
  new RegExp(`<!-- ladder: ${name} -->\\s*\`\`\`mermaid\\n([\\s\\S]*?)\\n\`\`\``).exec(page)?.[1]
