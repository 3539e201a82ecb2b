// The codec runs in any JavaScript runtime (Node, browsers, Deno, Bun, workers). It compiles against the
// ECMAScript library only; these two WHATWG encoding classes are present in every one of those runtimes.
declare global {
  class TextEncoder {
    encode(input?: string): Uint8Array
    encodeInto(source: string, destination: Uint8Array): { read: number; written: number }
  }
  class TextDecoder {
    constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean })
    decode(input?: Uint8Array, options?: { stream?: boolean }): string
  }
}

export {}
