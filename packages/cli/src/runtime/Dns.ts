/**
 * Dns — which resolver a command's endpoint asks RFC 3263's questions: the system's (transport-node's `nodeDns`), or
 * with `--dns FILE` the zone in that file only (options/Zone.ts). A file that cannot be read is exit 66, one that
 * does not hold a zone exit 64, each one line.
 */
import { nodeDnsLayer, type SipDns, staticDnsLayer } from "@sipkit/transport-node"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import { Exit, ExitCode } from "../ExitCode.js"
import { parseZone } from "../options/Zone.js"
import { readUserFile } from "../ReadFile.js"

export const dnsLayerFor = (
  command: string,
  file: string | undefined,
): Effect.Effect<Layer.Layer<SipDns>, Exit> =>
  file === undefined
    ? Effect.succeed(nodeDnsLayer)
    : readUserFile(command, file, "--dns").pipe(
        Effect.flatMap((bytes) => {
          const zone = parseZone(new TextDecoder().decode(bytes))
          return zone._tag === "Err"
            ? Effect.fail(
                new Exit({ code: ExitCode.usage, message: `${command}: --dns ${file}: ${zone.error}` }),
              )
            : Effect.succeed(staticDnsLayer(zone.value))
        }),
      )
