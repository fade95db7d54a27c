import t from 'tap'
import { ManualClock } from '../../src/util/clock.js'
import { seededRandom } from '../../src/util/random.js'
import { BARE_COOL_MS, Budget, MAX_BARE_COOL_MS, type Cost } from '../../src/limits/budget.js'
import { nextPacificMidnight } from '../../src/limits/pacific-day.js'

const MINUTE = 60_000
const call = (tokens = 10, requests = 1): Cost => ({ requests, tokens })

function setup(limits = { rpm: 5, tpm: 1_000, rpd: 100 }) {
  const clock = new ManualClock(Date.parse('2026-01-15T12:00:00Z'))
  return { clock, budget: new Budget('alpha', 'gemini-2.5-flash', limits) }
}

t.test(
  'a burst up to rpm is admitted at once and the next call is told when it fits',
  async (t) => {
    const { clock, budget } = setup()
    const start = clock.now()
    for (let i = 0; i < 5; i++) t.ok(budget.tryAcquire(call(), clock.now()).ok)
    clock.advance(10_000)
    t.same(budget.tryAcquire(call(), clock.now()), {
      ok: false,
      retryAt: start + MINUTE,
      reason: 'rpm',
    })
    clock.set(start + MINUTE)
    t.ok(budget.tryAcquire(call(), clock.now()).ok)
  },
)

t.test('a refused call takes nothing', async (t) => {
  const { clock, budget } = setup({ rpm: 1, tpm: 1_000, rpd: 100 })
  budget.tryAcquire(call(100), clock.now())
  budget.tryAcquire(call(100), clock.now())
  t.equal(budget.snapshot(clock.now()).tpm.used, 100)
  t.equal(budget.snapshot(clock.now()).rpd.used, 1)
})

t.test(
  'C21: a call above the whole tpm is too large; a smaller one waits for a reservation to free',
  async (t) => {
    const { clock, budget } = setup({ rpm: 100, tpm: 1_000, rpd: 1_000 })
    t.same(budget.tooLarge(call(1_200)), { limit: 'tpm', max: 1_000, cost: 1_200 })
    const refused = budget.tryAcquire(call(1_200), clock.now())
    t.same(refused, { ok: false, retryAt: Infinity, reason: 'tpm' }, 'it could never be sent')

    const reservedAt = clock.now()
    const other = budget.tryAcquire(call(500), reservedAt)
    t.ok(other.ok, '500 reserved by a call in flight')
    clock.advance(5_000)
    t.equal(budget.tooLarge(call(600)), undefined, '600 fits the whole limit')
    t.same(budget.tryAcquire(call(600), clock.now()), {
      ok: false,
      retryAt: reservedAt + MINUTE,
      reason: 'tpm',
    })
    clock.set(reservedAt + MINUTE)
    t.ok(budget.tryAcquire(call(600), clock.now()).ok, 'admitted when the reservation frees')
  },
)

t.test('C21: usageMetadata corrects a reservation down, freeing tokens at once', async (t) => {
  const { clock, budget } = setup({ rpm: 100, tpm: 1_000, rpd: 1_000 })
  const first = budget.tryAcquire(call(500), clock.now())
  if (!first.ok) return t.fail('the first call is admitted')
  t.notOk(budget.tryAcquire(call(600), clock.now()).ok)
  budget.correct(first.reservation, 300)
  t.equal(first.reservation.tokens, 300)
  t.ok(budget.tryAcquire(call(600), clock.now()).ok)
})

t.test('usageMetadata corrects a reservation up, holding calls back longer', async (t) => {
  const { clock, budget } = setup({ rpm: 100, tpm: 1_000, rpd: 1_000 })
  const start = clock.now()
  const first = budget.tryAcquire(call(100), start)
  if (!first.ok) return t.fail('the first call is admitted')
  budget.correct(first.reservation, 900)
  budget.correct(first.reservation, 900)
  t.equal(budget.snapshot(start).tpm.used, 900, 'a repeated correction is applied once')
  t.same(budget.tryAcquire(call(200), start + 1), {
    ok: false,
    retryAt: start + MINUTE,
    reason: 'tpm',
  })
})

t.test('a batch embed costs one request per item', async (t) => {
  const { clock, budget } = setup({ rpm: 100, tpm: 100_000, rpd: 1_000 })
  t.same(budget.tooLarge(call(10, 101)), { limit: 'rpm', max: 100, cost: 101 })
  t.ok(budget.tryAcquire(call(1_000, 100), clock.now()).ok)
  t.equal(budget.tryAcquire(call(10, 1), clock.now()).ok, false)
  t.equal(budget.snapshot(clock.now()).rpd.used, 100)
})

t.test('rpd refuses until the next Pacific midnight', async (t) => {
  const { clock, budget } = setup({ rpm: 100, tpm: 100_000, rpd: 3 })
  for (let i = 0; i < 3; i++) t.ok(budget.tryAcquire(call(), clock.now()).ok)
  const midnight = nextPacificMidnight(clock.now())
  t.same(budget.tryAcquire(call(), clock.now()), { ok: false, retryAt: midnight, reason: 'rpd' })
  t.same(budget.tooLarge(call(1, 4)), { limit: 'rpd', max: 3, cost: 4 })
  clock.set(midnight)
  t.ok(budget.tryAcquire(call(), clock.now()).ok)
})

t.test(
  'retryAt is when every limit admits the call, not only the first that refuses',
  async (t) => {
    const { clock, budget } = setup({ rpm: 2, tpm: 1_000, rpd: 100 })
    const start = clock.now()
    budget.tryAcquire(call(), start)
    clock.advance(20_000)
    budget.tryAcquire(call(), clock.now())
    budget.coolUntil(start + 10_000 + 20_000, clock.now())
    const refused = budget.tryAcquire(call(), clock.now())
    t.same(refused, { ok: false, retryAt: start + MINUTE, reason: 'rpm' }, 'rpm holds it longest')
    t.equal(budget.nextFitAt(call(), clock.now()), start + MINUTE)
  },
)

t.test('C03: RetryInfo cools the budget for exactly its delay, fraction kept', async (t) => {
  const { clock, budget } = setup()
  const start = clock.now()
  budget.coolUntil(start + 37_500, start)
  t.same(budget.tryAcquire(call(), start), {
    ok: false,
    retryAt: start + 37_500,
    reason: 'cooling',
  })
  const snapshot = budget.snapshot(start)
  t.equal(snapshot.state, 'cooling')
  t.equal(snapshot.until, '2026-01-15T12:00:37.500Z')
  clock.set(start + 37_499)
  t.notOk(budget.tryAcquire(call(), clock.now()).ok)
  clock.set(start + 37_500)
  t.equal(budget.state(clock.now()), 'ok', 'it returns by itself')
  t.ok(budget.tryAcquire(call(), clock.now()).ok)
})

t.test(
  'a bare 429 cools for 60 s, doubling while it repeats, and a success resets it',
  async (t) => {
    const { clock, budget } = setup({ rpm: 1_000, tpm: 1_000_000, rpd: 1_000_000 })
    const expectCooling = (ms: number) => {
      const now = clock.now()
      budget.coolBare(now)
      t.equal(budget.until(now), now + ms, `cools for ${ms / 1000} s`)
      clock.set(now + ms)
    }
    expectCooling(BARE_COOL_MS)
    expectCooling(2 * BARE_COOL_MS)
    expectCooling(4 * BARE_COOL_MS)
    budget.recordSuccess(clock.now())
    expectCooling(BARE_COOL_MS)
  },
)

t.test('bare 429s of one episode do not double it', async (t) => {
  const { clock, budget } = setup()
  const start = clock.now()
  budget.coolBare(start)
  budget.coolBare(start + 1_000)
  budget.coolBare(start + 2_000)
  t.equal(
    budget.until(start + 2_000),
    start + 2_000 + BARE_COOL_MS,
    'in-flight answers extend only',
  )
  clock.set(start + 2_000 + BARE_COOL_MS)
  budget.coolBare(clock.now())
  t.equal(budget.until(clock.now()), clock.now() + 2 * BARE_COOL_MS, 'the next episode doubles')
})

t.test('the doubling stops at its ceiling', async (t) => {
  const { clock, budget } = setup()
  for (let i = 0; i < 20; i++) {
    budget.coolBare(clock.now())
    clock.set(budget.until(clock.now())!)
  }
  budget.coolBare(clock.now())
  t.equal(budget.until(clock.now()), clock.now() + MAX_BARE_COOL_MS)
})

t.test('a success during a cooling neither ends it nor resets the doubling', async (t) => {
  const { clock, budget } = setup()
  budget.coolBare(clock.now())
  const until = budget.until(clock.now())
  budget.recordSuccess(clock.now() + 1)
  t.equal(budget.until(clock.now() + 1), until)
  clock.set(until!)
  budget.coolBare(clock.now())
  t.equal(budget.until(clock.now()), clock.now() + 2 * BARE_COOL_MS)
})

t.test(
  'C07: a per-day 429 parks the budget until Pacific midnight, then it is ok by itself',
  async (t) => {
    const clock = new ManualClock(Date.parse('2026-03-08T06:30:00Z')) // 22:30 PST on March 7
    const budget = new Budget('alpha', 'gemini-2.5-pro', { rpm: 5, tpm: 250_000, rpd: 100 })
    budget.exhaust(clock.now())
    const midnight = Date.parse('2026-03-08T08:00:00Z')
    t.equal(budget.state(clock.now()), 'exhausted')
    t.equal(budget.until(clock.now()), midnight)
    t.same(budget.tryAcquire(call(), clock.now()), {
      ok: false,
      retryAt: midnight,
      reason: 'exhausted',
    })
    t.equal(budget.headroomIfFits(call(), clock.now()), -1, 'nothing fits while exhausted')
    clock.set(midnight - 1)
    t.notOk(budget.tryAcquire(call(), clock.now()).ok)
    clock.set(midnight)
    t.equal(budget.state(clock.now()), 'ok')
    t.equal(budget.snapshot(clock.now()).until, null)
    t.ok(budget.tryAcquire(call(), clock.now()).ok)
  },
)

t.test('C20: nothing optimistic ends an exhaustion early', async (t) => {
  const { clock, budget } = setup()
  budget.exhaust(clock.now())
  const until = budget.until(clock.now())!
  budget.recordSuccess(clock.now())
  budget.setLimits({ rpm: 1_000, tpm: 1_000_000, rpd: 1_000_000 })
  budget.coolUntil(clock.now() + 1_000, clock.now())
  budget.coolBare(clock.now())
  t.equal(budget.state(clock.now()), 'exhausted')
  t.equal(budget.until(clock.now()), until)
  clock.set(until - 1)
  t.notOk(budget.tryAcquire(call(), clock.now()).ok)
})

t.test('a longer penalty replaces a shorter one', async (t) => {
  const { clock, budget } = setup()
  budget.coolUntil(clock.now() + 5_000, clock.now())
  budget.exhaust(clock.now())
  t.equal(budget.state(clock.now()), 'exhausted')
  budget.coolUntil(clock.now() + 1_000, clock.now())
  t.equal(budget.state(clock.now()), 'exhausted')
})

t.test('new limits keep the units taken', async (t) => {
  const { clock, budget } = setup({ rpm: 5, tpm: 1_000, rpd: 100 })
  for (let i = 0; i < 3; i++) budget.tryAcquire(call(), clock.now())
  budget.setLimits({ rpm: 3, tpm: 1_000, rpd: 100 })
  t.notOk(budget.tryAcquire(call(), clock.now()).ok)
  t.ok(budget.hasLimits({ rpm: 3, tpm: 1_000, rpd: 100 }))
})

t.test('headroom is the least fraction left of the three limits', async (t) => {
  const { clock, budget } = setup({ rpm: 10, tpm: 1_000, rpd: 100 })
  t.equal(budget.headroomIfFits(call(1), clock.now()), 1)
  budget.tryAcquire(call(500, 1), clock.now())
  t.equal(budget.headroomIfFits(call(1), clock.now()), 0.5, 'tpm is half spent, rpm a tenth')
  t.equal(budget.headroomIfFits(call(501), clock.now()), -1, 'a cost that does not fit: -1')
  const unlimited = new Budget('p', 'm', { rpm: 10, tpm: 1_000, rpd: Infinity })
  unlimited.tryAcquire(call(100), clock.now())
  t.equal(unlimited.headroomIfFits(call(1), clock.now()), 0.9)
  const tiny = new Budget('p', 'm', { rpm: 1, tpm: 10, rpd: 1 })
  t.equal(tiny.headroomIfFits(call(10), clock.now()), 1, 'a cost the size of the limit fits')
  tiny.tryAcquire(call(10), clock.now())
  t.equal(tiny.headroomIfFits(call(0), clock.now()), -1, 'a full budget admits nothing')
})

t.test('headroomIfFits admits exactly what nextFitAt admits now', async (t) => {
  const next = seededRandom(7)
  const random = (n: number) => Math.floor(next() * n)
  const limitSets = [
    { rpm: 4, tpm: 100, rpd: 20 },
    { rpm: 4, tpm: 100, rpd: Infinity },
  ]
  for (const limits of limitSets) {
    const { clock, budget } = setup(limits)
    const seen = { fits: 0, waits: 0, disagreements: 0 }
    for (let step = 0; step < 600; step++) {
      // Mostly seconds apart; now and then half a day, so the daily count rolls over.
      clock.advance(random(50) === 0 ? 12 * 3_600_000 : random(4) * 5_000)
      if (random(10) === 0) budget.coolUntil(clock.now() + random(3) * 10_000, clock.now())
      const cost = call(random(60), random(3))
      const fitsNow = budget.nextFitAt(cost, clock.now()) === clock.now()
      if (fitsNow !== budget.headroomIfFits(cost, clock.now()) >= 0) seen.disagreements++
      seen[fitsNow ? 'fits' : 'waits']++
      const taken = budget.tryAcquire(cost, clock.now())
      // Usage reports the real count later, often above the estimate: a window over its limit.
      if (taken.ok && random(3) === 0) budget.correct(taken.reservation, random(150))
    }
    t.equal(seen.disagreements, 0, `rpd ${limits.rpd}: the two agree (${JSON.stringify(seen)})`)
    t.ok(seen.fits > 50 && seen.waits > 50, 'both kinds were seen')
  }
})

t.test('a snapshot has the shape of the status page', async (t) => {
  const { clock, budget } = setup({ rpm: 5, tpm: 1_000, rpd: Infinity })
  budget.tryAcquire(call(200), clock.now())
  clock.advance(1_000)
  t.same(budget.snapshot(clock.now()), {
    project: 'alpha',
    model: 'gemini-2.5-flash',
    state: 'ok',
    until: null,
    rpm: { limit: 5, used: 1, left: 4, resetsAt: '2026-01-15T12:01:00.000Z' },
    tpm: { limit: 1_000, used: 200, left: 800, resetsAt: '2026-01-15T12:01:00.000Z' },
    rpd: { limit: null, used: 1, left: null, resetsAt: '2026-01-16T08:00:00.000Z' },
  })
})
