/**
 * The generated documentation is current: docs/transactions/*.md equal the generator's output, and the example
 * in docs/transactions.md is the one `example.test.ts` runs. `WRITE_DOCS=1` rewrites the generated pages.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { pages, renderPage } from "./support/diagramPages.js"

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, "../../../..")

describe("docs/transactions", () => {
  for (const page of pages) {
    it(`${page.path} is generated from ${page.source}`, () => {
      const file = join(root, page.path)
      const expected = renderPage(page)
      if (process.env.WRITE_DOCS === "1") {
        mkdirSync(dirname(file), { recursive: true })
        writeFileSync(file, expected)
      }
      expect(existsSync(file), `${page.path} missing: run with WRITE_DOCS=1`).toBe(true)
      expect(readFileSync(file, "utf8")).toBe(expected)
    })
  }

  it("every page's diagram has every state of its machine", () => {
    for (const page of pages) {
      const text = renderPage(page)
      for (const state of page.spec.states) expect(text).toContain(`${state} -->`)
    }
  })

  it("docs/transactions.md shows the example that example.test.ts runs, and links every page", () => {
    const test = readFileSync(join(here, "example.test.ts"), "utf8")
    const region = /\/\/ #region example\n([\s\S]*?)\n\s*\/\/ #endregion/.exec(test)?.[1]
    expect(region).toBeDefined()
    const dedented = (region ?? "")
      .split("\n")
      .map((l) => l.replace(/^ {4}/, ""))
      .join("\n")
    const doc = readFileSync(join(root, "docs/transactions.md"), "utf8")
    expect(doc).toContain(dedented)
    for (const page of pages) expect(doc).toContain(page.path.replace("docs/", ""))
  })
})
