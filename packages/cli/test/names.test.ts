/**
 * RFC 3263 §4.2's "A or AAAA record lookup" goes to the system's resolver, as every program on the host: a name in
 * /etc/hosts resolves without a DNS server. Run in a network namespace (loopback only) and a mount namespace whose
 * /etc/hosts names `pbx.lab` and whose /etc/resolv.conf names a server on loopback where none listens: no DNS server
 * can answer, and no query leaves.
 */
import { describe, expect, it } from "vitest"
import { bin, inLab } from "./support/sip.js"

/** `sip listen` on 127.0.0.9, then `sip send ARGS…`, in a lab whose /etc/hosts names pbx.lab; `sip send`'s run. */
const sendInLab = (args: ReadonlyArray<string>) =>
  inLab(
    [
      'node="$1"; bin="$2"; shift 2',
      '"$node" "$bin" listen --host 127.0.0.9 --port 25390 --quiet >/dev/null 2>&1 & listener=$!',
      // the listener goes with the script however it ends (a timeout kills the script only)
      "trap 'kill \"$listener\" 2>/dev/null' EXIT HUP TERM",
      "sleep 1.5",
      '"$node" "$bin" send "$@"; code=$?',
      'exit "$code"',
    ].join("\n"),
    [process.execPath, bin, ...args],
    { hosts: "127.0.0.1 localhost\n127.0.0.9 pbx.lab\n", timeoutMs: 30_000 },
  )

describe("a name from /etc/hosts, no DNS server", () => {
  it("sip send OPTIONS sip:pbx.lab:PORT reaches the listener at 127.0.0.9: 200, exit 0", () => {
    const ran = sendInLab(["OPTIONS", "sip:pbx.lab:25390", "--timeout-ms", "3000"])
    expect(ran.stdout).toContain("SIP/2.0 200 OK")
    expect(ran.status).toBe(0)
  })
})
