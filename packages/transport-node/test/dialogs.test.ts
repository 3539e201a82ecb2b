/**
 * The dialog store as a service: an endpoint keeps the fsm's dialog state in the `DialogStore` of its context (the
 * in-memory one by default), reads it for every in-dialog request and forgets it when the dialog ends.
 */
import { expect, it } from "@effect/vitest"
import type { Dialog } from "@sipkit/fsm/dialog"
import { Effect, Stream } from "effect"
import { describe } from "vitest"
import { DialogStore, type DialogStoreShape, memoryDialogs } from "../src/Dialogs.js"
import { respond } from "../src/Handlers.js"
import { endpoint, udp4, uriOf } from "./support/endpoints.js"

/** The in-memory store, with a log of what was written and removed. */
const recording = () => {
  const inner = memoryDialogs()
  const puts: Array<{ readonly id: string; readonly dialog: Dialog }> = []
  const removed: Array<string> = []
  const store: DialogStoreShape = {
    ...inner,
    // an Effect-only store (like a shared one): the engine goes through put/get/remove, not the in-process `now`
    now: undefined,
    put: (id, dialog) =>
      Effect.andThen(
        Effect.sync(() => void puts.push({ id, dialog })),
        inner.put(id, dialog),
      ),
    remove: (id) =>
      Effect.andThen(
        Effect.sync(() => void removed.push(id)),
        inner.remove(id),
      ),
  }
  return { store, puts, removed }
}

describe("DialogStore", () => {
  it.live(
    "both sides keep the dialog in their store: made at the 2xx, advanced by re-INVITE, removed at BYE",
    () =>
      Effect.gen(function* () {
        const callee = recording()
        const caller = recording()
        const b = yield* endpoint([udp4], {
          invite: () => Effect.succeed(respond(200, { body: "v=0\r\n" })),
        }).pipe(Effect.provideService(DialogStore, callee.store))
        const a = yield* endpoint([udp4]).pipe(Effect.provideService(DialogStore, caller.store))
        const call = yield* a.call(uriOf(b), "v=0\r\n")
        yield* call.events.pipe(
          Stream.takeUntil((e) => e._tag === "Answered" || e._tag === "Failed"),
          Stream.runCollect,
          Effect.timeout("3 seconds"),
        )
        expect((yield* b.stats).activeDialogs).toBe(1)
        expect((yield* call.reoffer("v=0\r\n")).status).toBe(200)
        const id = callee.puts[0]!.id
        const state = yield* callee.store.get(id)
        // the re-INVITE's CSeq (2) is what the callee's store holds as the remote sequence number (§12.2.2)
        expect(state?.remoteSeq).toBe(2)
        expect((yield* caller.store.get(caller.puts[0]!.id))?.localSeq).toBe(2)
        yield* call.hangup.pipe(Effect.timeout("3 seconds"))
        yield* Effect.sleep(50)
        expect(callee.removed).toContain(id)
        expect(yield* callee.store.get(id)).toBeUndefined()
        expect(yield* caller.store.size).toBe(0)
        expect((yield* b.stats).activeDialogs).toBe(0)
      }),
  )

  it.live("a request for a dialog its store no longer has is answered 481 (§12.2.2)", () =>
    Effect.gen(function* () {
      const callee = recording()
      const b = yield* endpoint([udp4], {
        invite: () => Effect.succeed(respond(200, { body: "v=0\r\n" })),
        info: () => Effect.succeed(respond(200)),
      }).pipe(Effect.provideService(DialogStore, callee.store))
      const a = yield* endpoint([udp4])
      const call = yield* a.call(uriOf(b), "v=0\r\n")
      yield* call.events.pipe(
        Stream.takeUntil((e) => e._tag === "Answered" || e._tag === "Failed"),
        Stream.runCollect,
        Effect.timeout("3 seconds"),
      )
      expect((yield* call.info("one", "text/plain")).status).toBe(200)
      // a shared store that lost the dialog (expired, another node ended it): the state is what counts
      yield* callee.store.remove(callee.puts[0]!.id)
      expect((yield* call.info("two", "text/plain")).status).toBe(481)
    }),
  )
})
