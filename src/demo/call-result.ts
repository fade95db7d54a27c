import { ApiError } from '@google/genai'
import type { CallResult } from './tally.js'

/**
 * How an SDK call that threw ended. keypool declining to serve (its 429s, its 504 when a
 * queued call's wait ran out, its 503) is a refusal, named by its quota id or reason; anything
 * else (an upstream error passed on, keypool's 500, a lost answer) is a failure the demo must
 * report. The SDK puts the error body, as JSON, in the ApiError's message.
 */

const REFUSAL_STATUSES = new Set([429, 503, 504])

export function classifyError(error: unknown): CallResult {
  if (!(error instanceof ApiError)) {
    return { kind: 'failed', detail: error instanceof Error ? error.message : String(error) }
  }
  const reason = keypoolReason(error.message)
  if (REFUSAL_STATUSES.has(error.status) && reason !== undefined) return { kind: 'refused', reason }
  return { kind: 'failed', detail: `HTTP ${error.status}: ${error.message.slice(0, 200)}` }
}

interface ErrorDetail {
  readonly '@type'?: unknown
  readonly domain?: unknown
  readonly reason?: unknown
  readonly violations?: ReadonlyArray<{ readonly quotaId?: unknown }>
}

/** `WaitTooLong` for quota id `keypool.WaitTooLong`, `QueueTimeout` for reason QUEUE_TIMEOUT. */
function keypoolReason(message: string): string | undefined {
  const details = errorDetails(message)
  const info = details.find((d) => String(d['@type']).endsWith('google.rpc.ErrorInfo'))
  if (info?.domain !== 'keypool') return undefined

  const quota = details.find((d) => String(d['@type']).endsWith('google.rpc.QuotaFailure'))
  const quotaId = quota?.violations?.[0]?.quotaId
  if (typeof quotaId === 'string') return quotaId.replace(/^keypool\./, '')
  return typeof info.reason === 'string' ? camelCase(info.reason) : 'Unknown'
}

function camelCase(reason: string): string {
  return reason
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('')
}

function errorDetails(message: string): readonly ErrorDetail[] {
  try {
    const body = JSON.parse(message) as { error?: { details?: unknown } }
    const details = body.error?.details
    return Array.isArray(details) ? (details as ErrorDetail[]) : []
  } catch {
    return []
  }
}
