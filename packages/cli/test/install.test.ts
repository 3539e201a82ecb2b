/**
 * The `sip` command as the workspace installs it: `npx sip …` at the root after `npm ci` (issue 8). npm links
 * `node_modules/.bin/sip` to `bin/sip.js`, a launcher kept in git (a link to `dist/bin.js` was never made: npm
 * links a bin only when its file exists at install time, and dist/ is built after it).
 */
import { spawnSync } from "node:child_process"
import { copyFileSync, mkdirSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { tempDir } from "./support/sip.js"

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, "../../..")
const launcher = join(here, "../bin/sip.js")

describe("the installed sip command", () => {
  it("npx sip at the workspace root runs the built command", () => {
    const ran = spawnSync("npx", ["--no", "--", "sip", "--version"], {
      cwd: root,
      encoding: "utf8",
      timeout: 30_000,
    })
    expect(ran.stdout.trim()).toBe("sip 0.1.0")
    expect(ran.status).toBe(0)
  })

  it("the launcher without a build says so in one line and exits 70", () => {
    const copy = join(tempDir("sipkit-launcher-"), "bin")
    mkdirSync(copy)
    copyFileSync(launcher, join(copy, "sip.js"))
    const ran = spawnSync(process.execPath, [join(copy, "sip.js"), "--version"], { encoding: "utf8" })
    expect(ran.stderr).toBe("sip: not built yet — run `npm run build` at the workspace root\n")
    expect(ran.status).toBe(70)
  })
})
