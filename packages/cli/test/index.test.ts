import { describe, expect, it } from "vitest"
import { packageName } from "../src/index.js"

describe("package", () => {
  it("is named", () => {
    expect(packageName).toBe("@sipkit/cli")
  })
})
