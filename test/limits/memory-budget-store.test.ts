import t from 'tap'
import { ManualClock } from '../../src/util/clock.js'
import { LimitResolver } from '../../src/limits/resolve.js'
import { isPromise } from '../../src/limits/store.js'
import { MemoryBudgetStore } from '../../src/state/memory-budget-store.js'

const MINUTE = 60_000
const call = { requests: 1, tokens: 100 }

function setup() {
  const clock = new ManualClock(Date.parse('2026-01-15T12:00:00Z'))
  const resolver = new LimitResolver({
    limits: [{ models: 'gemini-2.5-flash', rpm: 15, tpm: 1_000_000, rpd: 1_000 }],
    defaultLimits: { rpm: 5, tpm: 250_000, rpd: 20 },
  })
  return { clock, resolver, store: new MemoryBudgetStore() }
}

t.test('C08: two keys of one project share its 15 rpm; 20 calls in a minute send 15', async (t) => {
  const { clock, resolver, store } = setup()
  const keys = [{ project: 'alpha' }, { project: 'alpha' }]
  const limits = resolver.resolve('gemini-2.5-flash', 'free')
  const start = clock.now()
  const sent: number[] = []
  const waiting: number[] = []
  for (let i = 0; i < 20; i++) {
    const key = keys[i % 2]!
    const result = store.tryAcquire(key.project, limits, call, clock.now())
    if (result.ok) sent.push(clock.now())
    else waiting.push(result.retryAt)
    clock.advance(2_000)
  }
  t.equal(sent.length, 15, 'not 30')
  t.equal(waiting.length, 5)
  t.same(waiting, [start + MINUTE, start + MINUTE, start + MINUTE, start + MINUTE, start + MINUTE])
  t.ok(
    sent.every((at) => at < start + MINUTE),
    'the 15 went first',
  )
})

t.test('the memory store answers synchronously, never with a Promise', async (t) => {
  const { clock, resolver, store } = setup()
  const limits = resolver.resolve('gemini-2.5-flash', 'free')
  const result = store.tryAcquire('alpha', limits, call, clock.now())
  t.notOk(isPromise(result))
  t.ok(result.ok)
})

t.test('projects and models have separate budgets; unknown models share "other"', async (t) => {
  const { clock, resolver, store } = setup()
  const flash = resolver.resolve('gemini-2.5-flash', 'free')
  const junk1 = resolver.resolve('junk-1', 'free')
  const junk2 = resolver.resolve('junk-2', 'free')
  store.tryAcquire('alpha', flash, call, clock.now())
  store.tryAcquire('beta', flash, call, clock.now())
  store.tryAcquire('alpha', junk1, call, clock.now())
  store.tryAcquire('alpha', junk2, call, clock.now())
  const budgets = store.snapshot(clock.now()).map((b) => `${b.project}/${b.model}/${b.rpm.used}`)
  t.same(budgets.sort(), ['alpha/gemini-2.5-flash/1', 'alpha/other/2', 'beta/gemini-2.5-flash/1'])
})

t.test('penalties reach the budget and show in its snapshot', async (t) => {
  const { clock, resolver, store } = setup()
  const flash = resolver.resolve('gemini-2.5-flash', 'free')
  const pro = resolver.resolve('gemini-2.5-pro', 'free')
  const other = resolver.resolve('junk', 'free')
  store.penalise('alpha', flash, { kind: 'retry', until: clock.now() + 37_500 }, clock.now())
  store.penalise('alpha', pro, { kind: 'day' }, clock.now())
  store.penalise('alpha', other, { kind: 'bare' }, clock.now())
  const states = Object.fromEntries(store.snapshot(clock.now()).map((b) => [b.model, b.until]))
  t.same(states, {
    'gemini-2.5-flash': '2026-01-15T12:00:37.500Z',
    'gemini-2.5-pro': '2026-01-16T08:00:00.000Z',
    other: '2026-01-15T12:01:00.000Z',
  })
  t.equal(store.headroomIfFits('alpha', flash, call, clock.now()), -1, 'cooling: nothing fits')
  t.equal(store.nextFitAt('alpha', flash, call, clock.now()), clock.now() + 37_500)
  store.recordSuccess('alpha', other, clock.now())
})

t.test('a correction through the store reaches the reservation’s budget', async (t) => {
  const { clock, resolver, store } = setup()
  const pro = resolver.resolve('gemini-2.5-pro', 'free')
  const result = store.tryAcquire('alpha', pro, { requests: 1, tokens: 200_000 }, clock.now())
  if (!result.ok) return t.fail('admitted')
  t.notOk(store.tryAcquire('alpha', pro, { requests: 1, tokens: 100_000 }, clock.now()).ok)
  store.correct(result.reservation, 1_000)
  t.ok(store.tryAcquire('alpha', pro, { requests: 1, tokens: 100_000 }, clock.now()).ok)
})

t.test('a budget asked for with new numbers keeps its counts', async (t) => {
  const { clock, store } = setup()
  const before = { budgetModel: 'm', rpm: 5, tpm: 1_000, rpd: 100 }
  const after = { budgetModel: 'm', rpm: 2, tpm: 1_000, rpd: 100 }
  store.tryAcquire('alpha', before, call, clock.now())
  store.tryAcquire('alpha', before, call, clock.now())
  t.notOk(store.tryAcquire('alpha', after, call, clock.now()).ok)
  t.equal(store.budget('alpha', after).limits.rpm, 2)
})

t.test('changedSince names each budget a change touched, and gives up when far behind', (t) => {
  const { clock, resolver, store } = setup()
  const limits = resolver.resolve('gemini-2.5-flash', 'free')
  store.nextFitAt('alpha', limits, call, clock.now())
  store.nextFitAt('beta', limits, call, clock.now())
  const start = store.revision

  const taken = store.tryAcquire('alpha', limits, call, clock.now())
  store.penalise('beta', limits, { kind: 'bare' }, clock.now())
  store.recordSuccess('alpha', limits, clock.now())
  if (taken.ok) store.correct(taken.reservation, call.tokens)
  const named = (store.changedSince(start) ?? []).map((b) => `${b.project}/${b.budgetModel}`)
  t.same(named, ['alpha/gemini-2.5-flash', 'beta/gemini-2.5-flash'], 'a take and a penalty')
  t.same(store.changedSince(store.revision), [], 'nothing since now')

  for (let i = 0; i < 100; i++) store.penalise('beta', limits, { kind: 'bare' }, clock.now())
  t.equal(store.changedSince(start), undefined, 'too far behind: read everything again')
  t.end()
})
