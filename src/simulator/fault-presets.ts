import { apiKeyInvalid, googleError, SERVICE, type ErrorReply } from './errors.js'
import { projectNumber } from './keys.js'
import { pacificDay } from './pacific-day.js'
import { protoDuration, quotaReply, type QuotaSubject } from './quota-errors.js'
import type { SimLimits } from './types.js'

/**
 * Ready-made bodies for the `status` fault: the failures keypool must tell apart (design
 * section 6), each in the shape gemini-wire.md section 3 records.
 */
export const STATUS_PRESETS = [
  'overloaded',
  'highDemand',
  'internal',
  'deadline',
  'perMinute',
  'perDay',
  'bare429',
  'limitZero',
  'apiKeyInvalid',
  'leaked',
  'serviceDisabled',
  'billing',
  'locationUnsupported',
] as const
export type StatusPreset = (typeof STATUS_PRESETS)[number]

export interface PresetContext {
  readonly now: number
  readonly project: string | null
  readonly subject: QuotaSubject
  readonly limits: SimLimits
  /** A protobuf Duration for the quota presets; each has its own default. */
  readonly retryDelay?: string | undefined
}

function serviceDisabled(project: string | null): ErrorReply {
  const number = projectNumber(project ?? 'unknown')
  const activationUrl =
    `https://console.developers.google.com/apis/api/${SERVICE}/overview` + `?project=${number}`
  const message =
    `Generative Language API has not been used in project ${number} before or it is disabled. ` +
    `Enable it by visiting ${activationUrl} then retry. If you enabled this API recently, wait a ` +
    'few minutes for the action to propagate to our systems and retry.'
  return googleError(403, 'PERMISSION_DENIED', message, [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'SERVICE_DISABLED',
      domain: 'googleapis.com',
      metadata: {
        consumer: `projects/${number}`,
        service: SERVICE,
        activationUrl,
        serviceTitle: 'Generative Language API',
        containerInfo: number,
      },
    },
    {
      '@type': 'type.googleapis.com/google.rpc.Help',
      links: [{ description: 'Google developers console API activation', url: activationUrl }],
    },
  ])
}

function quotaPreset(preset: 'perMinute' | 'perDay' | 'limitZero', ctx: PresetContext): ErrorReply {
  if (preset === 'perMinute') {
    return quotaReply(
      [{ dimension: 'rpm', limit: ctx.limits.rpm }],
      ctx.subject,
      ctx.retryDelay ?? '30s',
    )
  }
  if (preset === 'perDay') {
    const untilMidnight = protoDuration(pacificDay(ctx.now).end - ctx.now)
    return quotaReply(
      [{ dimension: 'rpd', limit: ctx.limits.rpd }],
      ctx.subject,
      ctx.retryDelay ?? untilMidnight,
    )
  }
  // A model with no free quota for this project: every limit reads 0 (wire section 3.2).
  const zero = (['tpm', 'rpm', 'rpd'] as const).map((dimension) => ({ dimension, limit: 0 }))
  return quotaReply(zero, ctx.subject, ctx.retryDelay ?? '59.953s')
}

/** Presets whose body is fixed: HTTP status, Google status, message (gemini-wire.md section 3). */
const FIXED: Readonly<Record<string, readonly [number, string, string]>> = {
  overloaded: [503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'],
  highDemand: [
    503,
    'UNAVAILABLE',
    'This model is currently experiencing high demand. Spikes in demand are usually ' +
      'temporary. Please try again later.',
  ],
  internal: [
    500,
    'INTERNAL',
    'An internal error has occurred. Please retry or report in ' +
      'https://developers.generativeai.google/guide/troubleshooting',
  ],
  deadline: [504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.'],
  bare429: [429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).'],
  leaked: [
    403,
    'PERMISSION_DENIED',
    'Your API key was reported as leaked. Please use another API key.',
  ],
  // The 2026 prepaid-billing answer; its status name is UNVERIFIED.
  billing: [
    402,
    'FAILED_PRECONDITION',
    'Your prepayment credits are depleted. Please go to AI Studio at ' +
      'https://ai.studio/projects to manage your project and billing.',
  ],
  locationUnsupported: [
    400,
    'FAILED_PRECONDITION',
    'User location is not supported for the API use.',
  ],
}

export function presetReply(preset: StatusPreset, ctx: PresetContext): ErrorReply {
  const fixed = FIXED[preset]
  if (fixed) return googleError(...fixed)
  if (preset === 'apiKeyInvalid') return apiKeyInvalid()
  if (preset === 'serviceDisabled') return serviceDisabled(ctx.project)
  return quotaPreset(preset as 'perMinute' | 'perDay' | 'limitZero', ctx)
}
