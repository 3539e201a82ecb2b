/**
 * Main — the `sip` command tree (effect's CLI module), its help, and the exit code of a run.
 *
 * Usage errors (an unknown flag, a bad value, a missing argument, a combination the options modules refuse) print
 * one line on stderr and exit 64; `--help` prints the command's help on stdout and exits 0. Every other code comes
 * from the command (ExitCode.ts).
 */
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as Console from "effect/Console"
import { Argument, CliError, CliOutput, Command, Flag } from "effect/cli"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { runDemo } from "./commands/Demo.js"
import { runListen } from "./commands/Listen.js"
import { runParse } from "./commands/Parse.js"
import { runSend } from "./commands/Send.js"
import { Exit, ExitCode, usage } from "./ExitCode.js"
import { checkListenFlags } from "./options/ListenOptions.js"
import { checkSendFlags } from "./options/SendOptions.js"

export const version = "0.1.0"

const json = Flag.Boolean("json").pipe(
  Flag.withDefault(false),
  Flag.withDescription("print one JSON object per line (per message or event) instead of text"),
)

const optionalString = (name: string, description: string, metavar?: string) =>
  Flag.String(name).pipe(
    Flag.withDescription(description),
    (flag) => (metavar === undefined ? flag : Flag.withMetavar(flag, metavar)),
    Flag.optional,
  )

const optionalInt = (name: string, description: string) =>
  Flag.Int(name).pipe(Flag.withDescription(description), Flag.withMetavar("N"), Flag.optional)

const transportChoice = Flag.String("transport").pipe(
  Flag.withMetavar("udp|tcp|tls|ws"),
  Flag.withDescription("transport: udp (default), tcp, tls or ws"),
)

const get = Option.getOrUndefined

/** A checked plan, or a usage error on one line. */
const checked = <A>(command: string, result: { _tag: "Ok"; value: A } | { _tag: "Err"; error: string }) =>
  result._tag === "Ok" ? Effect.succeed(result.value) : Effect.fail(usage(`sip ${command}: ${result.error}`))

const parse = Command.make(
  "parse",
  {
    file: Argument.String("FILE").pipe(
      Argument.withDescription(
        "a file holding one SIP message or a stream of them; - or nothing reads stdin",
      ),
      Argument.optional,
    ),
    json,
  },
  (flags) => runParse({ file: get(flags.file), json: flags.json }),
).pipe(
  Command.withDescription(
    "Decode a SIP message (or a stream of them) and print its structure: every header with its typed view. " +
      "Exit 1 with the reason and byte offset at the first malformed message.",
  ),
  Command.withExamples([
    { command: "sip parse invite.sip", description: "print the structure of one message" },
    { command: "cat capture.sip | sip parse --json -", description: "one typed JSON object per message" },
  ]),
)

const send = Command.make(
  "send",
  {
    method: Argument.String("METHOD").pipe(Argument.withDescription("OPTIONS, INVITE, REGISTER, MESSAGE, …")),
    uri: Argument.String("URI").pipe(
      Argument.withDescription("the Request-URI, e.g. sip:bob@127.0.0.1:5060"),
    ),
    from: optionalString("from", "From URI or name-addr (default sip:sip@<local address>)", "URI"),
    to: optionalString("to", "To URI or name-addr (default: the Request-URI)", "URI"),
    header: Flag.String("header").pipe(
      Flag.withMetavar("'Name: value'"),
      Flag.withDescription("an extra header (repeatable)"),
      Flag.atLeast(0),
    ),
    body: optionalString("body", "send the file's bytes as the body", "FILE"),
    sdp: optionalString(
      "sdp",
      "send the file as an SDP body (INVITE sends a default audio offer without it)",
      "FILE",
    ),
    contentType: optionalString("content-type", "Content-Type of --body (default text/plain)", "TYPE"),
    transport: transportChoice.pipe(Flag.withDefault("udp")),
    proxy: optionalString("proxy", "outbound proxy: send the request there, with a Route to it", "URI"),
    user: optionalString("user", "user name to answer a 401/407 digest challenge with", "NAME"),
    password: optionalString("password", "password for --user", "PASSWORD"),
    timeoutMs: Flag.Int("timeout-ms").pipe(
      Flag.withMetavar("N"),
      Flag.withDescription("give up (exit 2) without a final response after N ms (default 32000 = 64·T1)"),
      Flag.withDefault(32_000),
    ),
    hangupAfterMs: optionalInt("hangup-after-ms", "INVITE: send BYE N ms after the call is up"),
    cancelAfterMs: optionalInt("cancel-after-ms", "INVITE: send CANCEL if no final response after N ms"),
    expires: optionalInt("expires", "REGISTER: the Expires value (0 removes the binding)"),
    count: Flag.Int("count").pipe(
      Flag.withMetavar("N"),
      Flag.withDescription("send N requests (a small load generator: progress and summary)"),
      Flag.optional,
    ),
    rate: Flag.Finite("rate").pipe(
      Flag.withMetavar("R"),
      Flag.withDescription("with --count: start R requests per second (default 10)"),
      Flag.optional,
    ),
    bindHost: Flag.String("bind-host").pipe(
      Flag.withMetavar("HOST"),
      Flag.withDescription("local address to send from (default 127.0.0.1)"),
      Flag.withDefault("127.0.0.1"),
    ),
    ca: optionalString("ca", "--transport tls: a PEM file of certificates to trust", "FILE"),
    cert: optionalString(
      "cert",
      "--transport tls: our PEM certificate (the runtime's TLS needs one)",
      "FILE",
    ),
    key: optionalString("key", "--transport tls: our PEM private key", "FILE"),
    dns: optionalString(
      "dns",
      "answer RFC 3263's DNS questions from this JSON zone only (naptr, srv, a, aaaa)",
      "FILE",
    ),
    bindPort: Flag.Int("bind-port").pipe(
      Flag.withMetavar("PORT"),
      Flag.withDescription("local port to send from (default 0: any free port)"),
      Flag.withDefault(0),
    ),
    json,
  },
  (flags) =>
    Effect.flatMap(
      checked(
        "send",
        checkSendFlags({
          ...flags,
          from: get(flags.from),
          to: get(flags.to),
          body: get(flags.body),
          sdp: get(flags.sdp),
          contentType: get(flags.contentType),
          proxy: get(flags.proxy),
          user: get(flags.user),
          password: get(flags.password),
          hangupAfterMs: get(flags.hangupAfterMs),
          cancelAfterMs: get(flags.cancelAfterMs),
          expires: get(flags.expires),
          count: get(flags.count),
          rate: get(flags.rate),
          ca: get(flags.ca),
          cert: get(flags.cert),
          key: get(flags.key),
          dns: get(flags.dns),
        }),
      ),
      runSend,
    ),
).pipe(
  Command.withDescription(
    "Send a request and follow the whole exchange (1xx, final, ACK, BYE). Exit 0 on a 2xx final response, " +
      "1 on any other final response, 2 on a timeout or transport error, 64 on a usage error.",
  ),
  Command.withExamples([
    { command: "sip send OPTIONS sip:127.0.0.1:5060", description: "ping an endpoint" },
    {
      command: "sip send INVITE sip:bob@127.0.0.1:5060 --hangup-after-ms 1000",
      description: "call, talk for a second, hang up",
    },
    {
      command:
        "sip send REGISTER sip:127.0.0.1:5060 --from sip:alice@127.0.0.1 --user alice --password secret",
      description: "register through a digest challenge",
    },
  ]),
)

const listen = Command.make(
  "listen",
  {
    host: Flag.String("host").pipe(
      Flag.withMetavar("HOST"),
      Flag.withDescription("address to listen on (default 127.0.0.1)"),
      Flag.withDefault("127.0.0.1"),
    ),
    port: Flag.Int("port").pipe(
      Flag.withMetavar("PORT"),
      Flag.withDescription("port to listen on (default 5060)"),
      Flag.withDefault(5060),
    ),
    transport: transportChoice.pipe(
      Flag.withDescription(
        "transport to listen on, repeatable: udp (default), tcp, tls (--port + 1) or ws (--port + 2)",
      ),
      Flag.atLeast(0),
    ),
    answer: Flag.Int("answer").pipe(
      Flag.withMetavar("CODE"),
      Flag.withDescription("final status for INVITE: 200 (with an SDP answer, the default) or 300..699"),
      Flag.withDefault(200),
    ),
    redirect: Flag.String("redirect").pipe(
      Flag.withMetavar("URI"),
      Flag.withDescription("with --answer 3xx: a Contact of the redirection, where to retry (repeatable)"),
      Flag.atLeast(0),
    ),
    ringMs: Flag.Int("ring-ms").pipe(
      Flag.withMetavar("N"),
      Flag.withDescription("ring (180) for N ms before the final response (default 0)"),
      Flag.withDefault(0),
    ),
    earlyMedia: Flag.Boolean("early-media").pipe(
      Flag.withDescription("send 183 Session Progress with the SDP answer before the final response"),
      Flag.withDefault(false),
    ),
    registrar: Flag.Boolean("registrar").pipe(
      Flag.withDescription("accept REGISTER (digest with --user, else anyone)"),
      Flag.withDefault(false),
    ),
    user: Flag.String("user").pipe(
      Flag.withMetavar("NAME:PASSWORD"),
      Flag.withDescription("a user the registrar challenges for (repeatable)"),
      Flag.atLeast(0),
    ),
    realm: optionalString("realm", "digest realm, also a domain served (default: the --host)", "REALM"),
    cert: optionalString("cert", "--transport tls: PEM certificate file", "FILE"),
    key: optionalString("key", "--transport tls: PEM private key file", "FILE"),
    dns: optionalString(
      "dns",
      "answer RFC 3263's DNS questions from this JSON zone only (naptr, srv, a, aaaa)",
      "FILE",
    ),
    proxy: Flag.Boolean("proxy").pipe(
      Flag.withDescription(
        "route requests for registered AORs to their contacts, Record-Routing (implies --registrar)",
      ),
      Flag.withDefault(false),
    ),
    quiet: Flag.Boolean("quiet").pipe(
      Flag.withDescription("print no ladder, only the start line and the summary"),
      Flag.withDefault(false),
    ),
    json,
  },
  (flags) =>
    Effect.flatMap(
      checked(
        "listen",
        checkListenFlags({
          ...flags,
          transport: flags.transport.length === 0 ? ["udp"] : flags.transport,
          realm: get(flags.realm),
          cert: get(flags.cert),
          key: get(flags.key),
          dns: get(flags.dns),
        }),
      ),
      runListen,
    ),
).pipe(
  Command.withDescription(
    "A SIP element on loopback (or any address) that answers at once: OPTIONS 200, INVITE 180 then 200 with an " +
      "SDP answer (or --answer CODE), BYE 200, CANCEL 200 + 487, unknown methods 501. Runs until SIGINT/SIGTERM, " +
      "then prints a summary and exits 0.",
  ),
  Command.withExamples([
    { command: "sip listen --port 5070", description: "a UAS on 127.0.0.1:5070" },
    { command: "sip listen --answer 486 --ring-ms 500", description: "ring half a second, then busy" },
    { command: "sip listen --registrar --user alice:secret", description: "a registrar with digest" },
  ]),
)

const demo = Command.make(
  "demo",
  {
    json,
  },
  (flags) => runDemo({ json: flags.json }),
).pipe(
  Command.withDescription(
    "Run the seed's flows on loopback in one process and print the ladder of every message (what npm start runs).",
  ),
)

export const root = Command.make("sip").pipe(
  Command.withDescription("sip: send, listen, parse — a SIP engineer's command line (sipkit)"),
  Command.withSubcommands([parse, send, listen, demo]),
)

const firstErrorLine = (errors: ReadonlyArray<{ readonly message: string }>): string =>
  (errors[0]?.message ?? "invalid invocation").split("\n")[0] ?? ""

/** Help on stdout as effect formats it; an invalid invocation as one line on stderr. */
const presenter: CliOutput.Presenter = {
  present: (event) => {
    switch (event._tag) {
      case "Help":
        return Console.log(CliOutput.defaultFormatter({ colors: false }).formatHelpDoc(event.helpDoc))
      case "Version":
        return Console.log(`${event.name} ${event.version}`)
      case "InvalidInvocation":
        return Console.error(
          `${event.commandPath.join(" ")}: ${firstErrorLine(event.errors)} (see ${event.commandPath.join(" ")} --help)`,
        )
    }
  },
}

const exitCodeOf = (error: unknown): Effect.Effect<number> => {
  if (error instanceof Exit)
    return error.message === ""
      ? Effect.succeed(error.code)
      : Effect.as(Console.error(error.message), error.code)
  if (CliError.isCliError(error)) {
    if (error._tag === "ShowHelp")
      return Effect.succeed(error.errors.length > 0 ? ExitCode.usage : ExitCode.ok)
    return Effect.as(Console.error(`sip: ${error.message.split("\n")[0]}`), ExitCode.usage)
  }
  return Effect.as(Console.error(`sip: internal error: ${String(error)}`), ExitCode.software)
}

/** Runs `sip` with these arguments (without `node` and the script) and gives the exit code. */
export const main = (args: ReadonlyArray<string>): Effect.Effect<number> =>
  Command.runWith(root, { version })(args).pipe(
    Effect.as(ExitCode.ok as number),
    Effect.catchCause((cause) => {
      const failure = cause.reasons.find((reason) => reason._tag === "Fail")
      if (failure !== undefined && failure._tag === "Fail") return exitCodeOf(failure.error)
      const defect = cause.reasons.find((reason) => reason._tag === "Die")
      return exitCodeOf(defect !== undefined && defect._tag === "Die" ? defect.defect : "interrupted")
    }),
    Effect.provideService(CliOutput.Presenter, presenter),
    Effect.provide(NodeServices.layer),
  )
