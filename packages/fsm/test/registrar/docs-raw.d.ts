// Vite's `?raw` import, used by the docs tests to read docs/registrar.md and docs/proxy.md without node:fs.
declare module "*registrar.md?raw" {
  const text: string
  export default text
}
declare module "*proxy.md?raw" {
  const text: string
  export default text
}
declare module "*.test.ts?raw" {
  const text: string
  export default text
}
