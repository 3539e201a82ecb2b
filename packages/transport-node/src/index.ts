/** @module — filled in by the issues that build this package. */
export const packageName = "@sipkit/transport-node"
