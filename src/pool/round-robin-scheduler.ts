import { KeypoolError } from '../errors/keypool-error.js'
import type { Pool } from './pool.js'
import type { CallPlan, Lease, Scheduler } from './scheduler.js'

/**
 * Keys taken in turn within the call's pool, skipping keys that are not active and, when it
 * can, keys the call already tried. No budgets: a first step that the budget-aware scheduler
 * replaces.
 */
export class RoundRobinScheduler implements Scheduler {
  readonly #next = new Map<Pool, number>()

  acquire(plan: CallPlan): Promise<Lease> {
    const keys = plan.pool.keys
    const start = this.#next.get(plan.pool) ?? 0
    let fallback: Lease | undefined
    for (let i = 0; i < keys.length; i++) {
      const key = keys[(start + i) % keys.length]!
      if (!key.isActive) continue
      const lease = { key, budgetModel: plan.model ?? 'other', waitedMs: 0 }
      if (!plan.tried.has(key.id)) {
        this.#next.set(plan.pool, (start + i + 1) % keys.length)
        return Promise.resolve(lease)
      }
      fallback ??= lease
    }
    if (fallback) return Promise.resolve(fallback)
    const detail = 'every key is disabled or flagged'
    return Promise.reject(new KeypoolError('KP_ERR_NO_KEY', { pool: plan.pool.name, detail }))
  }

  settle(): void {}

  drain(): number {
    return 0
  }
}
