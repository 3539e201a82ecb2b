/**
 * tempDir — a fresh directory under the OS temp dir for one test file's files (a peer's run dir, a SIPp scenario, a
 * certificate), removed when that test file is done, so test runs leave nothing behind in /tmp.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "vitest"

const made: Array<string> = []

// a hook of the root suite of each test file importing this module (vitest evaluates it per file)
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** `mkdtempSync(join(tmpdir(), prefix))`, removed after the test file. */
export const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}
