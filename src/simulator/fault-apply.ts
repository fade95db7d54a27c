import type { Call } from './call.js'
import { apiKeyInvalid, ErrorReply, googleError } from './errors.js'
import { presetReply, type PresetContext } from './fault-presets.js'
import type { FaultOf } from './faults.js'
import { asRecord } from './json.js'

/** Turning the faults that matched a call into what the call gets. */

export function presetContextOf(call: Call, retryDelay?: string): PresetContext {
  const model = call.modelInfo?.name ?? call.model ?? 'gemini-2.5-flash'
  const isEmbedding = call.modelInfo?.isEmbedding ?? false
  return {
    now: call.sim.clock.now(),
    project: call.project,
    subject: { model, tier: call.tier, isEmbedding },
    limits: call.sim.limits.limitsFor(call.project ?? '', call.tier, model),
    retryDelay,
  }
}

/** The answer of a `status` fault: its preset, or its own status and body. */
export function statusFaultReply(call: Call, fault: FaultOf<'status'>): ErrorReply {
  const context = presetContextOf(call, fault.retryDelay)
  const preset = fault.preset ? presetReply(fault.preset, context) : null
  const status = fault.status ?? preset?.status ?? 500
  if (fault.body !== undefined) {
    // A body in Google's envelope goes out as given; anything else becomes its message.
    const isEnvelope = asRecord(asRecord(fault.body)?.error) !== undefined
    if (isEnvelope) return new ErrorReply(status, fault.body as ErrorReply['body'])
    return googleError(status, 'UNKNOWN', JSON.stringify(fault.body))
  }
  if (preset) return new ErrorReply(status, preset.body)
  return googleError(status, 'UNKNOWN', `Simulated ${status}.`)
}

/**
 * Applies the faults that act before a call is served: a delay on the first byte, a key treated
 * as invalid, a status answered instead. Returns the error to answer, or null to go on.
 */
export function faultBeforeServing(call: Call): ErrorReply | null {
  const faults = call.faults
  if (!faults) return null
  if (faults.firstByteDelay) call.delayFirstByte(faults.firstByteDelay.ms)
  if (faults.invalidKey) {
    // Google does not know the key, so the call belongs to no project.
    call.project = null
    return apiKeyInvalid()
  }
  return faults.status ? statusFaultReply(call, faults.status) : null
}
