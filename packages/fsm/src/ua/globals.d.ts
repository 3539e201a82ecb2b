// The fsm runs in any JavaScript runtime; it compiles against the ECMAScript library only. The UA core reads SDP
// and sipfrag bodies as text with the WHATWG TextDecoder, and encodes the application's body text with TextEncoder,
// both present in every runtime (see codec/src/globals.d.ts).
declare global {
  class TextDecoder {
    constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean })
    decode(input?: Uint8Array, options?: { stream?: boolean }): string
  }
  class TextEncoder {
    encode(input?: string): Uint8Array
  }
}

export {}
