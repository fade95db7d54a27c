import { googleError, type ErrorReply } from './errors.js'
import type { QuotaDimension, QuotaViolation } from './quota.js'
import type { SimUsageTier } from './types.js'

/**
 * Google's current 429 body (gemini-wire.md section 3.2): QuotaFailure, Help, RetryInfo, and no
 * Retry-After header. One violation per limit broken, as Google lists several at once.
 */

const METRIC_PREFIX = 'generativelanguage.googleapis.com/'
export const HELP_DETAIL = {
  '@type': 'type.googleapis.com/google.rpc.Help',
  links: [
    {
      description: 'Learn more about Gemini API quotas',
      url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
    },
  ],
}
const QUOTA_MESSAGE =
  'You exceeded your current quota, please check your plan and billing details. For more ' +
  'information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To ' +
  'monitor your current usage, head to: https://ai.dev/usage?tab=rate-limit. '

/** A protobuf Duration as JSON: whole seconds, or three fractional digits for milliseconds. */
export function protoDuration(ms: number): string {
  const whole = Math.max(0, Math.ceil(ms))
  return whole % 1000 === 0 ? `${whole / 1000}s` : `${(whole / 1000).toFixed(3)}s`
}

export interface QuotaSubject {
  readonly model: string
  readonly tier: SimUsageTier
  readonly isEmbedding: boolean
}

/** quotaMetric and quotaId for one dimension, embed-flavoured for embedding models. */
export function quotaNames(
  subject: QuotaSubject,
  dimension: QuotaDimension,
): { metric: string; quotaId: string } {
  const isFree = subject.tier === 'free'
  const suffix = isFree ? '-FreeTier' : ''
  const tierWord = isFree ? 'free_tier' : 'paid_tier'
  const base = subject.isEmbedding ? 'embed_content' : 'generate_content'
  const requests = subject.isEmbedding ? 'EmbedContentRequests' : 'GenerateRequests'
  const tokens = subject.isEmbedding ? 'EmbedContent' : 'GenerateContent'
  if (dimension === 'tpm') {
    return {
      metric: `${METRIC_PREFIX}${base}_${tierWord}_input_token_count`,
      quotaId: `${tokens}InputTokensPerModelPerMinute${suffix}`,
    }
  }
  const period = dimension === 'rpd' ? 'PerDay' : 'PerMinute'
  return {
    metric: `${METRIC_PREFIX}${base}_${tierWord}_requests`,
    quotaId: `${requests}${period}PerProjectPerModel${suffix}`,
  }
}

export interface QuotaBreach {
  readonly dimension: QuotaDimension
  readonly limit: number
}

/** The 429 for limits broken; `retryDelay` is a protobuf Duration such as `26s`. */
export function quotaReply(
  breaches: readonly QuotaBreach[],
  subject: QuotaSubject,
  retryDelay: string,
): ErrorReply {
  const lines: string[] = []
  const violations = breaches.map((b) => {
    const { metric, quotaId } = quotaNames(subject, b.dimension)
    lines.push(`* Quota exceeded for metric: ${metric}, limit: ${b.limit}, model: ${subject.model}`)
    return {
      quotaMetric: metric,
      quotaId,
      quotaDimensions: { location: 'global', model: subject.model },
      quotaValue: String(b.limit),
    }
  })
  const message = `${QUOTA_MESSAGE}\n${lines.join('\n')}\nPlease retry in ${retryDelay}.`
  return googleError(429, 'RESOURCE_EXHAUSTED', message, [
    { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations },
    HELP_DETAIL,
    { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay },
  ])
}

/** The 429 for a call the simulator's own windows refused, with the delay they compute. */
export function quotaExceeded(
  violations: readonly QuotaViolation[],
  subject: QuotaSubject,
): ErrorReply {
  const retryMs = Math.max(...violations.map((v) => v.retryMs))
  return quotaReply(violations, subject, protoDuration(retryMs))
}
