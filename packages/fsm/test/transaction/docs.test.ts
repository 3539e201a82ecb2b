/**
 * The generated documentation is current: docs/transactions/*.md equal the generator's output, and the example
 * in docs/transactions.md is the one `example.test.ts` runs. `WRITE_DOCS=1` rewrites the generated pages.
 */
import { describe, expect, it } from "vitest"
import { pages, renderPage } from "./support/diagramPages.js"
import { dirOf, loadFiles, writeDocs } from "./support/files.js"

const here = dirOf((import.meta as { url: string }).url)
const root = here.split("/").slice(0, -4).join("/")

describe("docs/transactions", () => {
  for (const page of pages) {
    it(`${page.path} is generated from ${page.source}`, async () => {
      const files = await loadFiles()
      const file = `${root}/${page.path}`
      const expected = renderPage(page)
      if (writeDocs()) files.write(file, expected)
      expect(files.read(file), `${page.path} is stale: run with WRITE_DOCS=1`).toBe(expected)
    })
  }

  it("every page's diagram has every state of its machine", () => {
    for (const page of pages) {
      const text = renderPage(page)
      for (const state of page.spec.states) expect(text).toContain(`${state} -->`)
    }
  })

  it("docs/transactions.md shows the example that example.test.ts runs, and links every page", async () => {
    const files = await loadFiles()
    const test = files.read(`${here}/example.test.ts`) ?? ""
    const region = /\/\/ #region example\n([\s\S]*?)\n\s*\/\/ #endregion/.exec(test)?.[1]
    expect(region).toBeDefined()
    const dedented = (region ?? "")
      .split("\n")
      .map((l) => l.replace(/^ {4}/, ""))
      .join("\n")
    const doc = files.read(`${root}/docs/transactions.md`) ?? ""
    expect(doc).toContain(`\`\`\`ts\n${dedented}\n\`\`\``)
    for (const page of pages) expect(doc).toContain(`](${page.path.replace("docs/", "")})`)
  })
})
