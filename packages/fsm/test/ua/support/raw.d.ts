// Vite's `?raw` import (used by the docs tests to read docs/*.md and their own source without node:fs).
declare module "*?raw" {
  const text: string
  export default text
}
