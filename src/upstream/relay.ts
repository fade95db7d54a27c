import type { ServerResponse } from 'node:http'
import { Writable } from 'node:stream'
import { UsageScanner } from '../gemini/usage.js'

/** Response headers that describe one hop, never passed on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection'])

/**
 * Carries an upstream answer to the client byte for byte, as it arrives, honouring the client's
 * back-pressure; on the way it reads token usage and whether a stream ended properly.
 */
export class ResponseRelay extends Writable {
  readonly usage = new UsageScanner()
  readonly #res: ServerResponse
  /** Clock time of the first body byte sent to the client, for the first-byte histogram. */
  firstByteAt: number | undefined
  bytes = 0
  /** Sees every answer chunk on its way (resource names a create or list answer holds). */
  observe: ((chunk: Buffer) => void) | undefined
  readonly #now: () => number

  constructor(res: ServerResponse, now: () => number) {
    super({ highWaterMark: 64 * 1024 })
    this.#res = res
    this.#now = now
  }

  /** Writes the status line and headers: upstream's, minus hop-by-hop ones, plus keypool's. */
  writeHead(
    status: number,
    upstream: Record<string, string | string[] | undefined>,
    own: Record<string, string>,
  ): void {
    const headers: Record<string, string | string[]> = {}
    for (const name in upstream) {
      const value = upstream[name]
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value
    }
    for (const name in own) headers[name] = own[name]!
    this.#res.writeHead(status, headers)
    // A stream's first event may take a while and clients wait on the headers, so they go out
    // once the upstream chunk being parsed is done with. Not at once: a body that came in the
    // same chunk goes in the same write, and one write syscall less per answer was 8 % of
    // keypool's CPU (`npm run bench`, profiled).
    queueMicrotask(() => this.#flushIfNoBody())
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error) => void): void {
    if (this.firstByteAt === undefined) this.firstByteAt = this.#now()
    this.bytes += chunk.length
    this.usage.scan(chunk)
    this.observe?.(chunk)
    if (this.#res.write(chunk)) done()
    else this.#res.once('drain', () => done())
  }

  override _final(done: () => void): void {
    this.#res.end(done)
  }

  /** `headersSent` is true from `writeHead` on; no body written and no end mean still pending. */
  #flushIfNoBody(): void {
    const res = this.#res
    if (this.firstByteAt === undefined && !res.writableEnded && !res.destroyed) res.flushHeaders()
  }
}
