/** Every `$ sip …` example of docs/cli.md runs, and exits with the code the document says. */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { runSip, startListen } from "./support/sip.js"

const root = join(import.meta.dirname, "../../..")
const doc = readFileSync(join(root, "docs/cli.md"), "utf8")

interface Example {
  readonly command: string
  readonly exit: number
}

interface Block {
  readonly beside: string
  readonly examples: ReadonlyArray<Example>
}

/** The `console` blocks preceded by a `<!-- test: … -->` comment. */
const blocks: ReadonlyArray<Block> = [
  ...doc.matchAll(/<!-- test: (.*?) -->\n```console\n([\s\S]*?)```/g),
].map((match) => ({
  beside: match[1] ?? "none",
  examples: (match[2] ?? "").split("\n").flatMap((line) => {
    const example = /^\$ sip (.*?)\s+# exit (\d+)$/.exec(line)
    return example === null ? [] : [{ command: example[1] ?? "", exit: Number(example[2]) }]
  }),
}))

/** Splits a command line like a shell would for these examples: spaces, single and double quotes. */
const words = (line: string): Array<string> =>
  [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? "")

describe("docs/cli.md", () => {
  it("has examples, each with an exit code", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6)
    expect(blocks.flatMap((b) => b.examples).length).toBeGreaterThanOrEqual(15)
  })

  describe.each(blocks.map((block, index) => [index, block] as const))("block %i", (_index, block) => {
    it(`${block.beside}: ${block.examples.map((e) => e.command.split(" ")[0]).join(", ")}`, async () => {
      const listen = block.beside.startsWith("listen")
        ? await startListen(words(block.beside).slice(1))
        : undefined
      try {
        for (const example of block.examples) {
          const args = words(example.command).map((word) =>
            listen === undefined ? word : word.replaceAll("127.0.0.1:5070", `127.0.0.1:${listen.port}`),
          )
          const relative = args.map((word) => (word.startsWith("packages/") ? join(root, word) : word))
          const ran = await runSip(relative)
          expect({ command: example.command, exit: ran.code, stderr: ran.stderr }).toMatchObject({
            command: example.command,
            exit: example.exit,
          })
        }
      } finally {
        await listen?.stop()
      }
    })
  })
})
