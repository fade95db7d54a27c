import type { BudgetSnapshot } from '../limits/budget.js'
import type { RuntimeKey } from '../pool/key.js'

/** How many calls wait in one pool, by priority (the scheduler's `queueDepths()`). */
export interface QueueDepth {
  readonly pool: string
  readonly depth: number
  readonly byPriority: Readonly<Record<string, number>>
}

/**
 * What `/keypool/status` and the scrape-time gauges read of a running keypool. Reads only, all
 * cheap and synchronous: they run when someone asks, never on a call's path.
 */
export interface StateView {
  readonly keys: readonly RuntimeKey[]
  budgets(now: number): BudgetSnapshot[]
  queueDepths(): QueueDepth[]
  /** Calls a client made today, counted against its tier's `requestsPerDay`. */
  clientToday?(clientId: string, now: number): number
}
