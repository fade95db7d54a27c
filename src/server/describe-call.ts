import { estimateRequest, shapeOfVerb } from '../gemini/estimate.js'
import { stripModelPrefix } from '../limits/resolve.js'
import type { Call } from './call.js'

/**
 * Reads from a held JSON body what routing and accounting need and nothing more: the model of
 * OpenAI-style calls, whether they stream, and the call's estimated cost. The bytes themselves
 * go upstream untouched; a body that is not JSON goes too, and Google's 400 comes back.
 */
export function describeCall(call: Call): void {
  const shape = shapeOfVerb(call.route.verb)
  const isOpenai = call.route.kind === 'openai'
  if (!shape && !isOpenai) return

  const json = parseJson(call.body)
  if (isOpenai && json) {
    if (typeof json.model === 'string') call.model = stripModelPrefix(json.model)
    if (json.stream === true) call.isStream = true
  }
  if (!shape) return
  if (json === undefined) {
    call.cost = { requests: 1, tokens: Math.ceil((call.body?.length ?? 0) / 4) }
    return
  }
  const estimate = estimateRequest(shape, json)
  call.cost = { requests: Math.max(1, estimate.requests), tokens: estimate.tokens }
}

function parseJson(body: Buffer | undefined): Record<string, unknown> | undefined {
  if (!body || body.length === 0) return undefined
  try {
    const value: unknown = JSON.parse(body.toString('utf8'))
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
