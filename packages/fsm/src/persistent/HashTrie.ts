/**
 * HashTrie — the old name of the reducers' one persistent map, kept only so that its three importers (ua/UaState.ts,
 * transaction/TransactionTable.ts, proxy/PersistentMap.ts) need no change of code: the map behind it is now the
 * rerooting map (`RerootingMap.ts`), and the hash trie is gone. Importers should name `emptyRerootingMap`; this file
 * goes when the last of them does.
 */
export { emptyRerootingMap as emptyHashTrie } from "./RerootingMap.js"
