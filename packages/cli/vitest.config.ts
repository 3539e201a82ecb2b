import { defineConfig } from "vitest/config"

// The CLI tests run the built binary and SIPp as child processes: each bounded by its own timeout (test/support).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
