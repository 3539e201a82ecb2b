/**
 * fields — what the benchmark task reads out of every parsed datagram: what a transaction layer needs to match a
 * message to its transaction and dialog (RFC 3261 §17.1.3, §17.2.3, §12).
 */
export interface Fields {
  readonly branch: string | undefined
  readonly fromTag: string | undefined
  readonly toTag: string | undefined
  readonly cseq: number
  readonly method: string
  readonly callId: string
}

/** The fields as one comparable line, for the cross-check before timing. */
export const fieldsKey = (f: Fields): string =>
  JSON.stringify([f.branch ?? null, f.fromTag ?? null, f.toTag ?? null, f.cseq, f.method, f.callId])

/** What each corpus message must yield, read off the files by hand: every parser is checked against it. */
export const expected: Readonly<Record<string, Fields>> = {
  invite: {
    branch: "z9hG4bK74bf9",
    fromTag: "9fxced76sl",
    toTag: undefined,
    cseq: 1,
    method: "INVITE",
    callId: "3848276298220188511@atlanta.example.com",
  },
  ringing: {
    branch: "z9hG4bK4b43c2ff8.1",
    fromTag: "1928301774",
    toTag: "a6c85cf",
    cseq: 314159,
    method: "INVITE",
    callId: "a84b4c76e66710@pc33.atlanta.example.com",
  },
  register: {
    branch: "z9hG4bKnashds7",
    fromTag: "456248",
    toTag: undefined,
    cseq: 1826,
    method: "REGISTER",
    callId: "843817637684230@998sdasdh09",
  },
}
