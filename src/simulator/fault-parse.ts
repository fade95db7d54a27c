import { STATUS_PRESETS, type StatusPreset } from './fault-presets.js'
import type { Fault, FaultKind } from './faults.js'
import { asRecord, type JsonRecord } from './json.js'

/** Checks a fault sent as JSON to `POST /__sim/faults`; returns it or what is wrong with it. */

const KINDS: readonly FaultKind[] = [
  'status',
  'firstByteDelay',
  'streamCut',
  'streamErrorTail',
  'dropAfterBody',
  'invalidKey',
]
const OPERATIONS = ['generate', 'embed', 'count', 'other']

function checkFields(record: JsonRecord): string | null {
  for (const name of ['key', 'project', 'model', 'retryDelay'] as const) {
    if (record[name] !== undefined && typeof record[name] !== 'string')
      return `${name} must be a string`
  }
  for (const name of ['count', 'until', 'ms', 'afterChunks', 'status'] as const) {
    const value = record[name]
    if (value !== undefined && (typeof value !== 'number' || !(value >= 0))) {
      return `${name} must be a number of at least 0`
    }
  }
  if (record.operation !== undefined && !OPERATIONS.includes(record.operation as string)) {
    return `operation must be one of ${OPERATIONS.join(', ')}`
  }
  const preset = record.preset
  if (preset !== undefined && !STATUS_PRESETS.includes(preset as StatusPreset)) {
    return `preset must be one of ${STATUS_PRESETS.join(', ')}`
  }
  if (record.form !== undefined && record.form !== 'raw' && record.form !== 'event') {
    return 'form must be raw or event'
  }
  return null
}

function checkKind(record: JsonRecord, kind: FaultKind): string | null {
  if (kind === 'firstByteDelay' && record.ms === undefined) return 'firstByteDelay needs ms'
  if ((kind === 'streamCut' || kind === 'streamErrorTail') && record.afterChunks === undefined) {
    return `${kind} needs afterChunks`
  }
  if (kind === 'status' && record.preset === undefined && record.status === undefined) {
    return 'status needs a preset or a status'
  }
  return null
}

export function parseFault(value: unknown): Fault | string {
  const record = asRecord(value)
  if (!record) return 'a fault is a JSON object'
  const kind = record.kind as FaultKind
  if (!KINDS.includes(kind)) return `kind must be one of ${KINDS.join(', ')}`
  const problem = checkFields(record) ?? checkKind(record, kind)
  // The checks above cover every field each kind reads, so the record is a Fault.
  return problem ?? (record as unknown as Fault)
}
