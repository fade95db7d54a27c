import type { StatusPreset } from './fault-presets.js'
import type { SimOperation } from './types.js'

/** Which calls a fault applies to; every field given must match. */
export interface FaultMatch {
  key?: string
  project?: string
  /** Model name without `models/`. */
  model?: string
  operation?: SimOperation
}

/** How long a fault lives: the next `count` matching calls, until clock time `until`, or both. */
export interface FaultLife {
  count?: number
  until?: number
}

export type FaultKind = Fault['kind']

/**
 * The ways the simulator can be told to misbehave. `firstByteDelay` waits real milliseconds, not
 * clock time, so that it works the same under a ManualClock. Stream faults match streaming calls
 * only.
 */
export type Fault = FaultMatch &
  FaultLife &
  (
    | {
        /** Answer this status instead of serving: a preset body, or `status` and `body` given. */
        kind: 'status'
        preset?: StatusPreset
        status?: number
        body?: unknown
        /** For the 429 presets: the RetryInfo delay, a Duration such as `37.5s`. */
        retryDelay?: string
      }
    | { kind: 'firstByteDelay'; ms: number }
    /** End the stream after `afterChunks` chunks, with no finishReason; `abrupt` resets it. */
    | { kind: 'streamCut'; afterChunks: number; abrupt?: boolean }
    | {
        /**
         * After `afterChunks` chunks, write an error: a raw pretty-printed `{"error":…}` tail
         * (`form: 'raw'`, the default) or a `data:` event. The body is a preset (default
         * `overloaded`) or `body`.
         */
        kind: 'streamErrorTail'
        afterChunks: number
        form?: 'raw' | 'event'
        preset?: StatusPreset
        body?: unknown
      }
    /** Read the whole request body, then destroy the socket without answering. */
    | { kind: 'dropAfterBody' }
    /** Answer 400 API_KEY_INVALID for the matched key (give `key`). */
    | { kind: 'invalidKey' }
  )

export type FaultOf<K extends FaultKind> = Extract<Fault, { kind: K }>

/** The faults that apply to one call, at most one of each kind. */
export type AppliedFaults = { [K in FaultKind]?: FaultOf<K> }

export interface FaultSubject {
  key: string | null
  project: string | null
  model: string | null
  operation: SimOperation
  isStream: boolean
}

interface Entry {
  readonly id: string
  readonly fault: Fault
  remaining: number
}

const STREAM_KINDS: ReadonlySet<FaultKind> = new Set(['streamCut', 'streamErrorTail'])

function matches(fault: Fault, call: FaultSubject): boolean {
  if (fault.key !== undefined && fault.key !== call.key) return false
  if (fault.project !== undefined && fault.project !== call.project) return false
  if (fault.model !== undefined && fault.model !== call.model) return false
  if (fault.operation !== undefined && fault.operation !== call.operation) return false
  return call.isStream || !STREAM_KINDS.has(fault.kind)
}

/** The faults armed on a simulator, in the order they were added. */
export class FaultBook {
  #entries: Entry[] = []
  #nextId = 1
  readonly #now: () => number

  constructor(now: () => number) {
    this.#now = now
  }

  /** Arms a fault; returns its id for `remove`. */
  add(fault: Fault): string {
    const id = `fault-${this.#nextId++}`
    this.#entries.push({ id, fault: { ...fault }, remaining: fault.count ?? Infinity })
    return id
  }

  remove(id: string): boolean {
    const before = this.#entries.length
    this.#entries = this.#entries.filter((e) => e.id !== id)
    return this.#entries.length < before
  }

  clear(): void {
    this.#entries = []
  }

  /** The armed faults with their id and the calls each has left (null: no count). */
  list(): Array<Fault & { id: string; remaining: number | null }> {
    this.#expire()
    return this.#entries.map((e) => ({
      ...e.fault,
      id: e.id,
      remaining: Number.isFinite(e.remaining) ? e.remaining : null,
    }))
  }

  /** The simulator's own use: the faults that apply to a call, counting it against each. */
  take(call: FaultSubject): AppliedFaults | null {
    if (this.#entries.length === 0) return null
    this.#expire()
    let applied: AppliedFaults | null = null
    for (const entry of this.#entries) {
      const { fault } = entry
      if (applied?.[fault.kind] || !matches(fault, call)) continue
      applied ??= {}
      Object.assign(applied, { [fault.kind]: fault })
      entry.remaining--
    }
    if (applied) this.#entries = this.#entries.filter((e) => e.remaining > 0)
    return applied
  }

  #expire(): void {
    const now = this.#now()
    this.#entries = this.#entries.filter((e) => e.fault.until === undefined || e.fault.until > now)
  }
}
