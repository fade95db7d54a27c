import type { ServerResponse } from 'node:http'
import { UsageScanner, type UsageDialect } from '../gemini/usage.js'
import type { Clock } from '../util/clock.js'

/** Response headers that describe one hop, never passed on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection'])

export type AnswerHeaders = Record<string, string | string[] | undefined>

/**
 * Carries an upstream answer to the client byte for byte, as it arrives, honouring the client's
 * back-pressure; on the way it reads token usage and whether a stream ended properly.
 *
 * Not a Writable: undici's data callbacks write straight into the client's response. A stream
 * in between (undici's `stream()` with a Writable of ours) cost a Writable, an AsyncResource and
 * an end-of-stream watcher a call, about 10 % of keypool's CPU in `npm run bench`.
 */
export class ResponseRelay {
  readonly usage: UsageScanner
  /** Clock time of the first body byte sent to the client, for the first-byte histogram. */
  firstByteAt: number | undefined
  bytes = 0
  /** Sees every answer chunk on its way (resource names a create or list answer holds). */
  observe: ((chunk: Buffer) => void) | undefined
  readonly #res: ServerResponse
  readonly #clock: Clock

  /** `isStream`: the answer is a stream of events, checked for a proper end. */
  constructor(res: ServerResponse, clock: Clock, isStream: boolean, dialect: UsageDialect) {
    this.usage = new UsageScanner(isStream, dialect)
    this.#res = res
    this.#clock = clock
  }

  /** Writes the status line and headers: upstream's, minus hop-by-hop ones, plus keypool's. */
  writeHead(status: number, upstream: AnswerHeaders, own: Record<string, string>): void {
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

  /** Passes one chunk on; false when the client's socket is full and the upstream should wait. */
  write(chunk: Buffer): boolean {
    if (this.firstByteAt === undefined) this.firstByteAt = this.#clock.now()
    this.bytes += chunk.length
    this.usage.scan(chunk)
    this.observe?.(chunk)
    return this.#res.write(chunk)
  }

  /** Calls `resume` once the client has taken what was written. */
  whenDrained(resume: () => void): void {
    this.#res.once('drain', resume)
  }

  end(): void {
    this.#res.end()
  }

  /** Runs `listener` once the whole answer went to the client (never if it broke first). */
  onFinish(listener: () => void): void {
    this.#res.once('finish', listener)
  }

  /** `headersSent` is true from `writeHead` on; no body written and no end mean still pending. */
  #flushIfNoBody(): void {
    const res = this.#res
    if (this.firstByteAt === undefined && !res.writableEnded && !res.destroyed) res.flushHeaders()
  }
}
