/**
 * countTask — a driver for counting the instructions of the benchmark task, which other work on the machine does
 * not disturb (wall and thread time do). It warms up on the whole mix `codec.bench.ts` runs in one process (the
 * three messages; bytes and string; in-place and typed readers; parse; serialize), so the code is as polymorphic
 * as in the benchmark — a warm-up on the INVITE alone measured ~2,800 instructions fewer per task — then runs one
 * unit N times. Count it under valgrind at two N and divide the difference, so start-up and compilation cancel:
 *
 *   valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
 *     ../node_modules/.bin/node --single-threaded src/countTask.ts 100000 invite task
 *   (again with 300000; instructions per task = (I refs₃₀₀ₖ − I refs₁₀₀ₖ) / 200000)
 *
 * `--single-threaded` compiles on the main thread: without it a concurrent compile's timing moves the count of the
 * same build by up to ~5% between runs; with it, repeated runs agree within ~0.2%.
 *
 * Usage: node src/countTask.ts N [invite|ringing|register] [task|parse]
 *
 * It is `countMix.ts` with the whole mix as its warm-up (`all:btspz`, the same loops in the same order); that file
 * takes the warm-up as a fourth argument, to bisect it.
 */
import "./countMix.ts"
