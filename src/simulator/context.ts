import type { Clock } from '../util/clock.js'
import type { IdSource } from './content.js'
import type { FaultBook } from './faults.js'
import type { KeyRing } from './keys.js'
import type { LimitResolver } from './limit-table.js'
import type { ModelCatalog } from './models.js'
import type { QuotaLedger } from './quota.js'
import type { ResourceStore } from './store.js'
import type { SimCall } from './types.js'

/** Everything a handler may use, built once per simulator. */
export interface SimContext {
  readonly clock: Clock
  readonly keys: KeyRing
  readonly models: ModelCatalog
  readonly limits: LimitResolver
  readonly ledger: QuotaLedger
  readonly faults: FaultBook
  readonly store: ResourceStore
  readonly ids: IdSource
  readonly calls: SimCall[]
  readonly recordCalls: boolean
  readonly embeddingDimensions: number
  readonly streamChunks: number
  readonly latencyMs: number
  /** The simulator's origin, known once it listens; upload URLs and file URIs point at it. */
  origin: string
}
