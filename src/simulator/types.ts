import type { Clock } from '../util/clock.js'
import type { FaultBook } from './faults.js'

/** The four kinds of call, as keypool's pools and metrics name them (design section 4). */
export type SimOperation = 'generate' | 'embed' | 'count' | 'other'

export type SimUsageTier = 'free' | 'tier1' | 'tier2' | 'tier3'

export interface SimKey {
  key: string
  project: string
  usageTier?: SimUsageTier
}

/**
 * An override of the built-in limits. `models` is a name or a glob (`gemini-2.5-*`). The most
 * specific entry that sets a field wins: one naming a project over one that does not, an exact
 * name over a glob, a longer glob over a shorter, one naming a usage tier over one that does not.
 * Fields no entry sets come from the built-in table.
 */
export interface SimLimit {
  models: string
  project?: string
  usageTier?: SimUsageTier
  rpm?: number
  tpm?: number
  rpd?: number
}

export interface SimulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number
  host?: string
  /** Time for quota windows, the Pacific day, resource times. Default: the system clock. */
  clock?: Clock
  keys?: SimKey[]
  limits?: SimLimit[]
  /** Length of embedding vectors when the request names no `outputDimensionality`. */
  embeddingDimensions?: number
  /** Number of chunks a stream yields. */
  streamChunks?: number
  /**
   * Real milliseconds (not clock time) waited before answering a model call (generate, embed,
   * count). Real time, so that a ManualClock in tests never stalls a call.
   */
  latencyMs?: number
  /** Model names served besides the built-in list (they get the catch-all limits). */
  extraModels?: string[]
  /** Keep the call log (default true); a long benchmark may turn it off to hold memory flat. */
  recordCalls?: boolean
}

/** One call as the simulator saw it. */
export interface SimCall {
  /** Clock time at which the call arrived. */
  at: number
  /** The credential as sent, or null when there was none. */
  key: string | null
  /** The key's project, or null for an unknown or missing key. */
  project: string | null
  /** Model name without `models/`, or null for calls that name none. */
  model: string | null
  operation: SimOperation
  method: string
  /** The path as received, without the query. */
  path: string
  /** HTTP status answered; 0 when the connection was dropped without an answer. */
  status: number
  /** Request units charged to the minute and day windows (items for a batch embed). */
  units: number
  /** Input tokens charged to the minute token window. */
  tokens: number
  /** True when the call was refused for quota (and therefore charged nothing). */
  overLimit: boolean
}

export interface SimLimits {
  rpm: number
  tpm: number
  rpd: number
}

/** What a (project, model) window holds right now, with the limits that apply to it. */
export interface SimUsage {
  /** Request units in the last 60 s. */
  rpm: number
  /** Input tokens in the last 60 s. */
  tpm: number
  /** Request units since the last midnight America/Los_Angeles. */
  rpd: number
  limits: SimLimits
}

export interface Simulator {
  /** Origin, e.g. `http://127.0.0.1:41234`. */
  readonly url: string
  readonly port: number
  readonly calls: readonly SimCall[]
  readonly faults: FaultBook
  clearCalls(): void
  usage(project: string, model: string): SimUsage
  /** Live API sessions open now in a project. */
  liveSessions(project: string): number
  close(): Promise<void>
}
