import t from 'tap'
import { seededRandom } from '../../src/util/random.js'
import { ownProjectsConfig, schedulerFixture } from '../helpers/scheduler-fixture.js'

/**
 * Which project a pool's strategy sends calls to, observed as a user would: the key each lease
 * names. Each key is in a project of its own (k3 in p3), rpm 100, and no time passes, so every
 * call served stays in its budget for the whole test.
 */
function pool(keyCount: number, poolConfig: object = {}, seed = 1) {
  const limit = { rpm: 100, tpm: 10_000_000, rpd: 100_000 }
  return schedulerFixture(
    ownProjectsConfig(keyCount, limit, poolConfig),
    undefined,
    seededRandom(seed),
  )
}

type Fixture = ReturnType<typeof pool>

/** Spends `calls` of each named project's budget with calls pinned to it. */
async function spend(fixture: Fixture, projects: string[], calls: number): Promise<void> {
  for (const project of projects) {
    for (let i = 0; i < calls; i++) await fixture.scheduler.acquire(fixture.plan({ project }))
  }
}

/** Sends `calls` unpinned calls and counts them by the key each was given. */
async function served(fixture: Fixture, calls: number): Promise<Map<string, number>> {
  const byKey = new Map<string, number>()
  for (let i = 0; i < calls; i++) {
    const lease = await fixture.scheduler.acquire(fixture.plan())
    byKey.set(lease.key.id, (byKey.get(lease.key.id) ?? 0) + 1)
  }
  return byKey
}

const sum = (byKey: Map<string, number>, ids: string[]) =>
  ids.reduce((total, id) => total + (byKey.get(id) ?? 0), 0)

t.test('most-headroom sends every call to the emptier budgets of a small pool', async (t) => {
  const fixture = pool(4)
  await spend(fixture, ['p0', 'p1'], 50)

  const byKey = await served(fixture, 100)

  t.equal(sum(byKey, ['k0', 'k1']), 0, 'the half-spent projects get none')
  t.same([byKey.get('k2'), byKey.get('k3')], [50, 50], 'the fresh ones fill up to them evenly')
})

t.test('most-headroom in a pool of 16 prefers the emptier budgets by two choices', async (t) => {
  // Past 8 ready projects the choice compares two budgets: the next in turn and a random one.
  // A half-spent budget wins only against another half-spent one, about a quarter of the time
  // here; pairing neighbours in turn instead would give the half-spent ones about half.
  const spent = Array.from({ length: 8 }, (_, i) => i)
  for (const seed of [1, 2, 3]) {
    const fixture = pool(16, {}, seed)
    await spend(
      fixture,
      spent.map((i) => `p${i}`),
      50,
    )

    const byKey = await served(fixture, 200)

    const toSpent = sum(
      byKey,
      spent.map((i) => `k${i}`),
    )
    t.ok(toSpent < 200 * 0.35, `seed ${seed}: ${toSpent} of 200 calls to the half-spent ones`)
  }
})

t.test('round-robin takes the projects in turn, whatever their budgets hold', async (t) => {
  const fixture = pool(3, { strategy: 'round-robin' })
  await spend(fixture, ['p0'], 50)

  const order = []
  for (let i = 0; i < 6; i++) order.push((await fixture.scheduler.acquire(fixture.plan())).key.id)

  t.same(order, ['k0', 'k1', 'k2', 'k0', 'k1', 'k2'])
})

t.test('weighted shares calls between projects by their keys weights', async (t) => {
  const keys = [
    { id: 'heavy', key: 's1', project: 'p1', weight: 3 },
    { id: 'light', key: 's2', project: 'p2', weight: 1 },
  ]
  const fixture = schedulerFixture(
    {
      keys,
      limits: [{ models: 'gemini-2.5-flash', rpm: 10_000, tpm: 10_000_000, rpd: 100_000 }],
      pools: { main: { keys: ['heavy', 'light'], strategy: 'weighted' } },
    },
    undefined,
    seededRandom(7),
  )

  const byKey = await served(fixture, 2000)

  const share = (byKey.get('heavy') ?? 0) / 2000
  t.ok(share > 0.72 && share < 0.78, `weight 3 against 1 takes ${share} of the calls`)
})
