import { Gauge, type Registry } from 'prom-client'
import type { BudgetState, BudgetSnapshot, LimitKind } from '../limits/budget.js'
import type { KeyState } from '../pool/key.js'
import type { Clock } from '../util/clock.js'
import type { StateView } from './state-view.js'

const KEY_STATES: readonly KeyState[] = ['active', 'flagged', 'disabled']
const BUDGET_STATES: readonly BudgetState[] = ['ok', 'cooling', 'exhausted']
const LIMITS: readonly LimitKind[] = ['rpm', 'tpm', 'rpd']

export interface StateCollectorOptions {
  readonly view: StateView
  readonly clock: Clock
  /** The configured tiers' priorities: every pool shows a depth for each, 0 when empty. */
  readonly priorities: readonly number[]
}

/**
 * The gauges of design section 8 that describe state rather than events: key states, budget
 * states, what is left of each limit, queue depth. Computed when Prometheus scrapes, from the
 * same reads as `/keypool/status`, so the hot path pays nothing for them.
 */
export function registerStateCollectors(registry: Registry, options: StateCollectorOptions): void {
  const { view, clock } = options
  gauge(
    registry,
    'keypool_key_state',
    'Each key: 1 for its current state',
    ['key', 'state'],
    (g) => {
      for (const key of view.keys) {
        for (const state of KEY_STATES) g.set({ key: key.id, state }, key.state === state ? 1 : 0)
      }
    },
  )
  const budgets = () => view.budgets(clock.now())
  gauge(
    registry,
    'keypool_budget_state',
    'Each (project, model) budget: 1 for its current state',
    ['project', 'model', 'state'],
    (g) => {
      for (const b of budgets()) {
        for (const state of BUDGET_STATES)
          g.set(budgetLabels(b, { state }), b.state === state ? 1 : 0)
      }
    },
  )
  limitGauge(registry, 'keypool_budget_remaining', 'Units left in each limit now', budgets, 'left')
  limitGauge(registry, 'keypool_budget_limit', 'Each limit of each budget', budgets, 'limit')
  registerQueueDepth(registry, options)
}

function registerQueueDepth(registry: Registry, options: StateCollectorOptions): void {
  const priorities = [...new Set(options.priorities)].map(String)
  gauge(registry, 'keypool_queue_depth', 'Calls waiting', ['pool', 'priority'], (g) => {
    for (const queue of options.view.queueDepths()) {
      const counts = { ...Object.fromEntries(priorities.map((p) => [p, 0])), ...queue.byPriority }
      for (const [priority, count] of Object.entries(counts)) {
        g.set({ pool: queue.pool, priority }, count)
      }
    }
  })
}

/** A gauge per limit kind; limits that do not exist (no daily limit) are left out. */
function limitGauge(
  registry: Registry,
  name: string,
  help: string,
  budgets: () => BudgetSnapshot[],
  field: 'left' | 'limit',
): void {
  gauge(registry, name, help, ['project', 'model', 'limit'], (g) => {
    for (const b of budgets()) {
      for (const limit of LIMITS) {
        const value = b[limit][field]
        if (value !== null) g.set(budgetLabels(b, { limit }), value)
      }
    }
  })
}

function budgetLabels<T extends object>(b: BudgetSnapshot, extra: T) {
  return { project: b.project, model: b.model, ...extra }
}

/** A gauge whose values are set afresh on every scrape (stale series go with `reset`). */
function gauge<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[],
  fill: (g: Gauge<L>) => void,
): void {
  new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset()
      fill(this)
    },
  })
}
