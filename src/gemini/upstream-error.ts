/**
 * Reading Google's error answers (gemini-wire §3) into what keypool does about them (design
 * section 6's table). Bodies may come wrapped in a JSON array on the OpenAI routes.
 */

export type QuotaWindow = 'minute' | 'day' | 'other'

export type UpstreamVerdict =
  /** 429 on a per-minute quota: cool the (project, model) for `retryAfterMs`, try another key. */
  | { kind: 'cool'; window: 'minute'; retryAfterMs: number | undefined }
  /** 429 with no details, a spend cap or `limit: 0`: cool 60 s, doubling while it repeats. */
  | { kind: 'cool-blind'; window: 'other' }
  /** 429 on a per-day quota: exhausted until the next Pacific midnight. */
  | { kind: 'exhausted'; window: 'day' }
  /** The key itself is dead: invalid, leaked, suspended, unpaid. */
  | { kind: 'disable-key'; reason: string }
  /** The key may recover (API disabled, permission): out of rotation until a probe passes. */
  | { kind: 'flag-key'; reason: string }
  /** Overload or a fault on Google's side: retry elsewhere with backoff, no penalty. */
  | { kind: 'server' }
  /** The client's own problem (or keypool's egress location): passed back as it is. */
  | { kind: 'client'; warn: boolean }

export interface GoogleError {
  code?: number
  message?: string
  status?: string
  details?: Array<Record<string, unknown>>
}

/** The `error` object of a body, or undefined when the body is not Google's error shape. */
export function parseGoogleError(body: string): GoogleError | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return undefined
  }
  const envelope: unknown = Array.isArray(parsed) ? parsed[0] : parsed
  if (!envelope || typeof envelope !== 'object' || !('error' in envelope)) return undefined
  const error = envelope.error
  return error && typeof error === 'object' ? error : undefined
}

export function classifyUpstreamError(status: number, body: string): UpstreamVerdict {
  const error = parseGoogleError(body)
  if (status === 429) return classifyRateLimit(error)
  if (status >= 500) return { kind: 'server' }
  if (status === 402) return { kind: 'disable-key', reason: 'payment required (402)' }

  const reason = errorInfoReason(error)
  const message = error?.message ?? ''
  if (reason === 'API_KEY_INVALID') return { kind: 'disable-key', reason: 'API_KEY_INVALID' }
  if (status === 403) return classifyForbidden(reason, message)
  if (status === 400 && /location is not supported/i.test(message)) {
    return { kind: 'client', warn: true }
  }
  return { kind: 'client', warn: false }
}

function classifyForbidden(reason: string | undefined, message: string): UpstreamVerdict {
  if (/leaked/i.test(message)) return { kind: 'disable-key', reason: 'key reported as leaked' }
  if (/suspended|billing|consumer.*(invalid|denied)/i.test(message)) {
    return { kind: 'disable-key', reason: `suspended: ${message.slice(0, 120)}` }
  }
  if (reason === 'SERVICE_DISABLED') return { kind: 'flag-key', reason: 'SERVICE_DISABLED' }
  // "You do not have permission to access the File x or it may not exist": an affinity miss
  // or an expired resource, never a key fault.
  if (/permission to access the |may not exist|not found/i.test(message)) {
    return { kind: 'client', warn: false }
  }
  return { kind: 'flag-key', reason: `permission denied: ${message.slice(0, 120)}` }
}

function classifyRateLimit(error: GoogleError | undefined): UpstreamVerdict {
  // `limit: 0` first: a model without quota for this project lists its per-day quota too
  // (gemini-cli#22486), yet design section 6 cools it blind rather than parking it for the day.
  if (/limit: 0\b/.test(error?.message ?? '')) return { kind: 'cool-blind', window: 'other' }
  const quotaIds = quotaIdsOf(error)
  if (quotaIds.some((id) => /PerDay/i.test(id))) return { kind: 'exhausted', window: 'day' }
  if (quotaIds.some((id) => /PerMinute/i.test(id))) {
    return { kind: 'cool', window: 'minute', retryAfterMs: retryDelayMs(error) }
  }
  const delay = retryDelayMs(error)
  if (delay !== undefined) return { kind: 'cool', window: 'minute', retryAfterMs: delay }
  return { kind: 'cool-blind', window: 'other' }
}

function detailsOf(error: GoogleError | undefined, type: string): Array<Record<string, unknown>> {
  if (!Array.isArray(error?.details)) return []
  return error.details.filter((d) => typeof d?.['@type'] === 'string' && d['@type'].endsWith(type))
}

export function quotaIdsOf(error: GoogleError | undefined): string[] {
  const ids: string[] = []
  for (const failure of detailsOf(error, 'google.rpc.QuotaFailure')) {
    const violations = failure.violations
    if (!Array.isArray(violations)) continue
    for (const v of violations as Array<{ quotaId?: unknown }>) {
      if (typeof v?.quotaId === 'string') ids.push(v.quotaId)
    }
  }
  return ids
}

/** `RetryInfo.retryDelay` ("45.837906927s", fraction kept) in milliseconds. */
export function retryDelayMs(error: GoogleError | undefined): number | undefined {
  const info = detailsOf(error, 'google.rpc.RetryInfo')[0]
  const delay = info?.retryDelay
  if (typeof delay !== 'string') return undefined
  const match = /^(\d+(?:\.\d+)?)s$/.exec(delay)
  return match ? Number(match[1]) * 1000 : undefined
}

function errorInfoReason(error: GoogleError | undefined): string | undefined {
  const reason = detailsOf(error, 'google.rpc.ErrorInfo')[0]?.reason
  return typeof reason === 'string' ? reason : undefined
}

/** The Google Cloud project number an error names (`projects/123` or "project 123"). */
export function projectNumberOf(error: GoogleError | undefined): string | undefined {
  for (const info of detailsOf(error, 'google.rpc.ErrorInfo')) {
    const consumer = (info.metadata as Record<string, unknown> | undefined)?.consumer
    const match = typeof consumer === 'string' ? /projects\/(\d+)/.exec(consumer) : null
    if (match) return match[1]
  }
  return /project (\d+)/.exec(error?.message ?? '')?.[1]
}
