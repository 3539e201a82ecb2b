/**
 * vcpuProbeChild — one vCPU's speed probe, run pinned to that CPU by `vcpuProbe.ts`: once a second it does the same
 * fixed work (~3 ms on this machine's vCPUs at full speed) and prints the CPU time it took, in ms, one line each.
 * CPU time, not wall time: a busy CPU delays the probe but does not lengthen its work; a vCPU the host slows does.
 *
 * Usage: node vcpuProbeChild.ts [samples=7200]. Stops by itself after `samples` (2 h by default) or when its parent
 * is gone (its stdout closes).
 */
const samples = Number(process.argv[2] ?? 7200)
const table = new Float64Array(1 << 14)

/** Array reads and writes at scattered indices and float arithmetic: what a JavaScript server's main thread does. */
const work = (): number => {
  let sum = 0
  for (let round = 0; round < 200; round++)
    for (let i = 0; i < table.length; i++) {
      table[i] = table[(i * 7919) & 0x3fff]! * 0.5 + i
      sum += table[i]!
    }
  return sum
}

for (let i = 0; i < 20; i++) work() // optimised before the first sample counts
process.stdout.on("error", () => process.exit(0))
for (let i = 0; i < samples; i++) {
  const before = process.cpuUsage()
  work()
  const spent = process.cpuUsage(before)
  process.stdout.write(`${((spent.user + spent.system) / 1000).toFixed(3)}\n`)
  await new Promise((resolve) => setTimeout(resolve, 1000))
}
