import { configSchema } from '../../src/config/schema.js'
import { noEvents } from '../../src/observe/events.js'
import { BudgetScheduler } from '../../src/pool/budget-scheduler.js'
import { RuntimeKey } from '../../src/pool/key.js'
import { Pool } from '../../src/pool/pool.js'
import type { CallPlan } from '../../src/pool/scheduler.js'
import type { Client } from '../../src/server/client-auth.js'
import { Cancellation } from '../../src/util/cancellation.js'
import { ManualClock } from '../../src/util/clock.js'
import { CountingStore } from './counting-store.js'

export const MODEL = 'gemini-2.5-flash'

const CLIENT: Client = {
  id: 'c',
  tier: 'free',
  priority: 0,
  tierConfig: { priority: 0 },
  digest: undefined,
}

/**
 * A config of `count` keys, each in a project of its own (k0 in p0, k1 in p1, and so on), all
 * in pool `main`, with one limit for MODEL. `pool` adds to the pool's settings (a strategy),
 * `rest` to the config's (a queue).
 */
export function ownProjectsConfig(
  count: number,
  limit: { rpm: number; tpm: number; rpd: number },
  pool: object = {},
  rest: object = {},
) {
  const keys = Array.from({ length: count }, (_, i) => ({
    id: `k${i}`,
    key: `s${i}`,
    project: `p${i}`,
  }))
  return {
    keys,
    limits: [{ models: MODEL, ...limit }],
    pools: { main: { keys: keys.map((k) => k.id), ...pool } },
    ...rest,
  }
}

/**
 * A BudgetScheduler alone, as the scheduler tests drive it: the config's pool `main`, a manual
 * clock, a store that counts its budget reads, and `plan` for the calls, which by default cost
 * one request and 10 tokens of MODEL and may wait 10 minutes. `random` (Math.random unless
 * given) is the scheduler's, for its random draws between keys.
 */
export function schedulerFixture(input: object, start?: number, random?: () => number) {
  const config = configSchema.parse(input)
  const keys = config.keys.map((key) => new RuntimeKey(key))
  const pool = new Pool('main', config.pools.main!, keys)
  const clock = new ManualClock(start)
  const store = new CountingStore()
  const scheduler = new BudgetScheduler({
    config,
    clock,
    store,
    events: noEvents,
    pools: [pool],
    random,
  })
  let next = 0
  const plan = (overrides: Partial<CallPlan> = {}): CallPlan => ({
    requestId: `r${next++}`,
    pool,
    model: MODEL,
    operation: 'generate',
    cost: { requests: 1, tokens: 10 },
    client: CLIENT,
    priority: 0,
    deadline: clock.now() + 10 * 60_000,
    cancellation: new Cancellation(),
    tried: new Set(),
    ...overrides,
  })
  return { scheduler, store, clock, plan }
}
