/**
 * vcpuProbeChild — one vCPU's speed probe, run pinned to that CPU by `vcpuProbe.ts`: once a second it does the same
 * fixed work (~2.8 ms on this machine's vCPUs at full speed) and prints the CPU time it took, in ms, one line each.
 * CPU time, not wall time: a busy CPU delays the probe but does not lengthen its work; a vCPU the host slows does.
 *
 * Usage: node vcpuProbeChild.ts [samples=7200]. Stops by itself after `samples` (2 h by default) or when its parent
 * is gone (its stdout closes).
 */
const samples = Number(process.argv[2] ?? 7200)
/**
 * Register-only integer work (xorshift): no memory beyond a few registers, so what shares the vCPU (a UAS with a
 * heap of hundreds of MiB, evicting the caches) does not lengthen it; only a slower vCPU does. (A first version
 * walked a 128 KiB array, and read ×2 beside a busy UAS on a vCPU at full speed.)
 */
const work = (): number => {
  let x = 0x9e3779b9 | 0
  let sum = 0
  for (let i = 0; i < 1_500_000; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    sum = (sum + (x & 0xff)) | 0
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
