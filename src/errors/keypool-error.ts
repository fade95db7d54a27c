import { ERRORS, type ErrorCode } from './catalogue.js'

export type ErrorParams = Record<string, string | number>

/** A failure keypool answers itself, in Google's error shape. */
export class KeypoolError extends Error {
  readonly code: ErrorCode
  readonly httpStatus: number
  /** Seconds the client should wait, when it is worth retrying (RetryInfo + Retry-After). */
  readonly retryAfterSeconds: number | undefined

  constructor(code: ErrorCode, params: ErrorParams = {}, retryAfterSeconds?: number) {
    super(fillTemplate(ERRORS[code].message, params))
    this.name = 'KeypoolError'
    this.code = code
    this.httpStatus = ERRORS[code].http
    this.retryAfterSeconds = retryAfterSeconds
  }

  /** The `Retry-After` header value: whole seconds, rounded up, at least 1. */
  get retryAfterHeader(): string | undefined {
    if (this.retryAfterSeconds === undefined) return undefined
    return String(Math.max(1, Math.ceil(this.retryAfterSeconds)))
  }

  /** The response body, as Google would shape it. */
  toGoogleBody(): { error: GoogleErrorBody } {
    const entry = ERRORS[this.code]
    const details: object[] = [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: entry.reason,
        domain: 'keypool',
        metadata: { code: this.code },
      },
    ]
    if ('quotaId' in entry) {
      details.push({
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [{ quotaId: entry.quotaId, description: this.message }],
      })
    }
    if (this.retryAfterSeconds !== undefined) {
      details.push({
        '@type': 'type.googleapis.com/google.rpc.RetryInfo',
        retryDelay: formatProtoDuration(this.retryAfterSeconds),
      })
    }
    return { error: { code: entry.http, message: this.message, status: entry.status, details } }
  }
}

export interface GoogleErrorBody {
  code: number
  message: string
  status: string
  details: object[]
}

/** A protobuf Duration string with the fraction kept (`37.5s`), at most nine digits. */
export function formatProtoDuration(seconds: number): string {
  const fixed = Math.max(0, seconds)
    .toFixed(9)
    .replace(/\.?0+$/, '')
  return `${fixed}s`
}

function fillTemplate(template: string, params: ErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  )
}
