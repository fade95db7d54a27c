import t from 'tap'
import { configSchema } from '../../src/config/schema.js'
import { KeypoolError } from '../../src/errors/keypool-error.js'
import { noEvents } from '../../src/observe/events.js'
import { BudgetScheduler } from '../../src/pool/budget-scheduler.js'
import { RuntimeKey } from '../../src/pool/key.js'
import { Pool } from '../../src/pool/pool.js'
import type { CallPlan } from '../../src/pool/scheduler.js'
import type { Client } from '../../src/server/client-auth.js'
import { MemoryBudgetStore } from '../../src/state/memory-budget-store.js'
import { Cancellation, type CancelWatcher } from '../../src/util/cancellation.js'
import { ManualClock } from '../../src/util/clock.js'

const MODEL = 'gemini-2.5-flash'
const GONE = new Error('client went away')

/** One key allowed one request a minute: the second call of a minute must wait. */
function oneCallAMinute() {
  const config = configSchema.parse({
    keys: [{ id: 'k1', key: 'secret-1', project: 'p1' }],
    limits: [{ models: MODEL, rpm: 1, tpm: 1_000_000, rpd: 1000 }],
    pools: { main: { keys: ['k1'] } },
  })
  const pool = new Pool('main', config.pools.main!, [new RuntimeKey(config.keys[0]!)])
  const clock = new ManualClock()
  const scheduler = new BudgetScheduler({
    config,
    clock,
    store: new MemoryBudgetStore(),
    events: noEvents,
    pools: [pool],
  })
  const client: Client = {
    id: 'c',
    tier: 'free',
    priority: 0,
    tierConfig: { priority: 0 },
    digest: undefined,
  }
  let next = 0
  const plan = (cancellation = new Cancellation()): CallPlan => ({
    requestId: `r${next++}`,
    pool,
    model: MODEL,
    operation: 'generate',
    cost: { requests: 1, tokens: 10 },
    client,
    priority: 0,
    deadline: clock.now() + 10 * 60_000,
    cancellation,
    tried: new Set(),
  })
  const depth = () => scheduler.queueDepths()[0]!.depth
  return { scheduler, clock, plan, depth }
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return 'served'
  } catch (error) {
    return error instanceof KeypoolError ? error.message : String(error)
  }
}

t.test('a waiting call whose client goes away leaves the queue and takes no unit', async (t) => {
  const { scheduler, clock, plan, depth } = oneCallAMinute()
  await scheduler.acquire(plan())
  const cancellation = new Cancellation()
  const waiting = scheduler.acquire(plan(cancellation))
  t.equal(depth(), 1, 'the second call of the minute waits')

  cancellation.cancel(GONE)
  t.match(await refusal(waiting), /client went away/)
  t.equal(depth(), 0, 'and the queue is empty at once')

  clock.advance(60_000)
  const after = scheduler.acquire(plan())
  t.equal(depth(), 0, "the next minute's call goes at once: the gone call took nothing")
  t.equal((await after).key.id, 'k1')
})

t.test('a call whose client left before it could queue is never queued', async (t) => {
  const { scheduler, plan, depth } = oneCallAMinute()
  await scheduler.acquire(plan())
  const cancellation = new Cancellation()
  cancellation.cancel(GONE)

  t.match(await refusal(scheduler.acquire(plan(cancellation))), /client went away/)
  t.equal(depth(), 0)
})

t.test('cancelling a call after it was served leaves the queue alone', async (t) => {
  const { scheduler, clock, plan, depth } = oneCallAMinute()
  await scheduler.acquire(plan())
  const cancellation = new Cancellation()
  const waiting = scheduler.acquire(plan(cancellation))
  const behind = scheduler.acquire(plan())
  clock.advance(60_000)
  await waiting

  // Cancelling the served call must not take the call behind it out of the queue.
  cancellation.cancel(GONE)
  t.equal(depth(), 1, 'the call behind still waits')
  clock.advance(60_000)
  t.equal((await behind).key.id, 'k1')
})

t.test('a cancellation tells its current watcher once', async (t) => {
  const told: string[] = []
  const watcher = (name: string): CancelWatcher => ({
    onCancel: (reason) => told.push(`${name}: ${reason.message}`),
  })
  const cancellation = new Cancellation()
  const queue = watcher('queue')
  const attempt = watcher('attempt')
  cancellation.watch(queue)
  cancellation.watch(attempt)
  cancellation.unwatch(queue)
  t.notOk(cancellation.isCancelled)

  cancellation.cancel(GONE)
  cancellation.cancel(new Error('again'))
  t.same(told, ['attempt: client went away'], 'a stale unwatch leaves the newer watcher')
  t.equal(cancellation.reason, GONE, 'the first reason stays')

  cancellation.watch(watcher('late'))
  t.same(told.at(-1), 'late: client went away', 'a watcher after the fact is told at once')
})
