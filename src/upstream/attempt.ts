import type { Readable } from 'node:stream'
import type { Dispatcher } from 'undici'
import type { Cancellation, CancelWatcher } from '../util/cancellation.js'
import type { AnswerHeaders } from './relay.js'

/**
 * One call sent upstream with undici's `dispatch`: a successful answer flows to the client as
 * it arrives (never buffered); an error answer is held, small as it is, so the caller can
 * decide to retry on another key before the client has seen a byte.
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
  cancellation: Cancellation
}

/** Where an answer goes once keypool lets it through to the client. */
export interface AnswerSink {
  /** Called once with the upstream status and headers, before the first chunk. */
  open(status: number, headers: AnswerHeaders): void
  /** Takes one chunk; false asks the upstream to wait for `whenDrained`. */
  write(chunk: Buffer): boolean
  whenDrained(resume: () => void): void
  end(): void
}

export type AttemptResult =
  /** The answer went to the client (success, or an error that is not worth holding). */
  | { kind: 'answered'; status: number }
  /** An error answer, held: the client has seen nothing yet. */
  | { kind: 'held'; status: number; headers: AnswerHeaders; body: Buffer }
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

export function attemptUpstream(
  dispatcher: Dispatcher,
  request: AttemptRequest,
  sink: AnswerSink,
): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const handler = new AttemptHandler(request.cancellation, sink, resolve)
    dispatcher.dispatch(
      {
        origin: request.origin,
        path: request.path,
        method: request.method,
        headers: request.headers,
        body: request.body,
        headersTimeout: request.headersTimeoutMs,
        bodyTimeout: request.bodyTimeoutMs,
      },
      handler,
    )
  })
}

/**
 * undici's callbacks for one attempt. Every path ends in exactly one `resolve`: undici calls
 * either `onResponseEnd` or `onResponseError` once per dispatch, errors thrown inside the
 * dispatch included.
 */
class AttemptHandler implements Dispatcher.DispatchHandler, CancelWatcher {
  #status = 0
  #opened = false
  #held: { headers: AnswerHeaders; chunks: Buffer[] } | undefined
  #controller: Dispatcher.DispatchController | undefined
  readonly #cancellation: Cancellation
  readonly #sink: AnswerSink
  readonly #resolve: (result: AttemptResult) => void

  constructor(
    cancellation: Cancellation,
    sink: AnswerSink,
    resolve: (result: AttemptResult) => void,
  ) {
    this.#cancellation = cancellation
    this.#sink = sink
    this.#resolve = resolve
    cancellation.watch(this)
  }

  onCancel(reason: Error): void {
    this.#controller?.abort(reason)
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller
    // The client may have gone while the request waited for a free connection.
    const reason = this.#cancellation.reason
    if (reason) controller.abort(reason)
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    status: number,
    headers: AnswerHeaders,
  ): void {
    this.#status = status
    const declared = Number(headers['content-length'])
    if (status >= 400 && !(declared > MAX_HELD_BYTES)) {
      this.#held = { headers, chunks: [] }
      return
    }
    this.#opened = true
    this.#sink.open(status, headers)
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#held) {
      this.#held.chunks.push(chunk)
      return
    }
    if (this.#sink.write(chunk)) return
    controller.pause()
    this.#sink.whenDrained(() => controller.resume())
  }

  onResponseEnd(): void {
    this.#cancellation.unwatch(this)
    const held = this.#held
    if (held) {
      const body = Buffer.concat(held.chunks)
      this.#resolve({ kind: 'held', status: this.#status, headers: held.headers, body })
      return
    }
    this.#sink.end()
    this.#resolve({ kind: 'answered', status: this.#status })
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#cancellation.unwatch(this)
    this.#resolve(this.#failure(error))
  }

  #failure(error: Error): AttemptResult {
    if (this.#opened) return { kind: 'broken', status: this.#status, error }
    const code = errorCode(error)
    if (code && NOT_SENT_CODES.has(code)) return { kind: 'not-sent', error }
    if (isRefusedTunnel(error)) return { kind: 'not-sent', error }
    return { kind: 'lost', error }
  }
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
