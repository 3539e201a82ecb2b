export const packageName = "@sipkit/codec"
