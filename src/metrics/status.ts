import type { Config } from '../config/schema.js'
import type { BudgetSnapshot } from '../limits/budget.js'
import type { KeyState } from '../pool/key.js'
import type { QueueDepth, StateView } from './state-view.js'

/** The body of `GET /keypool/status` (design section 9); times in ISO 8601 UTC. */
export interface StatusDocument {
  readonly version: 1
  readonly now: string
  readonly keys: ReadonlyArray<{
    id: string
    project: string
    state: KeyState
    reason: string | null
    until: string | null
  }>
  readonly budgets: readonly BudgetSnapshot[]
  readonly queues: readonly QueueDepth[]
  readonly clients: ReadonlyArray<{
    id: string
    tier: string
    today: number
    limit: number | null
  }>
}

/**
 * What the status page shows: ids, states and counts, never a key or a token. Budgets appear
 * once a call has used them (they are made on first use).
 */
export function statusDocument(config: Config, view: StateView, now: number): StatusDocument {
  return {
    version: 1,
    now: new Date(now).toISOString(),
    keys: view.keys.map((key) => ({
      id: key.id,
      project: key.project,
      state: key.state,
      reason: key.reason ?? null,
      // A disabled key returns only through a config change; a flagged one when a probe
      // passes, at no time known in advance. Neither has an end to show.
      until: null,
    })),
    budgets: view.budgets(now),
    queues: view.queueDepths(),
    clients: config.clients.map((client) => ({
      id: client.id,
      tier: client.tier,
      today: view.clientToday?.(client.id, now) ?? 0,
      limit: config.tiers[client.tier]?.requestsPerDay ?? null,
    })),
  }
}
