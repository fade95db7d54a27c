import type { Operation } from '../config/schema.js'
import type { Usage } from '../gemini/usage.js'
import type { KeyState } from '../pool/key.js'

/**
 * What keypool's parts report as they work. The scheduler, budgets and upstream layer call
 * these; one observer turns them into log lines (and metrics), so logs and metrics agree.
 * Plain method calls, not an EventEmitter: this sits on the hot path.
 */

export interface RequestFinished {
  requestId: string
  client: string
  pool: string
  operation: Operation
  model: string
  status: number
  /** keypool's own error code when keypool answered, e.g. KP_ERR_WAIT_TOO_LONG. */
  code: string | undefined
  key: string | undefined
  attempts: number
  queueMs: number
  durationMs: number
}

export interface UpstreamAnswered {
  requestId: string
  pool: string
  operation: Operation
  key: string
  model: string
  status: number
  durationMs: number
}

export type RetryReason = 'rate-limited' | 'server-error' | 'key-error' | 'unreachable' | 'lost'

export interface Retried {
  requestId: string
  pool: string
  key: string
  reason: RetryReason
  attempt: number
  delayMs: number
}

export type StreamBreak = 'truncated' | 'error-tail' | 'socket' | 'idle-timeout'

export interface StreamBroken {
  requestId: string
  pool: string
  model: string
  key: string
  reason: StreamBreak
  bytes: number
}

/** Why the queue refused a call: at once, or later (deadline passed, shutdown). */
export type QueueRejection =
  'queue-full' | 'wait-too-long' | 'too-large' | 'no-key' | 'timeout' | 'shutdown'

export interface KeypoolEvents {
  requestFinished(event: RequestFinished): void
  upstreamAnswered(event: UpstreamAnswered): void
  retried(event: Retried): void
  streamBroken(event: StreamBroken): void
  firstByte(event: { pool: string; model: string; seconds: number }): void
  tokensUsed(event: { pool: string; model: string; client: string; usage: Usage }): void
  keyStateChanged(event: { key: string; state: KeyState; reason: string | undefined }): void
  budgetStateChanged(event: {
    project: string
    model: string
    state: 'ok' | 'cooling' | 'exhausted'
    until: number | undefined
  }): void
  upstreamRateLimited(event: {
    key: string
    model: string
    window: 'minute' | 'day' | 'other'
  }): void
  /** A call took a budget and a key; `waitedMs` is 0 when it did not wait. */
  queueWaited(event: { pool: string; priority: number; waitedMs: number }): void
  queueRejected(event: { pool: string; reason: QueueRejection }): void
  /** An upstream answer worth an operator's attention that penalises no key. */
  upstreamWarning(event: { requestId: string; key: string; status: number; message: string }): void
  clientRefused(event: { requestId: string; address: string; code: string }): void
  internalError(event: { requestId: string; error: Error }): void
}

/** Observers for parts that run alone (tests, the simulator-only demo). */
export const noEvents: KeypoolEvents = {
  requestFinished: () => {},
  upstreamAnswered: () => {},
  retried: () => {},
  streamBroken: () => {},
  firstByte: () => {},
  tokensUsed: () => {},
  keyStateChanged: () => {},
  budgetStateChanged: () => {},
  upstreamRateLimited: () => {},
  queueWaited: () => {},
  queueRejected: () => {},
  upstreamWarning: () => {},
  clientRefused: () => {},
  internalError: () => {},
}

/** Several observers as one (the log observer and the metrics observer). */
export function fanOut(...observers: KeypoolEvents[]): KeypoolEvents {
  if (observers.length === 1) return observers[0]!
  const out = {} as Record<keyof KeypoolEvents, (event: never) => void>
  for (const name of Object.keys(noEvents) as Array<keyof KeypoolEvents>) {
    out[name] = (event: never) => {
      for (const o of observers) o[name](event)
    }
  }
  return out
}
