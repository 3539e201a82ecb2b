// What the fixture tests use from Node to read exact bytes (the package type-checks without @types/node; tests
// run on Node, the codec itself never imports node:*).
declare module "node:fs" {
  export function readFileSync(path: string): Uint8Array
  export function readdirSync(path: string): string[]
}
interface ImportMeta {
  /** The module's file: URL. */
  readonly url: string
}
declare class URL {
  constructor(url: string, base?: string)
  readonly pathname: string
}
