/**
 * OwnString — a value kept after its message is gone, as a string of its own.
 *
 * What the parser and the typed readers give (header values, URIs, tags, parameters) are slices of the message's
 * text, and V8 makes a slice of 13 characters or more a view of the string it was cut from: keeping one value keeps
 * the whole datagram. A dialog or a transaction that holds a few such values for 64·T1 (32 s) holds its INVITE's
 * text with them. `ownString` gives the same text backed by no other string.
 *
 * How: the text's two parts (views) joined by `Array#join` are written into one new flat string; the views, and the
 * datagram, can go. (`[text].join("")` gives `text` itself back, and `+` makes a cons string that points at both
 * views until something flattens it; a read such as `charCodeAt` does not copy.) Measured on 60-character slices
 * of 2 KB texts: ~89 bytes held per value (the string alone) against ~2,100 for the slice, ~100–110 ns each.
 * Slices shorter than 13 characters are copies already, and come back as they are.
 */

/** `text` as a string of its own (the same characters; keeps no longer string alive). */
export const ownString = (text: string): string =>
  text.length < 13 ? text : [text.slice(0, 1), text.slice(1)].join("")
