/**
 * KeyText — a transaction key (fsm's TransactionKey: its parts joined by line feeds) as one line for a log:
 * `server z9hG4bKkdjuw fold-and-staple.example.com OPTIONS`, at most 160 characters (an RFC 2543 key holds the
 * whole Request-URI, Call-ID and Via).
 */
export const keyText = (key: string): string => {
  const line = key
    .split("\n")
    .filter((part) => part !== "")
    .join(" ")
  return line.length > 160 ? `${line.slice(0, 159)}…` : line
}
