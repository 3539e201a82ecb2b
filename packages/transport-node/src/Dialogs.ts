/**
 * Dialogs — the dialog store (RFC 3261 §12: the state of each dialog, keyed by Call-ID and tags) as an Effect
 * service, like the location store: an Effect-returning interface so a shared store (Redis, SQL) can fill it later,
 * and `memoryDialogs` keeping the fsm's immutable `Dialog` values in memory (the default).
 *
 * The store holds the protocol state only (the fsm's `Dialog`: route set, remote target, CSeqs, state). What lives
 * in one process — the application's per-call `data` bag, the call handles' hooks, the 2xx retransmission in flight —
 * stays with the engine beside it.
 */
import type { Dialog } from "@sipkit/fsm/dialog"
import { Context, Effect, Layer } from "effect"

export interface DialogStoreShape {
  /** The dialog with this id (`dialogKey` of @sipkit/fsm/dialog), if there is one. */
  readonly get: (id: string) => Effect.Effect<Dialog | undefined>
  /** Creates or replaces a dialog. */
  readonly put: (id: string, dialog: Dialog) => Effect.Effect<void>
  /** Forgets a dialog (it ended). */
  readonly remove: (id: string) => Effect.Effect<void>
  /** How many dialogs are held. */
  readonly size: Effect.Effect<number>
  /** The same operations done at once, offered by a store in this process (the engine's hot path uses them). */
  readonly now?: DialogStoreNow | undefined
}

export interface DialogStoreNow {
  readonly get: (id: string) => Dialog | undefined
  readonly put: (id: string, dialog: Dialog) => void
  readonly remove: (id: string) => void
}

export class DialogStore extends Context.Service<DialogStore, DialogStoreShape>()(
  "@sipkit/transport-node/DialogStore",
) {}

export const memoryDialogs = (): DialogStoreShape => {
  const dialogs = new Map<string, Dialog>()
  const now: DialogStoreNow = {
    get: (id) => dialogs.get(id),
    put: (id, dialog) => void dialogs.set(id, dialog),
    remove: (id) => void dialogs.delete(id),
  }
  return {
    get: (id) => Effect.sync(() => now.get(id)),
    put: (id, dialog) => Effect.sync(() => now.put(id, dialog)),
    remove: (id) => Effect.sync(() => now.remove(id)),
    size: Effect.sync(() => dialogs.size),
    now,
  }
}

/** The in-memory store as a Layer; an endpoint without a `DialogStore` in its context makes one of these. */
export const memoryDialogsLayer = Layer.sync(DialogStore)(memoryDialogs)
