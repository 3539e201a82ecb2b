/**
 * fuzzWire — how the fuzz driver (fuzzListen.ts) reaches `sip listen`: one UDP socket, or TCP connections opened as
 * needed and cut into messages by their Content-Length (RFC 3261 §18.3). Every wait is bounded.
 */
import * as dgram from "node:dgram"
import * as net from "node:net"

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))
export const firstLine = (text: string) => text.split("\r\n")[0] ?? ""

/** How the driver reaches the listener: one UDP socket, or TCP connections opened as needed. */
export interface Wire {
  /** the Via's transport (§18.1.1: "the transport protocol used to send the request") */
  readonly transport: "UDP" | "TCP"
  /** the driver's address on the socket or connection in use: the Via's sent-by and the Contact's host and port */
  readonly local: () => string
  /** what came back, a message each, in order (datagrams; over TCP, what `frameStream` cut from each connection) */
  readonly received: Array<string>
  /** TCP: makes sure a connection is open, a new one when `fresh` or when the listener closed the last one */
  readonly open: (fresh?: boolean) => Promise<void>
  readonly send: (text: string) => Promise<void>
  /** TCP: waits until something comes back or the connection closes, at most `ms`; UDP: returns at once */
  readonly settle: (ms: number) => Promise<void>
  /** TCP: how many connections the listener closed */
  readonly closedByListener: () => number
  readonly close: () => void
}

export const makeUdpWire = async (port: number): Promise<Wire> => {
  const socket = dgram.createSocket("udp4")
  await new Promise<void>((done) => socket.bind(0, "127.0.0.1", done))
  const local = `127.0.0.1:${socket.address().port}`
  const received: Array<string> = []
  socket.on("message", (bytes) => received.push(bytes.toString("latin1")))
  return {
    transport: "UDP",
    local: () => local,
    received,
    open: async () => {},
    send: (text) =>
      new Promise((done) => socket.send(Buffer.from(text, "latin1"), port, "127.0.0.1", () => done())),
    settle: async () => {},
    closedByListener: () => 0,
    close: () => socket.close(),
  }
}

/**
 * Cuts what a connection delivered into messages (RFC 3261 §18.3): CRLFs between messages skipped (keep-alives,
 * RFC 5626 §4.4.1), a header section up to CRLFCRLF, then Content-Length bytes. "The Content-Length header field MUST
 * be used with stream oriented transports" (§18.3): a message without one is a framing error, and the stream
 * cannot be read past it. The latin1 text of the stream has one character per byte.
 */
export const frameStream = (buffer: string): { messages: Array<string>; rest: string; error?: string } => {
  const messages: Array<string> = []
  let rest = buffer
  for (;;) {
    rest = rest.replace(/^(?:\r\n)+/, "")
    const end = rest.indexOf("\r\n\r\n")
    if (end < 0) return { messages, rest }
    const length = /^(?:Content-Length|l)[ \t]*:[ \t]*(\d+)[ \t]*$/im.exec(rest.slice(0, end))?.[1]
    if (length === undefined)
      return {
        messages,
        rest: "",
        error: `framing error, no Content-Length: ${firstLine(rest).slice(0, 100)}`,
      }
    const size = end + 4 + Number(length)
    if (rest.length < size) return { messages, rest }
    messages.push(rest.slice(0, size))
    rest = rest.slice(size)
  }
}

interface TcpConnection {
  readonly local: string
  readonly isOpen: () => boolean
  readonly write: (text: string) => Promise<void>
  /** we end it (a batch ends, or the stream back broke): not counted as the listener's close */
  readonly hangUp: () => void
}

/**
 * A TCP connection to the listener, or undefined when it cannot be made within a second (the listener is gone: the
 * report says so). What `frameStream` cuts from it goes to `received`; `onClosedByListener` when the listener ends it.
 */
const connectTcp = (
  port: number,
  received: Array<string>,
  onClosedByListener: () => void,
): Promise<TcpConnection | undefined> =>
  new Promise((done) => {
    const socket = net.connect({ host: "127.0.0.1", port, localAddress: "127.0.0.1" })
    const timeout = setTimeout(() => socket.destroy(), 1000)
    let buffer = ""
    let connected = false
    let ours = false
    const hangUp = () => {
      ours = true
      socket.end()
    }
    socket.on("data", (chunk: Buffer) => {
      const framed = frameStream(buffer + chunk.toString("latin1"))
      buffer = framed.rest
      received.push(...framed.messages)
      if (framed.error === undefined) return
      received.push(framed.error)
      hangUp()
    })
    socket.on("error", () => {}) // a write after the listener closed (EPIPE, ECONNRESET): its close is counted
    socket.once("close", () => {
      clearTimeout(timeout)
      done(undefined) // when not connected yet
      if (connected && !ours) onClosedByListener()
    })
    socket.once("connect", () => {
      clearTimeout(timeout)
      connected = true
      // ends at once if the listener does not take the bytes: every wait is bounded
      const write = (text: string) =>
        Promise.race([
          new Promise<void>((written) => socket.write(Buffer.from(text, "latin1"), () => written())),
          sleep(500),
        ]).then(() => {})
      done({
        local: `${socket.localAddress}:${socket.localPort}`,
        isOpen: () => !socket.destroyed && socket.writable,
        write,
        hangUp,
      })
    })
  })

export const makeTcpWire = (port: number): Wire => {
  const received: Array<string> = []
  let connection: TcpConnection | undefined
  let closes = 0
  const isOpen = () => connection?.isOpen() === true
  return {
    transport: "TCP",
    local: () => connection?.local ?? "127.0.0.1:0",
    received,
    open: async (fresh = false) => {
      if (isOpen() && !fresh) return
      // one the listener closed is not hung up: its close is the listener's
      if (isOpen()) connection?.hangUp()
      connection = await connectTcp(port, received, () => closes++)
    },
    send: async (text) => {
      if (isOpen()) await connection?.write(text)
    },
    settle: async (ms) => {
      const seen = received.length
      const deadline = Date.now() + ms
      while (Date.now() < deadline && received.length === seen && isOpen()) await sleep(2)
    },
    closedByListener: () => closes,
    close: () => {
      if (isOpen()) connection?.hangUp()
    },
  }
}
