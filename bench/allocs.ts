/**
 * allocs — bytes allocated per call by `sip listen`, by allocation site (issue 8: garbage per call drives the young
 * collections, whose pauses decide the load ladder's verdict near its ceiling).
 *
 * Starts `sip listen` (packages/cli/dist/bin.js, built) under V8's sampling heap profiler (src/heapSampling.ts,
 * objects collected by GCs included), drives it with `sipp/closed-loop-uac.ts` (SIPp `uac`'s calls, 2 in flight),
 * stops it with SIGINT, and prints the total and the top sites (function, file:line) in bytes per call. Sampling:
 * a site of ~500 B per call moves by a few percent between runs; run it twice. Start-up allocation is spread over
 * the calls, so use ≥ 20,000 calls for figures to quote.
 *
 * Usage: node allocs.ts [--calls=20000] [--port=15420] [--top=40] [--parents=join,set,push] [--survivors]
 * (`--parents`: for those builtins, which function called them; `--survivors`: count only what lived through a young
 * collection — the bytes each scavenge copies and promotes, the part of garbage that makes a scavenge slow, plus what
 * is still held at the end). Exit 0; 1 when the run fails; 64 on bad flags.
 */
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

interface ProfileNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
  readonly selfSize: number
  readonly children: ReadonlyArray<ProfileNode>
}

const here = import.meta.dirname
const cliBin = join(here, "../packages/cli/dist/bin.js")
const flag = (name: string, fallback: string): string =>
  process.argv
    .slice(2)
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3) ?? fallback
const calls = Number(flag("calls", "20000"))
const port = Number(flag("port", "15420"))
const top = Number(flag("top", "40"))
const survivors = process.argv.slice(2).includes("--survivors")
const parents = flag("parents", "")
  .split(",")
  .filter((p) => p !== "")
const bad = (what: string): never => {
  console.error(
    `allocs: ${what} — usage: node allocs.ts [--calls=N] [--port=N] [--top=N] [--parents=a,b] [--survivors]`,
  )
  process.exit(64)
}
if (!Number.isInteger(calls) || calls < 1) bad("--calls is a positive integer")
if (!Number.isInteger(port) || port < 1024 || port > 65534) bad("--port is an integer in 1024–65534")
if (!Number.isInteger(top) || top < 1) bad("--top is a positive integer")
if (!existsSync(cliBin)) bad("packages/cli is not built (npm run build at the root)")

/** A site's name: function, then the file below packages/ or node_modules/ (or node's own), and the line. */
const siteOf = (node: ProfileNode): string => {
  const { functionName, url, lineNumber } = node.callFrame
  const file = url.replace(/^file:\/\//, "").replace(/.*\/(packages|node_modules)\//, "$1/")
  return `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`
}

/** Bytes by site, and for the builtins named in `--parents` by their caller. */
const sum = (root: ProfileNode): { bySite: Map<string, number>; byParent: Map<string, number> } => {
  const bySite = new Map<string, number>()
  const byParent = new Map<string, number>()
  const stack: Array<{ node: ProfileNode; parent: string }> = [{ node: root, parent: "" }]
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const site = siteOf(next.node)
    bySite.set(site, (bySite.get(site) ?? 0) + next.node.selfSize)
    if (next.node.callFrame.url === "" && parents.includes(next.node.callFrame.functionName)) {
      const key = `${next.node.callFrame.functionName} ← ${next.parent}`
      byParent.set(key, (byParent.get(key) ?? 0) + next.node.selfSize)
    }
    for (const child of next.node.children) stack.push({ node: child, parent: site })
  }
  return { bySite, byParent }
}

const exitOf = (child: ReturnType<typeof spawn>): Promise<number | null> =>
  new Promise((resolve) => child.on("close", (code) => resolve(code)))

const dir = mkdtempSync(join(tmpdir(), "sipkit-allocs-"))
const out = join(dir, "listen.heapprofile")
try {
  const listen = spawn(
    process.execPath,
    [
      "--import",
      join(here, "src/heapSampling.ts"),
      cliBin,
      "listen",
      "--host",
      "127.0.0.1",
      "--port",
      `${port}`,
      "--quiet",
    ],
    {
      env: { ...process.env, SIPKIT_ALLOC_OUT: out, SIPKIT_ALLOC_SURVIVORS: survivors ? "1" : "0" },
      stdio: ["ignore", "ignore", "inherit"],
    },
  )
  const uac = spawn(process.execPath, [join(here, "sipp/closed-loop-uac.ts"), `${port}`, `${calls}`, "2"], {
    stdio: ["ignore", "inherit", "inherit"],
  })
  const uacExit = await exitOf(uac)
  const listenExit = exitOf(listen)
  listen.kill("SIGINT")
  await listenExit
  if (uacExit !== 0 || !existsSync(out)) {
    console.error(
      `allocs: the run failed (closed-loop-uac exit ${uacExit}, profile ${existsSync(out) ? "written" : "missing"})`,
    )
    process.exit(1)
  }
  const profile = JSON.parse(readFileSync(out, "utf8")) as { readonly head: ProfileNode }
  const { bySite, byParent } = sum(profile.head)
  const total = [...bySite.values()].reduce((a, b) => a + b, 0)
  const perCall = (bytes: number): string => `${Math.round(bytes / calls).toLocaleString("en-US")} B`
  console.log(
    `sip listen allocated ${perCall(total)} per call${survivors ? " that lived through a young collection" : ""} ` +
      `(${calls.toLocaleString("en-US")} calls, 2 in flight)`,
  )
  console.log("\n| bytes per call | site |\n|---:|---|")
  for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`| ${perCall(bytes)} | \`${site}\` |`)
  if (byParent.size > 0) {
    console.log("\n| bytes per call | builtin ← caller |\n|---:|---|")
    for (const [key, bytes] of [...byParent].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(`| ${perCall(bytes)} | \`${key}\` |`)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
