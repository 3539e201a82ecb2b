/**
 * PersistentMap — the proxy's name for the reducers' one immutable map (`../persistent/`): one entry per response
 * context and per branch, updated in O(1) whatever the number of calls in progress.
 */
import { emptyRerootingMap } from "../persistent/RerootingMap.js"

export type { PersistentMap } from "../persistent/PersistentMap.js"

export const emptyPersistentMap = emptyRerootingMap
