/**
 * Test-only TLS material: a throwaway self-signed certificate for localhost, 127.0.0.1 and ::1, generated with
 * `openssl` into a fresh temporary directory each test run. Never committed, never used outside the tests.
 */
import { execFileSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { tempDir } from "./tempDir.js"

export interface TestCert {
  readonly cert: string
  readonly key: string
  readonly certPath: string
  readonly keyPath: string
}

let cached: TestCert | undefined

export const testCert = (): TestCert => {
  // the files go with the test file that made them (tempDir): a later file that shares this module makes its own
  if (cached !== undefined && existsSync(cached.certPath)) return cached
  const dir = tempDir("sipkit-cert-")
  const keyPath = join(dir, "key.pem")
  const certPath = join(dir, "cert.pem")
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      keyPath,
      "-out",
      certPath,
      "-days",
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
    ],
    { stdio: "ignore", timeout: 10_000 },
  )
  cached = { cert: readFileSync(certPath, "utf8"), key: readFileSync(keyPath, "utf8"), certPath, keyPath }
  return cached
}
