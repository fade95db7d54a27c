import t from 'tap'
import { configSchema } from '../../src/config/schema.js'
import { noEvents } from '../../src/observe/events.js'
import { BudgetScheduler } from '../../src/pool/budget-scheduler.js'
import { RuntimeKey } from '../../src/pool/key.js'
import { Pool } from '../../src/pool/pool.js'
import type { CallPlan } from '../../src/pool/scheduler.js'
import type { Client } from '../../src/server/client-auth.js'
import { Cancellation } from '../../src/util/cancellation.js'
import { ManualClock } from '../../src/util/clock.js'
import { CountingStore } from '../helpers/counting-store.js'

const MODEL = 'gemini-2.5-flash'

function setup(keyCount: number) {
  const keys = Array.from({ length: keyCount }, (_, i) => ({
    id: `k${i}`,
    key: `secret-${i}`,
    project: `p${i}`,
  }))
  const config = configSchema.parse({
    keys,
    limits: [{ models: MODEL, rpm: 1000, tpm: 10_000_000, rpd: 100_000 }],
    pools: { main: { keys: keys.map((k) => k.id) } },
  })
  const runtime = config.keys.map((k) => new RuntimeKey(k))
  const pool = new Pool('main', config.pools.main!, runtime)
  const clock = new ManualClock()
  const store = new CountingStore()
  const scheduler = new BudgetScheduler({ config, clock, store, events: noEvents, pools: [pool] })
  const client: Client = {
    id: 'c',
    tier: 'free',
    priority: 0,
    tierConfig: { priority: 0 },
    digest: undefined,
  }
  const plan = (i: number): CallPlan => ({
    requestId: `r${i}`,
    pool,
    model: MODEL,
    operation: 'generate',
    cost: { requests: 1, tokens: 10 },
    client,
    priority: 0,
    deadline: clock.now() + 60_000,
    cancellation: new Cancellation(),
    tried: new Set(),
  })
  return { scheduler, store, plan }
}

async function readsPerAcquire(keyCount: number): Promise<number> {
  const { scheduler, store, plan } = setup(keyCount)
  await scheduler.acquire(plan(-1))
  store.reads = 0
  const calls = 200
  for (let i = 0; i < calls; i++) await scheduler.acquire(plan(i))
  return store.reads / calls
}

t.test('choosing a key reads as many budgets with 1,000 keys as with 3', async (t) => {
  const small = await readsPerAcquire(3)
  const large = await readsPerAcquire(1000)
  t.ok(large <= 2 * 8, `a bounded sample of budgets is read per call (${large})`)
  t.ok(large <= small * 3 + 2, `1,000 keys (${large} reads) cost about what 3 do (${small})`)
})
