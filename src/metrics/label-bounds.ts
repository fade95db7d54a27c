import type { Config, UsageTier } from '../config/schema.js'
import { LimitResolver, OTHER_BUDGET, stripModelPrefix } from '../limits/resolve.js'

/** The client label of calls from no configured client (anonymous, or refused before auth). */
export const ANONYMOUS = 'anonymous'

/** Model names remembered per pool; past this the memory starts over (made-up names). */
const MAX_REMEMBERED = 1024

interface PoolModels {
  readonly resolver: LimitResolver
  readonly usageTier: UsageTier
  /** Name → label, so that a known name costs one Map lookup on the hot path. */
  readonly labels: Map<string, string>
}

/**
 * Keeps metric labels bounded (design section 8): `model` is a budget keypool has limits for
 * or `other`, `client` a configured id or `anonymous`. A caller who sends 500 made-up model
 * names or tokens adds no series. Model names go through the same resolution as budgets, so
 * a glob in `limits` names its group here exactly as it names the budget.
 */
export class LabelBounds {
  readonly #clients: ReadonlySet<string>
  readonly #pools = new Map<string, PoolModels>()
  readonly #fallback: PoolModels
  /** Budget names that resolve to themselves without asking a resolver: globs and `other`. */
  readonly #budgetNames: ReadonlySet<string>

  constructor(config: Config) {
    this.#clients = new Set(config.clients.map((client) => client.id))
    const tierOf = new Map(config.keys.map((key) => [key.id, key.usageTier]))
    for (const [name, pool] of Object.entries(config.pools)) {
      // The scheduler names a pool's lanes by its first key's tier; so do the labels.
      const usageTier = tierOf.get(pool.keys[0] ?? '') ?? 'free'
      const resolver = new LimitResolver({
        limits: config.limits,
        defaultLimits: pool.defaultLimits,
      })
      this.#pools.set(name, { resolver, usageTier, labels: new Map() })
    }
    this.#fallback = this.#pools.values().next().value ?? {
      resolver: new LimitResolver({ limits: [], defaultLimits: { rpm: 0, tpm: 0, rpd: 0 } }),
      usageTier: 'free',
      labels: new Map(),
    }
    const patterns = config.limits.map((entry) => stripModelPrefix(entry.models))
    this.#budgetNames = new Set([...patterns, OTHER_BUDGET])
  }

  client(id: string): string {
    return this.#clients.has(id) ? id : ANONYMOUS
  }

  /** A call that names no model (files, caches, model lists) counts under `other` too. */
  model(pool: string, model: string | undefined): string {
    if (model === undefined || model === '' || model === '-') return OTHER_BUDGET
    if (this.#budgetNames.has(model)) return model
    const models = this.#pools.get(pool) ?? this.#fallback
    let label = models.labels.get(model)
    if (label === undefined) {
      label = models.resolver.resolve(model, models.usageTier).budgetModel
      if (models.labels.size >= MAX_REMEMBERED) models.labels.clear()
      models.labels.set(model, label)
    }
    return label
  }
}
