#!/usr/bin/env node
// The `sip` command as npm links it (node_modules/.bin/sip, so `npx sip …` works after `npm ci` at the workspace
// root). npm links a package's bin only when the file exists at install time, and dist/ is made after it by the
// root's `prepare` (the build), so the link points here and this loads the built command.
import { existsSync } from "node:fs"

const built = new URL("../dist/bin.js", import.meta.url)
if (existsSync(built)) await import(built.href)
else {
  process.stderr.write("sip: not built yet — run `npm run build` at the workspace root\n")
  process.exitCode = 70
}
