import type { EventEmitter } from 'node:events'
import type { Readable } from 'node:stream'
import { Writable } from 'node:stream'
import type { Dispatcher } from 'undici'

/**
 * One call sent upstream with undici's streaming dispatch: a successful answer flows to the
 * client as it arrives (never buffered); an error answer is held, small as it is, so the
 * caller can decide to retry on another key before the client has seen a byte.
 */

export interface AttemptRequest {
  origin: string
  /** Path and query as they go upstream. */
  path: string
  method: Dispatcher.HttpMethod
  headers: string[]
  body: Buffer | Readable | null
  headersTimeoutMs: number
  bodyTimeoutMs: number
  /** An AbortSignal, or an AbortSource (cheaper; undici takes either). */
  signal: AbortSignal | EventEmitter
}

/** Where an answer goes once keypool lets it through to the client. */
export interface AnswerSink {
  /** Called once with the upstream status and headers; returns the stream to write into. */
  open(status: number, headers: Record<string, string | string[] | undefined>): Writable
}

export type AttemptResult =
  /** The answer went to the client (success, or an error that is not worth holding). */
  | { kind: 'answered'; status: number }
  /** An error answer, held: the client has seen nothing yet. */
  | {
      kind: 'held'
      status: number
      headers: Record<string, string | string[] | undefined>
      body: Buffer
    }
  /** Nothing reached the upstream (connection refused, DNS, connect timeout). */
  | { kind: 'not-sent'; error: Error }
  /** The call was sent and no answer came: it may have been billed. */
  | { kind: 'lost'; error: Error }
  /** The answer started reaching the client, then broke. */
  | { kind: 'broken'; status: number; error: Error }

const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
])

/** Errors bigger than this are not held but passed through. */
const MAX_HELD_BYTES = 1024 * 1024

export async function attemptUpstream(
  dispatcher: Dispatcher,
  request: AttemptRequest,
  sink: AnswerSink,
): Promise<AttemptResult> {
  const state: AttemptState = { status: 0, held: undefined, opened: false }
  try {
    await dispatcher.stream(
      {
        origin: request.origin,
        path: request.path,
        method: request.method,
        headers: request.headers,
        body: request.body,
        headersTimeout: request.headersTimeoutMs,
        bodyTimeout: request.bodyTimeoutMs,
        signal: request.signal,
        opaque: state,
      },
      openAnswer(sink),
    )
  } catch (error) {
    return failure(state, error as Error)
  }
  if (state.held) return { kind: 'held', ...state.held, body: state.held.collector.body() }
  return { kind: 'answered', status: state.status }
}

interface AttemptState {
  status: number
  opened: boolean
  held:
    | {
        status: number
        headers: Record<string, string | string[] | undefined>
        collector: Collector
      }
    | undefined
}

function openAnswer(sink: AnswerSink): Dispatcher.StreamFactory<AttemptState> {
  return ({ statusCode, headers, opaque: state }) => {
    state.status = statusCode
    const declared = Number(headers['content-length'])
    const small = !(declared > MAX_HELD_BYTES)
    if (statusCode >= 400 && small) {
      const collector = new Collector()
      state.held = { status: statusCode, headers, collector }
      return collector
    }
    state.opened = true
    return sink.open(statusCode, headers)
  }
}

function failure(state: AttemptState, error: Error): AttemptResult {
  if (state.opened) return { kind: 'broken', status: state.status, error }
  const code = errorCode(error)
  if (code && NOT_SENT_CODES.has(code)) return { kind: 'not-sent', error }
  if (isRefusedTunnel(error)) return { kind: 'not-sent', error }
  return { kind: 'lost', error }
}

/** undici reports an outbound proxy that refused the CONNECT as an abort: nothing was sent. */
function isRefusedTunnel(error: Error): boolean {
  return errorCode(error) === 'UND_ERR_ABORTED' && error.message.endsWith('when HTTP Tunneling')
}

/** undici wraps socket errors; the system code sits on the error or its cause. */
export function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | undefined
  if (typeof e?.cause?.code === 'string' && e.code === 'UND_ERR_SOCKET') return e.cause.code
  return typeof e?.code === 'string' ? e.code : undefined
}

/** Gathers a small error answer in memory. */
class Collector extends Writable {
  readonly #chunks: Buffer[] = []

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.#chunks.push(chunk)
    done()
  }

  body(): Buffer {
    return Buffer.concat(this.#chunks)
  }
}
