/**
 * TelUri — `tel:` URIs (RFC 3966 §3):
 *   telephone-uri = "tel:" telephone-subscriber;  global-number = "+" digits with visual separators "-" "." "(" ")"
 *   local-number = hex digits, "*", "#" and separators, with a required ";phone-context=";  par = ";" name ["=" value]
 */
import type { Param } from "../Params.js"
import { getParam } from "../Params.js"
import { type HeaderError, makeHeaderError } from "../ParseError.js"
import { err, ok, type Result } from "../Result.js"
import { isEscapedText, PARAM_EXTRA } from "./Escapes.js"
import type { TelUri } from "./Uri.js"

const isVisual = (c: number): boolean => c === 45 || c === 46 || c === 40 || c === 41
const isDigitC = (c: number): boolean => c >= 48 && c <= 57
const isLocalC = (c: number): boolean =>
  isDigitC(c) || ((c | 0x20) >= 97 && (c | 0x20) <= 102) || c === 42 || c === 35

export const parseTelUri = (rest: string): Result<TelUri, HeaderError> => {
  const semi = rest.indexOf(";")
  const number = semi < 0 ? rest : rest.slice(0, semi)
  const global = number.charCodeAt(0) === 43
  let digits = 0
  for (let i = global ? 1 : 0; i < number.length; i++) {
    const c = number.charCodeAt(i)
    if (global ? isDigitC(c) : isLocalC(c)) digits++
    else if (!isVisual(c)) return err(makeHeaderError("uri", `invalid tel number ${JSON.stringify(number)}`))
  }
  if (digits === 0) return err(makeHeaderError("uri", "tel URI without digits"))
  const params: Param[] = []
  if (semi >= 0)
    for (const part of rest.slice(semi + 1).split(";")) {
      const eq = part.indexOf("=")
      const name = eq < 0 ? part : part.slice(0, eq)
      const value = eq < 0 ? undefined : part.slice(eq + 1)
      if (!isEscapedText(name, "") || (value !== undefined && !isEscapedText(value, PARAM_EXTRA)))
        return err(makeHeaderError("uri", `invalid tel parameter ${JSON.stringify(part)}`))
      params.push({ name, value })
    }
  if (!global && getParam(params, "phone-context") === undefined)
    return err(makeHeaderError("uri", "local tel number without phone-context"))
  return ok({ _tag: "TelUri", number, params })
}

export const printTelUri = (uri: TelUri): string => {
  let out = `tel:${uri.number}`
  for (const p of uri.params) out += p.value === undefined ? `;${p.name}` : `;${p.name}=${p.value}`
  return out
}
