/**
 * File access for the docs test, without Node's type declarations (the package type-checks with `types: []`):
 * `node:fs` is loaded dynamically and used through the three functions it needs.
 */
export interface Files {
  readonly read: (path: string) => string | undefined
  readonly write: (path: string, text: string) => void
}

interface NodeFs {
  readonly existsSync: (path: string) => boolean
  readonly readFileSync: (path: string, encoding: "utf8") => string
  readonly writeFileSync: (path: string, text: string) => void
  readonly mkdirSync: (path: string, options: { recursive: boolean }) => void
}

const fsModule = "node:fs"

export const loadFiles = async (): Promise<Files> => {
  const fs = (await import(/* @vite-ignore */ fsModule)) as NodeFs
  return {
    read: (path) => (fs.existsSync(path) ? fs.readFileSync(path, "utf8") : undefined),
    write: (path, text) => {
      fs.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true })
      fs.writeFileSync(path, text)
    },
  }
}

/** The directory of a module, from its `import.meta.url`. */
export const dirOf = (url: string): string =>
  decodeURIComponent(url.replace(/^file:\/\//, "")).replace(/\/[^/]*$/, "")

/** `WRITE_DOCS=1` in the environment. */
export const writeDocs = (): boolean =>
  (globalThis as { process?: { env: { WRITE_DOCS?: string } } }).process?.env.WRITE_DOCS === "1"
