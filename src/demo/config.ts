import { configSchema, type Config } from '../config/schema.js'
import type { SimLimit } from '../simulator/index.js'
import { DEMO_KEYS, DEMO_LIMITS, MAX_WAIT_MS, TIERS, type Scenario } from './scenario.js'

/**
 * The scenario as the two servers read it. Both get the same limits: keypool must keep every
 * project under the numbers that the simulator enforces on its own.
 */

export function simulatorLimits(): SimLimit[] {
  return DEMO_LIMITS.map((limit) => ({ ...limit }))
}

/** keypool's config: an embeddings pool and a generation pool over all four keys. */
export function keypoolConfig(scenario: Scenario, upstream: string): Config {
  const keyIds = DEMO_KEYS.map((k) => k.id)
  return configSchema.parse({
    server: { listen: '127.0.0.1:0', upstream },
    keys: DEMO_KEYS.map((k) => ({ ...k })),
    limits: simulatorLimits(),
    pools: {
      embeddings: { match: { operations: ['embed'] }, keys: keyIds },
      generation: { match: { operations: ['generate', 'count', 'other'] }, keys: keyIds },
    },
    queue: { maxWait: MAX_WAIT_MS },
    tiers: Object.fromEntries(TIERS.map((t) => [t.name, { priority: t.priority }])),
    clients: scenario.clients.map((c) => ({ id: c.id, token: c.token, tier: c.tier })),
  })
}
