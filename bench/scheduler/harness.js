import { configSchema } from '../../dist/config/schema.js'
import { noEvents } from '../../dist/observe/events.js'
import { BudgetScheduler } from '../../dist/pool/budget-scheduler.js'
import { RuntimeKey } from '../../dist/pool/key.js'
import { Pool } from '../../dist/pool/pool.js'
import { MemoryBudgetStore } from '../../dist/state/memory-budget-store.js'
import { Cancellation } from '../../dist/util/cancellation.js'
import { BenchClock } from './bench-clock.js'

const MODEL = 'gemini-2.5-flash'
const CLIENT = {
  id: 'bench',
  tier: 'free',
  priority: 0,
  tierConfig: { priority: 0 },
  digest: undefined,
}
const ANSWERED = { kind: 'answered', usage: undefined }

/**
 * The budget scheduler alone, as keypool builds it: `keyCount` keys, each its own project (the
 * most budgets to choose from), one pool, one model. With `rpmPerProject` the budgets admit
 * that many calls a minute each; without it they never throttle.
 */
export function schedulerHarness({ keyCount, rpmPerProject }) {
  const keys = Array.from({ length: keyCount }, (_, i) => ({
    id: `k${i}`,
    key: `s${i}`,
    project: `p${i}`,
  }))
  const rpm = rpmPerProject ?? 1e9
  const config = configSchema.parse({
    server: { requestTimeout: '14d' },
    keys,
    limits: [{ models: MODEL, rpm, tpm: 1e12, rpd: 1e12 }],
    pools: { main: { keys: keys.map((k) => k.id) } },
    queue: { maxSize: 1_000_000, maxWait: '14d' },
  })
  const pool = new Pool(
    'main',
    config.pools.main,
    config.keys.map((k) => new RuntimeKey(k)),
  )
  const clock = new BenchClock()
  const store = new MemoryBudgetStore()
  const scheduler = new BudgetScheduler({ config, clock, store, events: noEvents, pools: [pool] })
  let nextId = 0
  return {
    scheduler,
    clock,
    /** A call as the proxy hands it over: its own cancellation, no key tried yet. */
    plan: () => ({
      requestId: `r${nextId++}`,
      pool,
      model: MODEL,
      operation: 'generate',
      cost: { requests: 1, tokens: 12 },
      client: CLIENT,
      priority: 0,
      deadline: Infinity,
      cancellation: new Cancellation(),
      tried: new Set(),
    }),
    settle: (lease) => scheduler.settle(lease, ANSWERED),
  }
}
