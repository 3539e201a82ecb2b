/**
 * Result — the value every fallible codec function returns instead of throwing.
 *
 * Network input never throws (RFC 3261 §18.3 says what to answer; the codec says which status). A `Result` is a
 * tagged union: `Ok { value }` or `Err { error }`.
 */
export type Result<A, E> = Ok<A> | Err<E>

export interface Ok<A> {
  readonly _tag: "Ok"
  readonly value: A
}

export interface Err<E> {
  readonly _tag: "Err"
  readonly error: E
}

export const ok = <A>(value: A): Ok<A> => ({ _tag: "Ok", value })

export const err = <E>(error: E): Err<E> => ({ _tag: "Err", error })

export const isOk = <A, E>(result: Result<A, E>): result is Ok<A> => result._tag === "Ok"

export const isErr = <A, E>(result: Result<A, E>): result is Err<E> => result._tag === "Err"
