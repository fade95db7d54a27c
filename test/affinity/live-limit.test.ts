import t from 'tap'
import { configSchema } from '../../src/config/schema.js'
import { LiveLimitResolver } from '../../src/limits/live-limit.js'
import { LimitResolver } from '../../src/limits/resolve.js'
import { LiveSessions } from '../../src/pool/live-sessions.js'

const limits = configSchema.shape.limits.parse([
  { models: 'gemini-*live*', liveSessions: 5 },
  { models: 'gemini-*live*', usageTier: 'tier1', liveSessions: 50 },
  { models: 'gemini-live-2.5-flash-preview', liveSessions: 2 },
])

t.test('liveSessions: the most specific entry wins; the default is 3', async (t) => {
  const resolver = new LiveLimitResolver(limits)
  t.same(resolver.resolve('models/gemini-live-2.5-flash-preview', 'free'), {
    group: 'gemini-live-2.5-flash-preview',
    max: 2,
  })
  t.same(resolver.resolve('gemini-2.0-flash-live-001', 'free'), { group: 'gemini-*live*', max: 5 })
  t.same(resolver.resolve('gemini-2.0-flash-live-001', 'tier1'), {
    group: 'gemini-*live*',
    max: 50,
  })
  t.same(resolver.resolve('gemini-2.5-flash', 'free'), { group: 'gemini-2.5-flash', max: 3 })
})

t.test('an entry with only liveSessions does not group rate budgets', async (t) => {
  const resolver = new LimitResolver({ limits, defaultLimits: { rpm: 1, tpm: 1, rpd: 1 } })
  t.equal(resolver.resolve('gemini-2.0-flash-live-001', 'free').budgetModel, 'other')
  t.equal(resolver.resolve('gemini-2.5-flash', 'free').budgetModel, 'gemini-2.5-flash')
})

t.test('session slots are taken up to the limit and given back', async (t) => {
  const slots = new LiveSessions()
  t.ok(slots.tryOpen('alpha', 'live', 2))
  t.ok(slots.tryOpen('alpha', 'live', 2))
  t.notOk(slots.tryOpen('alpha', 'live', 2))
  t.ok(slots.tryOpen('beta', 'live', 2), 'another project has its own')
  slots.close('alpha', 'live')
  t.equal(slots.openIn('alpha'), 1)
  t.ok(slots.tryOpen('alpha', 'live', 2))
})
