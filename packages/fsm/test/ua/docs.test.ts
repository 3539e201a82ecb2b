/**
 * docs/flows/*.md hold the ladders of the flows these tests run, generated from their traces; docs/dialogs.md and
 * docs/ua.md name only functions the modules export. `WRITE_DOCS=1` rewrites the ladders.
 */
import { describe, expect, it } from "vitest"
import * as dialog from "../../src/dialog/index.js"
import * as ua from "../../src/ua/index.js"
import { dirOf, loadFiles, writeDocs } from "../transaction/support/files.js"
import {
  attendedTransfer,
  basicCall,
  cancelCall,
  earlyMedia,
  holdResume,
  referTransfer,
} from "./support/flows.js"
import { mermaidLadder, withLadder } from "./support/ladder.js"

const here = dirOf((import.meta as { url: string }).url)
const root = here.split("/").slice(0, -4).join("/")

const pages = [
  {
    path: "docs/flows/basic-call.md",
    ladder: () => mermaidLadder(basicCall(), ["Alice", "Proxy", "Bob"], ["Record-Route", "Route"]),
  },
  { path: "docs/flows/cancel.md", ladder: () => mermaidLadder(cancelCall(), ["Alice", "Bob"], ["CSeq"]) },
  {
    path: "docs/flows/early-media.md",
    ladder: () => mermaidLadder(earlyMedia(), ["Caller", "PBX", "Callee"], ["Content-Type"]),
  },
  {
    path: "docs/flows/hold.md",
    ladder: () => mermaidLadder(holdResume(), ["Alice", "Bob"], ["CSeq"], true),
  },
  {
    path: "docs/flows/attended-transfer.md",
    ladder: () =>
      mermaidLadder(
        attendedTransfer(),
        ["Alice", "Bob", "Carol"],
        ["Refer-To", "Replaces", "Subscription-State"],
      ),
  },
  {
    path: "docs/flows/refer.md",
    ladder: () =>
      mermaidLadder(
        referTransfer(),
        ["Alice", "Bob", "Carol"],
        ["Refer-To", "Referred-By", "Event", "Subscription-State"],
      ),
  },
]

describe("docs/flows", () => {
  for (const page of pages) {
    it(`${page.path} shows the ladder its test runs`, async () => {
      const files = await loadFiles()
      const file = `${root}/${page.path}`
      const doc = files.read(file) ?? ""
      const expected = withLadder(doc, page.ladder())
      if (writeDocs()) files.write(file, expected)
      expect(doc, `${page.path} is stale: run with WRITE_DOCS=1`).toBe(expected)
      expect(doc).toContain("```mermaid\nsequenceDiagram")
    })
  }
})

describe("docs/dialogs.md and docs/ua.md", () => {
  it("docs/ua.md shows the phase diagram generated from phaseArcs", async () => {
    const files = await loadFiles()
    const file = `${root}/docs/ua.md`
    const doc = files.read(file) ?? ""
    const expected = doc.replace(
      /<!-- phases -->[\s\S]*?<!-- \/phases -->/,
      `<!-- phases -->\n\`\`\`mermaid\n${ua.phaseDiagram()}\n\`\`\`\n<!-- /phases -->`,
    )
    if (writeDocs()) files.write(file, expected)
    expect(doc, "docs/ua.md is stale: run with WRITE_DOCS=1").toBe(expected)
  })

  it("docs/ua.md shows the example that example.test.ts runs", async () => {
    const files = await loadFiles()
    const test = files.read(`${here}/example.test.ts`) ?? ""
    const region = /\/\/ #region example\n([\s\S]*?)\n\s*\/\/ #endregion/.exec(test)?.[1]
    expect(region).toBeDefined()
    const dedented = (region ?? "")
      .split("\n")
      .map((l) => l.replace(/^ {2}/, ""))
      .join("\n")
    expect(files.read(`${root}/docs/ua.md`)).toContain(dedented)
  })

  /** The names in the table of the "## API" section. */
  const exported = (doc: string) =>
    [...(doc.split("## API")[1]?.split("\n## ")[0] ?? "").matchAll(/^\| `(\w+)`/gm)].map((m) => m[1] ?? "")

  it("every function in their API tables is exported", async () => {
    const files = await loadFiles()
    for (const [path, module] of [
      ["docs/dialogs.md", dialog],
      ["docs/ua.md", ua],
    ] as const) {
      const names = exported(files.read(`${root}/${path}`) ?? "")
      expect(names.length, path).toBeGreaterThan(3)
      for (const name of names) expect(Object.keys(module), `${path}: ${name}`).toContain(name)
    }
  })
})
