/**
 * heapSampling — a preload (`node --import`) that runs V8's sampling heap profiler in the process it is loaded into
 * from its start to its exit, and writes the profile (`.heapprofile` JSON) to `$SIPKIT_ALLOC_OUT` as it exits.
 * Objects that minor and major GCs collected are kept in the profile, so it counts every byte allocated, not only
 * what is still alive: the figure `allocs.ts` reads (garbage per call is what drives the young collections).
 *
 * `$SIPKIT_ALLOC_INTERVAL`: bytes between samples on average (default 2048).
 * `$SIPKIT_ALLOC_SURVIVORS=1`: leave out what minor GCs collected, so the profile counts only what lived through a
 * young collection (what gets copied and promoted: the survivors that make a scavenge slow).
 * Never: changes what the process does; it only observes (the inspector's in-process session, no port opened).
 */
import { writeFileSync } from "node:fs"
import { Session } from "node:inspector"

/** The environment's names (index access: the environment is a record of any names). */
const OUT = "SIPKIT_ALLOC_OUT"
const INTERVAL = "SIPKIT_ALLOC_INTERVAL"
const SURVIVORS = "SIPKIT_ALLOC_SURVIVORS"

const out = process.env[OUT]
if (out !== undefined && out !== "") {
  const session = new Session()
  session.connect()
  session.post("HeapProfiler.startSampling", {
    samplingInterval: Number(process.env[INTERVAL] ?? 2048),
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: process.env[SURVIVORS] !== "1",
  })
  // the legacy session answers synchronously, so the profile is written before the process is gone
  process.on("exit", () => {
    session.post("HeapProfiler.stopSampling", (error, result) => {
      if (error === null) writeFileSync(out, JSON.stringify(result.profile))
    })
  })
}
