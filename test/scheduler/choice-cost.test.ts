import t from 'tap'
import { ownProjectsConfig, schedulerFixture } from '../helpers/scheduler-fixture.js'

function setup(keyCount: number) {
  return schedulerFixture(ownProjectsConfig(keyCount, { rpm: 1000, tpm: 10_000_000, rpd: 100_000 }))
}

async function readsPerAcquire(keyCount: number): Promise<number> {
  const { scheduler, store, plan } = setup(keyCount)
  await scheduler.acquire(plan())
  store.reads = 0
  const calls = 200
  for (let i = 0; i < calls; i++) await scheduler.acquire(plan())
  return store.reads / calls
}

t.test('choosing a key reads no more budgets with 1,000 keys than with 3', async (t) => {
  const small = await readsPerAcquire(3)
  const large = await readsPerAcquire(1000)
  t.equal(small, 3, 'with 3 keys every budget is compared')
  t.equal(large, 2, 'with 1,000 keys two budgets are compared, no more than with 3')
})
