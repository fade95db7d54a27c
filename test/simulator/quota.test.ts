import { ApiError } from '@google/genai'
import t from 'tap'
import { ManualClock } from '../../src/util/clock.js'
import {
  ALPHA,
  ALPHA_2,
  BETA,
  GENERATE_PATH,
  genai,
  rawJson,
  startSim,
  textBody,
} from '../helpers/sim-clients.js'

interface QuotaBody {
  error: {
    code: number
    message: string
    status: string
    details: Array<Record<string, unknown>>
  }
}

function violationsOf(body: unknown): Array<Record<string, unknown>> {
  const details = (body as QuotaBody).error.details
  const failure = details.find((d) => d['@type'] === 'type.googleapis.com/google.rpc.QuotaFailure')
  return (failure?.violations ?? []) as Array<Record<string, unknown>>
}

function retryDelayOf(body: unknown): string | undefined {
  const details = (body as QuotaBody).error.details
  const info = details.find((d) => d['@type'] === 'type.googleapis.com/google.rpc.RetryInfo')
  return info?.retryDelay as string | undefined
}

t.test("an over-limit call through @google/genai gets Google's 429 body", async (t) => {
  const { sim } = await startSim(t, { limits: [{ models: 'gemini-2.5-flash', rpm: 2 }] })
  const ai = genai(sim)
  const ask = () => ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'q' })
  await ask()
  await ask()
  const error = (await ask().catch((e: unknown) => e)) as ApiError
  t.type(error, ApiError)
  t.equal(error.status, 429)
  const body = JSON.parse(error.message) as QuotaBody
  t.equal(body.error.status, 'RESOURCE_EXHAUSTED')
  t.match(body.error.message, /^You exceeded your current quota/)
  t.same(
    body.error.details.map((d) => d['@type']),
    [
      'type.googleapis.com/google.rpc.QuotaFailure',
      'type.googleapis.com/google.rpc.Help',
      'type.googleapis.com/google.rpc.RetryInfo',
    ],
  )
  t.same(violationsOf(body), [
    {
      quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
      quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
      quotaDimensions: { location: 'global', model: 'gemini-2.5-flash' },
      quotaValue: '2',
    },
  ])
})

t.test('the 429 has no Retry-After header and a retryDelay from the window', async (t) => {
  const { sim, clock } = await startSim(t, { limits: [{ models: 'gemini-2.5-flash', rpm: 2 }] })
  await rawJson(sim, GENERATE_PATH, textBody('a'))
  clock.advance(20_250)
  await rawJson(sim, GENERATE_PATH, textBody('b'))
  const refused = await rawJson(sim, GENERATE_PATH, textBody('c'))
  t.equal(refused.status, 429)
  t.equal(refused.headers['retry-after'], undefined)
  t.equal(retryDelayOf(refused.json), '39.750s', 'the first call leaves the window in 39.75 s')
  t.match((refused.json as QuotaBody).error.message, /Please retry in 39\.750s\.$/)
})

t.test('an over-limit call is logged as overLimit and charged nothing', async (t) => {
  const { sim } = await startSim(t, { limits: [{ models: 'gemini-2.5-flash', rpm: 1 }] })
  await rawJson(sim, GENERATE_PATH, textBody('a'))
  await rawJson(sim, GENERATE_PATH, textBody('b'))
  t.match(sim.calls.at(-1), { status: 429, overLimit: true, units: 0, tokens: 0 })
  t.equal(sim.usage('alpha', 'gemini-2.5-flash').rpm, 1)
})

t.test('the minute window slides: a unit comes back 60 s after it was taken', async (t) => {
  const { sim, clock } = await startSim(t, { limits: [{ models: 'gemini-2.5-flash', rpm: 2 }] })
  await rawJson(sim, GENERATE_PATH, textBody('a'))
  clock.advance(30_000)
  await rawJson(sim, GENERATE_PATH, textBody('b'))
  clock.advance(29_999)
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('c'))).status, 429, 'at 59.999 s')
  clock.advance(1)
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('d'))).status, 200, 'at 60 s')
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('e'))).status, 429, 'the second still holds')
})

t.test('input tokens have their own minute window and quotaId', async (t) => {
  const { sim } = await startSim(t, { limits: [{ models: 'gemini-2.5-flash', tpm: 100 }] })
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('x'.repeat(360)))).status, 200)
  const refused = await rawJson(sim, GENERATE_PATH, textBody('x'.repeat(80)))
  t.equal(refused.status, 429)
  t.match(violationsOf(refused.json), [
    {
      quotaId: 'GenerateContentInputTokensPerModelPerMinute-FreeTier',
      quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_input_token_count',
      quotaValue: '100',
    },
  ])
  t.equal(sim.usage('alpha', 'gemini-2.5-flash').tpm, 90)
})

t.test('keys of one project share its quota; another project has its own', async (t) => {
  const { sim } = await startSim(t, { limits: [{ models: 'gemini-2.5-flash', rpm: 1 }] })
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('a'), ALPHA)).status, 200)
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('b'), ALPHA_2)).status, 429)
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('c'), BETA)).status, 200)
})

t.test('each model has its own budget', async (t) => {
  const { sim } = await startSim(t, { limits: [{ models: 'gemini-2.5-*', rpm: 1 }] })
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('a'))).status, 200)
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('b'))).status, 429)
  const pro = '/v1beta/models/gemini-2.5-pro:generateContent'
  t.equal((await rawJson(sim, pro, textBody('c'))).status, 200)
})

t.test('a limit naming a project beats a general one', async (t) => {
  const { sim } = await startSim(t, {
    limits: [
      { models: 'gemini-2.5-flash', rpm: 5 },
      { models: 'gemini-*', project: 'beta', rpm: 1 },
    ],
  })
  t.same(sim.usage('beta', 'gemini-2.5-flash').limits, { rpm: 1, tpm: 250_000, rpd: 250 })
  t.same(sim.usage('alpha', 'gemini-2.5-flash').limits, { rpm: 5, tpm: 250_000, rpd: 250 })
  t.same(sim.usage('alpha', 'gemini-2.5-pro').limits, { rpm: 5, tpm: 250_000, rpd: 100 })
  t.same(sim.usage('alpha', 'gemma-3-27b-it').limits, { rpm: 10, tpm: 250_000, rpd: 250 })
})

t.test('countTokens and models calls take no quota, even when it is spent', async (t) => {
  const { sim } = await startSim(t, { limits: [{ models: 'gemini-2.5-flash', rpm: 1 }] })
  await rawJson(sim, GENERATE_PATH, textBody('a'))
  const count = await rawJson(sim, '/v1beta/models/gemini-2.5-flash:countTokens', textBody('a'))
  t.equal(count.status, 200)
  t.equal(sim.usage('alpha', 'gemini-2.5-flash').rpm, 1)
})

t.test('the day ends at midnight America/Los_Angeles', async (t) => {
  // 23:30 PST on 2026-01-15 is 07:30 UTC on the 16th.
  const clock = new ManualClock(Date.UTC(2026, 0, 16, 7, 30))
  const { sim } = await startSim(t, {
    clock,
    limits: [{ models: 'gemini-2.5-flash', rpm: 100, rpd: 2 }],
  })
  await rawJson(sim, GENERATE_PATH, textBody('a'))
  await rawJson(sim, GENERATE_PATH, textBody('b'))
  const refused = await rawJson(sim, GENERATE_PATH, textBody('c'))
  t.equal(refused.status, 429)
  t.match(violationsOf(refused.json), [
    { quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier', quotaValue: '2' },
  ])
  t.equal(retryDelayOf(refused.json), '1800s', 'half an hour to Pacific midnight')
  clock.advance(30 * 60_000)
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('d'))).status, 200)
  t.equal(sim.usage('alpha', 'gemini-2.5-flash').rpd, 1)
})

t.test('the Pacific day that loses an hour to DST ends at 07:00 UTC', async (t) => {
  // 2026-03-08 is 23 hours long in Los Angeles: it began at 08:00 UTC, ends at 07:00 UTC.
  const clock = new ManualClock(Date.UTC(2026, 2, 8, 12))
  const { sim } = await startSim(t, {
    clock,
    limits: [{ models: 'gemini-2.5-flash', rpm: 100, rpd: 1 }],
  })
  await rawJson(sim, GENERATE_PATH, textBody('a'))
  clock.set(Date.UTC(2026, 2, 9, 6, 59, 59, 999))
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('b'))).status, 429)
  clock.advance(1)
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('c'))).status, 200)
})

t.test('embedding models count items and use embed-flavoured quota ids', async (t) => {
  const { sim } = await startSim(t, { limits: [{ models: 'gemini-embedding-001', rpm: 3 }] })
  const ai = genai(sim)
  const embed = (contents: string[]) =>
    ai.models.embedContent({ model: 'gemini-embedding-001', contents })
  await embed(['a', 'b'])
  const error = (await embed(['c', 'd']).catch((e: unknown) => e)) as ApiError
  t.equal(error.status, 429)
  t.match(violationsOf(JSON.parse(error.message)), [
    {
      quotaId: 'EmbedContentRequestsPerMinutePerProjectPerModel-FreeTier',
      quotaDimensions: { model: 'gemini-embedding-001' },
    },
  ])
  t.equal(sim.usage('alpha', 'gemini-embedding-001').rpm, 2)
})

t.test('every limit a call breaks is listed', async (t) => {
  const { sim } = await startSim(t, {
    limits: [{ models: 'gemini-2.5-flash', rpm: 1, rpd: 1, tpm: 2 }],
  })
  await rawJson(sim, GENERATE_PATH, textBody('abcd'))
  const refused = await rawJson(sim, GENERATE_PATH, textBody('abcd'.repeat(2)))
  t.same(
    violationsOf(refused.json).map((v) => v.quotaId),
    [
      'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
      'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
      'GenerateContentInputTokensPerModelPerMinute-FreeTier',
    ],
  )
})

t.test('a paid-tier project gets quota ids without the FreeTier suffix', async (t) => {
  const { sim } = await startSim(t, {
    keys: [{ key: 'paid-key', project: 'paid', usageTier: 'tier1' }],
    limits: [{ models: 'gemini-2.5-flash', rpm: 1 }],
  })
  await rawJson(sim, GENERATE_PATH, textBody('a'), 'paid-key')
  const refused = await rawJson(sim, GENERATE_PATH, textBody('b'), 'paid-key')
  t.match(violationsOf(refused.json), [{ quotaId: 'GenerateRequestsPerMinutePerProjectPerModel' }])
})
