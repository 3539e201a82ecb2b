/**
 * corpus — the three benchmark datagrams of `shared/bench-corpus`, read as exact bytes (CRLF kept).
 *
 * Each message is offered in both forms a parser may accept: the bytes a UDP socket hands over and the same
 * bytes decoded as a JavaScript string (latin1 would also do: the corpus is ASCII).
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"

export interface CorpusMessage {
  readonly name: string
  readonly bytes: Uint8Array
  readonly text: string
}

const defaultDir = new URL("../../../shared/bench-corpus/", import.meta.url).pathname

export const corpusNames = ["invite", "ringing", "register"] as const

const { SIPKIT_BENCH_CORPUS } = process.env

export const loadCorpus = (dir: string = SIPKIT_BENCH_CORPUS ?? defaultDir): ReadonlyArray<CorpusMessage> =>
  corpusNames.map((name) => {
    const bytes = new Uint8Array(readFileSync(join(dir, `${name}.sip`)))
    return { name, bytes, text: new TextDecoder().decode(bytes) }
  })
