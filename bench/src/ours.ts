/**
 * ours — @sipkit/codec driven through its public API for the same task as the peers: `parseMessage`, then what
 * its transaction layer calls to key a message (packages/fsm/src/transaction/TransactionKey.ts): the in-place
 * parameter readers `getTopViaBranch`, `getFromTag`, `getToTag`, and the typed `getCSeq`, `getCallId`. Each
 * validates its header as the full typed accessor would (`viaBranch(getTopVia(m))` …) and answers its error.
 *
 * The codec accepts the datagram's bytes (what a UDP socket delivers) or a string; both are measured. It is
 * loaded from the BUILT package (`dist/`), as any user would load it: run `npm run build` first.
 */
import type { Fields } from "./fields.ts"

type Codec = typeof import("@sipkit/codec")
type Message = import("@sipkit/codec").SipMessage
type Reader = (
  message: Message,
) =>
  | { readonly _tag: "Ok"; readonly value: string | undefined }
  | { readonly _tag: "Err"; readonly error: unknown }

export interface Ours {
  readonly version: string
  /** The task on bytes or on a string. */
  readonly extract: (input: Uint8Array | string) => Fields
  /**
   * The task through the in-place readers (`getTopViaBranch`, `getFromTag`, `getToTag`), which read one
   * parameter without building the typed Via / name-addr; undefined when the built codec has none.
   */
  readonly extractInPlace: ((input: Uint8Array | string) => Fields) | undefined
  /** Parse alone, no header read: the cost the task's accessors add is the difference. */
  readonly parse: (input: Uint8Array | string) => Message
  readonly serialize: (message: Message) => Uint8Array
}

const unwrap = <A>(
  what: string,
  r: { readonly _tag: "Ok"; readonly value: A } | { readonly _tag: "Err"; readonly error: unknown },
): A => {
  if (r._tag === "Err") throw new Error(`@sipkit/codec: ${what} failed: ${JSON.stringify(r.error)}`)
  return r.value
}

export const loadOurs = async (): Promise<Ours> => {
  const codec: Codec = await import("@sipkit/codec")
  const { createRequire } = await import("node:module")
  const version = (createRequire(import.meta.url)("@sipkit/codec/package.json") as { version: string })
    .version
  const parse = (input: Uint8Array | string): Message => unwrap("parseMessage", codec.parseMessage(input))
  const inPlace = codec as Partial<Record<"getTopViaBranch" | "getFromTag" | "getToTag", Reader>>
  const { getTopViaBranch, getFromTag, getToTag } = inPlace
  const extractInPlace =
    getTopViaBranch === undefined || getFromTag === undefined || getToTag === undefined
      ? undefined
      : (input: Uint8Array | string): Fields => {
          const m = parse(input)
          const cseq = unwrap("getCSeq", codec.getCSeq(m))
          return {
            branch: unwrap("getTopViaBranch", getTopViaBranch(m)),
            fromTag: unwrap("getFromTag", getFromTag(m)),
            toTag: unwrap("getToTag", getToTag(m)),
            cseq: cseq.seq,
            method: cseq.method,
            callId: unwrap("getCallId", codec.getCallId(m)),
          }
        }
  return {
    version,
    extractInPlace,
    parse,
    serialize: codec.serializeMessage,
    extract: (input) => {
      const m = parse(input)
      const cseq = unwrap("getCSeq", codec.getCSeq(m))
      return {
        branch: unwrap("getTopViaBranch", codec.getTopViaBranch(m)),
        fromTag: unwrap("getFromTag", codec.getFromTag(m)),
        toTag: unwrap("getToTag", codec.getToTag(m)),
        cseq: cseq.seq,
        method: cseq.method,
        callId: unwrap("getCallId", codec.getCallId(m)),
      }
    },
  }
}
