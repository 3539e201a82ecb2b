/**
 * ours — @sipkit/codec driven through its public API for the same task as the peers: `parseMessage`, then what
 * its transaction layer calls to key a message (packages/fsm/src/transaction/TransactionKey.ts): the in-place
 * parameter readers `getTopViaBranch`, `getFromTag`, `getToTag`, and the typed `getCSeq`, `getCallId`. Each
 * validates its header as the full typed accessor would (`viaBranch(getTopVia(m))` …) and answers its error.
 * The typed accessors themselves (`getTopVia`/`viaBranch`, `getFrom`/`getTo`/`getTag`) are measured as well.
 *
 * The codec accepts the datagram's bytes (what a UDP socket delivers) or a string; both are measured. It is
 * loaded from the BUILT package (`dist/`), as any user would load it: run `npm run build` first.
 */
import type { Fields } from "./fields.ts"

type Codec = typeof import("@sipkit/codec")
type Message = import("@sipkit/codec").SipMessage

export interface Ours {
  readonly version: string
  /** The task on bytes or on a string, as the transaction layer reads it (the in-place readers). */
  readonly extract: (input: Uint8Array | string) => Fields
  /** The task through the typed accessors: the full Via and name-addr values are built, then read. */
  readonly extractTyped: (input: Uint8Array | string) => Fields
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
  // SIPKIT_BENCH_CODEC=/path/to/codec/package measures another build (e.g. one commit, built elsewhere).
  const { SIPKIT_BENCH_CODEC } = process.env
  const { createRequire } = await import("node:module")
  const { pathToFileURL } = await import("node:url")
  const codec: Codec =
    SIPKIT_BENCH_CODEC === undefined
      ? await import("@sipkit/codec")
      : await import(pathToFileURL(`${SIPKIT_BENCH_CODEC}/dist/index.js`).href)
  const pkg =
    SIPKIT_BENCH_CODEC === undefined ? "@sipkit/codec/package.json" : `${SIPKIT_BENCH_CODEC}/package.json`
  const version = (createRequire(import.meta.url)(pkg) as { version: string }).version
  const parse = (input: Uint8Array | string): Message => unwrap("parseMessage", codec.parseMessage(input))
  const typed = (input: Uint8Array | string): Fields => {
    const m = parse(input)
    const via = unwrap("getTopVia", codec.getTopVia(m))
    const cseq = unwrap("getCSeq", codec.getCSeq(m))
    return {
      branch: codec.viaBranch(via),
      fromTag: codec.getTag(unwrap("getFrom", codec.getFrom(m))),
      toTag: codec.getTag(unwrap("getTo", codec.getTo(m))),
      cseq: cseq.seq,
      method: cseq.method,
      callId: unwrap("getCallId", codec.getCallId(m)),
    }
  }
  const inPlace = (input: Uint8Array | string): Fields => {
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
  }
  return { version, parse, serialize: codec.serializeMessage, extract: inPlace, extractTyped: typed }
}
