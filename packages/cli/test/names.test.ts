/**
 * RFC 3263 §4.2's "A or AAAA record lookup" goes to the system's resolver, as every program on the host: a name in
 * /etc/hosts resolves without a DNS server. Run in a network namespace (loopback only) and a mount namespace whose
 * /etc/hosts names `pbx.lab` and whose /etc/resolv.conf names a server on loopback where none listens: no DNS server
 * can answer, and no query leaves.
 */
import { spawnSync } from "node:child_process"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { bin, tempDir } from "./support/sip.js"

const dir = tempDir("sipkit-names-")
const hosts = join(dir, "hosts")
const resolvConf = join(dir, "resolv.conf")
writeFileSync(hosts, "127.0.0.1 localhost\n127.0.0.9 pbx.lab\n")
writeFileSync(resolvConf, "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")

/** `sip listen` on 127.0.0.9, then `sip send ARGS…`, in the namespaces; what `sip send` printed and its exit. */
const sendInLab = (args: ReadonlyArray<string>) =>
  spawnSync(
    "unshare",
    [
      "-n",
      "-m",
      "--",
      "sh",
      "-c",
      [
        'mount --bind "$0" /etc/hosts && mount --bind "$1" /etc/resolv.conf && ip link set lo up || exit 99',
        'node="$2"; bin="$3"; shift 3',
        '"$node" "$bin" listen --host 127.0.0.9 --port 25390 --quiet >/dev/null 2>&1 & listener=$!',
        "sleep 1.5",
        '"$node" "$bin" send "$@"; code=$?',
        'kill "$listener"; exit "$code"',
      ].join("\n"),
      hosts,
      resolvConf,
      process.execPath,
      bin,
      ...args,
    ],
    { encoding: "utf8", timeout: 30_000, env: { ...process.env, NO_COLOR: "1" } },
  )

describe("a name from /etc/hosts, no DNS server", () => {
  it("sip send OPTIONS sip:pbx.lab:PORT reaches the listener at 127.0.0.9: 200, exit 0", () => {
    const ran = sendInLab(["OPTIONS", "sip:pbx.lab:25390", "--timeout-ms", "3000"])
    expect(ran.stdout).toContain("SIP/2.0 200 OK")
    expect(ran.status).toBe(0)
  })
})
