import { WebSocket, type RawData } from 'ws'

/**
 * One Live API session's two sockets: the client's, accepted by keypool, and the upstream's,
 * opened once the client's setup message named its model. Messages pass unchanged both ways
 * (text stays text, binary stays binary); those the client sends before the upstream is open
 * wait, bounded. A close on either side closes the other with the same code when it may be
 * sent, so that SDKs see Google's own reasons.
 */

/** Bytes a client may send before the upstream opens (the setup, perhaps a first turn). */
const MAX_QUEUED_BYTES = 16 * 1024 * 1024
/** Close reasons are at most 123 bytes (RFC 6455 §5.5). */
const MAX_REASON_BYTES = 123

interface Queued {
  readonly data: RawData
  readonly isBinary: boolean
}

export class LiveSession {
  readonly client: WebSocket
  #upstream: WebSocket | undefined
  #queued: Queued[] = []
  #queuedBytes = 0
  #isEnded = false
  readonly #onFirst: (data: RawData) => void
  readonly #onEnd: () => void

  /** `onFirst` gets the client's first message (the setup); `onEnd` runs once, at the end. */
  constructor(client: WebSocket, onFirst: (data: RawData) => void, onEnd: () => void) {
    this.client = client
    this.#onFirst = onFirst
    this.#onEnd = onEnd
    client.on('message', (data, isBinary) => this.#fromClient(data, isBinary))
    client.on('close', (code, reason) => this.#clientClosed(code, reason))
    client.on('error', () => this.#end())
  }

  get isEnded(): boolean {
    return this.#isEnded
  }

  /** The upstream is open: what the client sent so far goes first, then both ways as it comes. */
  attach(upstream: WebSocket): void {
    if (this.#isEnded) {
      upstream.terminate()
      return
    }
    this.#upstream = upstream
    for (const { data, isBinary } of this.#queued) upstream.send(data, { binary: isBinary })
    this.#queued = []
    upstream.on('message', (data, isBinary) => {
      if (this.client.readyState === WebSocket.OPEN) this.client.send(data, { binary: isBinary })
    })
    upstream.on('close', (code, reason) => this.close(code, reason.toString('utf8')))
    upstream.on('error', () => this.close(1011, 'keypool: the upstream connection failed'))
  }

  /** Ends the session: closes the client with `code` (1011 when it may not be sent). */
  close(code: number, reason: string): void {
    if (this.client.readyState === WebSocket.OPEN) {
      if (code === 1006) this.client.terminate()
      else this.client.close(sendable(code), clip(reason))
    } else if (this.client.readyState === WebSocket.CONNECTING) this.client.terminate()
    this.#closeUpstream(1000, '')
    this.#end()
  }

  #fromClient(data: RawData, isBinary: boolean): void {
    if (this.#upstream?.readyState === WebSocket.OPEN) {
      this.#upstream.send(data, { binary: isBinary })
      return
    }
    const isFirst = this.#queued.length === 0 && this.#queuedBytes === 0
    this.#queued.push({ data, isBinary })
    this.#queuedBytes += byteLength(data)
    if (this.#queuedBytes > MAX_QUEUED_BYTES)
      return this.close(1009, 'keypool: too much before setup')
    if (isFirst) this.#onFirst(data)
  }

  #clientClosed(code: number, reason: Buffer): void {
    this.#closeUpstream(code, reason.toString('utf8'))
    this.#end()
  }

  #closeUpstream(code: number, reason: string): void {
    const upstream = this.#upstream
    if (!upstream) return
    if (upstream.readyState === WebSocket.OPEN) upstream.close(sendable(code), clip(reason))
    else if (upstream.readyState === WebSocket.CONNECTING) upstream.terminate()
  }

  #end(): void {
    if (this.#isEnded) return
    this.#isEnded = true
    this.#queued = []
    this.#onEnd()
  }
}

/** Codes an endpoint may put in a close frame; others (1005, 1006, 1015) become 1011 or 1000. */
export function sendable(code: number): number {
  if (code === 1005) return 1000
  if ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014)) return code
  return code >= 3000 && code <= 4999 ? code : 1011
}

function clip(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8')
  if (bytes.length <= MAX_REASON_BYTES) return reason
  // Cut on a character boundary: a half UTF-8 sequence makes the frame invalid.
  let end = MAX_REASON_BYTES
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--
  return bytes.subarray(0, end).toString('utf8')
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, piece) => sum + piece.length, 0)
  return data instanceof ArrayBuffer ? data.byteLength : data.length
}
