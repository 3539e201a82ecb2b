/** @module @sipkit/fsm — pure reducers for SIP: transactions, dialogs, UA cores, registrar, proxy. */
export const packageName = "@sipkit/fsm"
export * as dialog from "./dialog/index.js"
export * as proxy from "./proxy/index.js"
export * as registrar from "./registrar/index.js"
export * from "./transaction/index.js"
export * as ua from "./ua/index.js"
