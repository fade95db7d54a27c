import t from 'tap'
import type { LimitConfig } from '../../src/config/schema.js'
import { DEFAULT_LIMIT_TABLES } from '../../src/limits/default-limits.js'
import {
  LimitResolver,
  OTHER_BUDGET,
  isKnownModel,
  resolveLimits,
} from '../../src/limits/resolve.js'

const defaultLimits = { rpm: 7, tpm: 70_000, rpd: 77 }
const resolver = (limits: LimitConfig[] = []) => new LimitResolver({ limits, defaultLimits })
const numbers = (r: { rpm: number; tpm: number; rpd: number }) => [r.rpm, r.tpm, r.rpd]

t.test('a known model takes its numbers from the table of its usage tier', async (t) => {
  const r = resolver()
  const free = r.resolve('gemini-2.5-pro', 'free')
  t.same(numbers(free), [5, 250_000, 100])
  t.equal(free.budgetModel, 'gemini-2.5-pro')
  t.equal(free.source, 'table')
  t.same(numbers(r.resolve('gemini-2.5-pro', 'tier1')), [150, 2_000_000, 10_000])
})

t.test('a table row without a daily limit resolves to rpd Infinity', async (t) => {
  t.equal(resolver().resolve('gemini-2.5-flash-lite', 'tier1').rpd, Infinity)
})

t.test('the models/ prefix is ignored', async (t) => {
  const r = resolver()
  t.same(r.resolve('models/gemini-2.5-flash', 'free'), r.resolve('gemini-2.5-flash', 'free'))
  t.equal(r.resolve('models/gemini-2.5-flash', 'free').budgetModel, 'gemini-2.5-flash')
})

t.test('every distinct known name has its own budget', async (t) => {
  const r = resolver()
  t.not(
    r.resolve('gemini-2.5-flash', 'free').budgetModel,
    r.resolve('gemini-2.5-flash-lite', 'free').budgetModel,
  )
})

t.test('models that nothing knows share the budget "other" with the pool defaults', async (t) => {
  const r = resolver([{ models: 'gemini-2.5-pro', rpm: 1 }])
  const a = r.resolve('my-junk-model', 'free')
  const b = r.resolve('models/another-junk', 'tier3')
  t.equal(a.budgetModel, OTHER_BUDGET)
  t.equal(a.source, 'default')
  t.same(numbers(a), [7, 70_000, 77])
  t.equal(a, b, 'one object for every unknown model: no state per junk name')
  t.equal(r.resolve('tunedModels/mine', 'free').budgetModel, OTHER_BUDGET)
})

t.test('a glob entry groups the models it matches under the glob', async (t) => {
  const r = resolver([{ models: 'gemini-2.5-pro*', rpm: 3, tpm: 1_000, rpd: 10 }])
  const plain = r.resolve('gemini-2.5-pro', 'free')
  const preview = r.resolve('gemini-2.5-pro-preview-06-05', 'free')
  t.equal(plain.budgetModel, 'gemini-2.5-pro*')
  t.equal(preview.budgetModel, 'gemini-2.5-pro*')
  t.same(numbers(preview), [3, 1_000, 10])
  t.equal(preview.source, 'config')
})

t.test('config overrides the table field by field', async (t) => {
  const r = resolver([{ models: 'gemini-2.5-flash', usageTier: 'free', rpd: 250 }])
  const flash = r.resolve('gemini-2.5-flash', 'free')
  t.same(numbers(flash), [5, 250_000, 250])
  t.equal(flash.source, 'table+config')
})

t.test('an exact name wins over a glob that also matches', async (t) => {
  const r = resolver([
    { models: 'gemini-2.5-*', rpm: 1, tpm: 1, rpd: 1 },
    { models: 'gemini-2.5-flash', rpm: 2 },
  ])
  const flash = r.resolve('gemini-2.5-flash', 'free')
  t.equal(flash.budgetModel, 'gemini-2.5-flash', 'its own budget')
  t.same(numbers(flash), [2, 1, 1], 'rpm from the exact entry, the rest from the glob')
  t.equal(r.resolve('gemini-2.5-pro', 'free').budgetModel, 'gemini-2.5-*')
})

t.test('a longer glob wins over a shorter one, whatever the file order', async (t) => {
  const r = resolver([
    { models: 'gemini-2.5-flash*', rpm: 20 },
    { models: 'gemini-*', rpm: 10 },
  ])
  const lite = r.resolve('gemini-2.5-flash-lite', 'free')
  t.equal(lite.budgetModel, 'gemini-2.5-flash*')
  t.equal(lite.rpm, 20)
  t.equal(r.resolve('gemini-2.0-flash', 'free').rpm, 10)
})

t.test('an entry with usageTier wins over the same one without', async (t) => {
  const r = resolver([
    { models: 'gemini-2.5-pro', usageTier: 'free', rpm: 2 },
    { models: 'gemini-2.5-pro', rpm: 4, rpd: 40 },
  ])
  t.same(numbers(r.resolve('gemini-2.5-pro', 'free')), [2, 250_000, 40])
  t.same(numbers(r.resolve('gemini-2.5-pro', 'tier1')), [4, 2_000_000, 40])
})

t.test('an entry for another usage tier does not apply', async (t) => {
  const r = resolver([{ models: 'gemini-2.5-pro*', usageTier: 'free', rpm: 1 }])
  const tier1 = r.resolve('gemini-2.5-pro', 'tier1')
  t.equal(tier1.budgetModel, 'gemini-2.5-pro')
  t.equal(tier1.source, 'table')
  t.equal(r.resolve('gemini-2.5-pro-preview', 'tier1').budgetModel, OTHER_BUDGET)
})

t.test(
  'a model only an entry knows has its own budget, its gaps filled by pool defaults',
  async (t) => {
    const r = resolver([{ models: 'my-tuned-model', rpm: 50 }])
    const mine = r.resolve('my-tuned-model', 'free')
    t.equal(mine.budgetModel, 'my-tuned-model')
    t.same(numbers(mine), [50, 70_000, 77])
    t.equal(mine.source, 'config+default')
  },
)

t.test('a glob group has the same numbers whichever member asks', async (t) => {
  const r = resolver([{ models: 'gemini-2.5-flash*', usageTier: 'free', rpm: 8 }])
  const flash = r.resolve('gemini-2.5-flash', 'free')
  const lite = r.resolve('gemini-2.5-flash-lite', 'free')
  const preview = r.resolve('gemini-2.5-flash-preview-09-2025', 'free')
  t.same(numbers(flash), [8, 250_000, 20], 'the least of each field among the table members')
  t.same(numbers(lite), numbers(flash))
  t.same(numbers(preview), numbers(flash))
})

t.test('resolutions are memoised and the memo is bounded', async (t) => {
  const r = new LimitResolver({ limits: [], defaultLimits, maxEntries: 2 })
  const first = r.resolve('gemini-2.5-pro', 'free')
  t.equal(r.resolve('gemini-2.5-pro', 'free'), first, 'the same object while remembered')
  for (let i = 0; i < 1_000; i++) r.resolve(`junk-${i}`, 'free')
  const again = r.resolve('gemini-2.5-pro', 'free')
  t.not(again, first, 'forgotten after newer names pushed it out')
  t.same(again, first, 'and resolved the same way again')
})

t.test('the one-shot form resolves like the resolver', async (t) => {
  const limits: LimitConfig[] = [{ models: 'gemini-2.5-pro', rpm: 1 }]
  t.same(
    resolveLimits('gemini-2.5-pro', 'free', { limits, defaultLimits }),
    resolver(limits).resolve('gemini-2.5-pro', 'free'),
  )
})

t.test(
  'isKnownModel knows table names, with or without models/, and globs that match one',
  async (t) => {
    t.ok(isKnownModel('gemini-2.5-flash'))
    t.ok(isKnownModel('models/gemini-embedding-001'))
    t.ok(isKnownModel('gemini-2.5-pro*'))
    t.notOk(isKnownModel('gemini-9-ultra'))
    t.notOk(isKnownModel('gpt-*'))
  },
)

t.test('the built-in table is dated, sourced and covers every tier alike', async (t) => {
  t.match(DEFAULT_LIMIT_TABLES.date, /^\d{4}-\d{2}-\d{2}$/)
  t.ok(DEFAULT_LIMIT_TABLES.sources.length > 0)
  const names = Object.keys(DEFAULT_LIMIT_TABLES.tiers.free).sort()
  for (const tier of ['tier1', 'tier2', 'tier3'] as const) {
    t.same(Object.keys(DEFAULT_LIMIT_TABLES.tiers[tier]).sort(), names, tier)
  }
  for (const model of ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite']) {
    t.ok(names.includes(model), model)
  }
})
