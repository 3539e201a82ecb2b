/**
 * Zone — the `--dns FILE` of `sip send` and `sip listen`: RFC 3263's DNS questions (NAPTR, SRV, A, AAAA) answered from
 * a JSON file only, no DNS server and no /etc/hosts — a lab's names, or a test's, the same on every machine:
 *
 *   { "srv": { "_sip._udp.example.com": [{ "priority": 0, "weight": 0, "port": 5070, "target": "pbx.example.com" }] },
 *     "a": { "pbx.example.com": ["127.0.0.1"] } }
 *
 * `naptr` records are `{ order, preference, flags, service, regexp, replacement }` (RFC 3403), `aaaa` lists IPv6
 * addresses. Names are matched without regard to case (RFC 4343). A pure check from the file's text to the zone, or
 * one line saying what is wrong.
 */
import { isIP } from "node:net"
import { err, ok, type Result } from "@sipkit/codec"
import type { StaticZone } from "@sipkit/transport-node"

type Table<A> = Record<string, ReadonlyArray<A>>

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const isCount = (value: unknown, max: number): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= max

/** One record set: `check` says what is wrong with a record, or undefined. */
const tableOf = (
  kind: string,
  value: unknown,
  check: (record: unknown) => string | undefined,
): Result<Table<unknown>, string> => {
  if (!isObject(value)) return err(`"${kind}" must map names to lists of records`)
  const table: Table<unknown> = {}
  for (const [name, records] of Object.entries(value)) {
    if (!Array.isArray(records)) return err(`"${kind}" of ${JSON.stringify(name)} must be a list`)
    for (const record of records) {
      const fault = check(record)
      if (fault !== undefined) return err(`"${kind}" of ${JSON.stringify(name)}: ${fault}`)
    }
    table[name.toLowerCase()] = records
  }
  return ok(table)
}

const srvFault = (record: unknown): string | undefined =>
  isObject(record) &&
  isCount(record["priority"], 65535) &&
  isCount(record["weight"], 65535) &&
  isCount(record["port"], 65535) &&
  typeof record["target"] === "string"
    ? undefined
    : "a record is { priority, weight, port, target } (RFC 2782)"

const naptrFault = (record: unknown): string | undefined =>
  isObject(record) &&
  isCount(record["order"], 65535) &&
  isCount(record["preference"], 65535) &&
  ["flags", "service", "regexp", "replacement"].every((field) => typeof record[field] === "string")
    ? undefined
    : "a record is { order, preference, flags, service, regexp, replacement } (RFC 3403)"

const addressFault =
  (family: 4 | 6) =>
  (record: unknown): string | undefined =>
    typeof record === "string" && isIP(record) === family
      ? undefined
      : `${JSON.stringify(record)} is not an IPv${family} address`

const kinds = ["naptr", "srv", "a", "aaaa"] as const

/** What is wrong with one record of each type. */
const faultOf: Record<(typeof kinds)[number], (record: unknown) => string | undefined> = {
  naptr: naptrFault,
  srv: srvFault,
  a: addressFault(4),
  aaaa: addressFault(6),
}

/** The zone a `--dns` file holds, or what is wrong with it (one line). */
export const parseZone = (text: string): Result<StaticZone, string> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (cause) {
    return err(`not JSON: ${cause instanceof Error ? cause.message : String(cause)}`)
  }
  if (!isObject(json)) return err(`must be an object with ${kinds.join(", ")}`)
  const unknown = Object.keys(json).find((key) => !(kinds as ReadonlyArray<string>).includes(key))
  if (unknown !== undefined)
    return err(`unknown record type ${JSON.stringify(unknown)} (${kinds.join(", ")})`)
  const zone: Record<string, Table<unknown>> = {}
  for (const kind of kinds) {
    if (json[kind] === undefined) continue
    const table = tableOf(kind, json[kind], faultOf[kind])
    if (table._tag === "Err") return table
    zone[kind] = table.value
  }
  return ok(zone as StaticZone) // each table's records passed its type's check
}
