import { readdirSync, readFileSync } from "node:fs"

const dir = decodeURIComponent(new URL("../fixtures/rfc4475/", import.meta.url).pathname)

/** The exact bytes of an RFC 4475 torture message (`fixtures/rfc4475/<name>.sip`). */
export const torture = (name: string): Uint8Array => new Uint8Array(readFileSync(`${dir}${name}.sip`))

/** Every fixture name. */
export const tortureNames = (): ReadonlyArray<string> =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".sip"))
    .map((f) => f.slice(0, -4))
    .sort()
