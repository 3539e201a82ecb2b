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
}

export class DialogStore extends Context.Service<DialogStore, DialogStoreShape>()(
  "@sipkit/transport-node/DialogStore",
) {}

export const memoryDialogs = (): DialogStoreShape => {
  const dialogs = new Map<string, Dialog>()
  return {
    get: (id) => Effect.sync(() => dialogs.get(id)),
    put: (id, dialog) => Effect.sync(() => void dialogs.set(id, dialog)),
    remove: (id) => Effect.sync(() => void dialogs.delete(id)),
    size: Effect.sync(() => dialogs.size),
  }
}

/** The in-memory store as a Layer; an endpoint without a `DialogStore` in its context makes one of these. */
export const memoryDialogsLayer = Layer.sync(DialogStore)(memoryDialogs)
